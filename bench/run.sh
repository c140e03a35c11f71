#!/usr/bin/env bash
# Side-by-side benchmark: PIBL, nginx and HAProxy proxying to the same nginx backends,
# plus wrk straight to a backend as the ceiling. One run, loopback only, the same CPU
# pinning for every proxy. Prints a markdown table and saves it to bench/results/.
# See bench/README.md for the knobs and docs/benchmarks.md for the method.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

# ---------------------------------------------------------------- knobs (env) ----
DURATION=${DURATION:-15s}            # measured wrk run, per target and scenario
WARMUP=${WARMUP:-5s}                 # unmeasured wrk run just before each measured one; 0 = none
CONNECTIONS=${CONNECTIONS:-64}       # wrk -c
TARGETS=${TARGETS:-"direct nginx haproxy varnish pibl pibl-score"}
SCENARIOS=${SCENARIOS:-"1k 100k 1k-close 1k-clients hit-1k hit-100k"}
RATIOS=${RATIOS:-"pibl/nginx pibl/haproxy pibl/varnish pibl-score/pibl"}   # pairs a/b printed as ratios per scenario
PROXY_CPU=${PROXY_CPU:-0}            # every proxy is pinned here
LOAD_CPU=${LOAD_CPU:-1}              # wrk and the backend nginx are pinned here
BACKEND_PORTS=${BACKEND_PORTS:-"9001 9002 9003"}
NGINX_PORT=${NGINX_PORT:-8081}
HAPROXY_PORT=${HAPROXY_PORT:-8082}
PIBL_PORT=${PIBL_PORT:-8083}
VARNISH_PORT=${VARNISH_PORT:-8084}
PIBL_ADMIN_PORT=${PIBL_ADMIN_PORT:-8085}   # PIBL's admin listener: on, as in production, so metrics count every request
CACHE_MAX_AGE=${CACHE_MAX_AGE:-86400}  # Cache-Control max-age (s) the backends send for /cache/
HIT_PROBE=${HIT_PROBE:-1s}           # cache-hit check: this long a wrk run must reach no backend
NGINX_CACHE_SENDFILE=${NGINX_CACHE_SENDFILE:-on}   # nginx's sendfile when serving cache hits
PIBL_JAR=${PIBL_JAR:-$ROOT/proxy-app/target/pibl.jar}
PIBL_BUILD=${PIBL_BUILD:-auto}       # auto: build if the jar is missing or older than the sources; always; never
PIBL_JAVA_OPTS=${PIBL_JAVA_OPTS:-"-XX:+UseParallelGC -Xms512m -Xmx512m -XX:ActiveProcessorCount=1"}
START_TIMEOUT=${START_TIMEOUT:-60}   # seconds a server gets to start answering
RESULTS_DIR=${RESULTS_DIR:-$HERE/results}
KEEP_TMP=${KEEP_TMP:-0}              # 1: keep the temp dir (configs, logs) for inspection
QUIET_MAX=${QUIET_MAX:-15}           # before each measurement, wait until both CPUs are below
QUIET_WAIT=${QUIET_WAIT:-120}        # QUIET_MAX % busy (others compiling...), at most QUIET_WAIT s
OTHERS_MAX=${OTHERS_MAX:-10}         # a run where CPU 0 was this many points busier than the proxy
RETRIES=${RETRIES:-1}                # alone is flagged, and measured again up to RETRIES times

# ------------------------------------------------------------------ scenarios ----
# To add a scenario, add an entry to SCENARIO_PATH and SCENARIO_SIZE (the body size the
# readiness check expects), and to SCENARIO_HEADER if wrk must send an extra header.
# SCENARIO_MODE says how the targets run for it: "proxy" (the default: every request goes
# to a backend) or "cache" (the targets run with their cache on, and the scenario measures
# hits). Cache scenarios use paths under /cache/, which the backends send with
# Cache-Control: max-age=CACHE_MAX_AGE and log: a hit check before measuring fails the
# target when its requests still reach a backend, and the measured run reports how many did.
# SCENARIO_SCRIPT names a wrk Lua script to use instead of report.lua (it must print the same
# WRKRESULT line): 1k-clients sends each request with X-Forwarded-For from one of 10,000 client
# addresses, so a score-balancing PIBL (which trusts 127.0.0.1) tracks that many clients.
declare -A SCENARIO_PATH=([1k]=/1k.bin [100k]=/100k.bin [1k-close]=/1k.bin [1k-clients]=/1k.bin
                          [hit-1k]=/cache/1k.bin [hit-100k]=/cache/100k.bin)
declare -A SCENARIO_SIZE=([1k]=1024 [100k]=102400 [1k-close]=1024 [1k-clients]=1024 [hit-1k]=1024
                          [hit-100k]=102400)
declare -A SCENARIO_HEADER=([1k-close]="Connection: close")
declare -A SCENARIO_SCRIPT=([1k-clients]=clients.lua)
declare -A SCENARIO_MODE=([hit-1k]=cache [hit-100k]=cache)
scenario_mode() { echo "${SCENARIO_MODE[$1]:-proxy}"; }

# -------------------------------------------------------------------- targets ----
# To add a target, write start_target_<name> (dashes become underscores). It starts its
# server(s) with `spawn` (so cleanup stops them), waits with `wait_ready`, and sets:
#   T_PORT  the port wrk hits            T_PGID  process group whose CPU time is charged
#   T_CPU   the CPU that group runs on   T_DESC  one line for the report
#   T_LOG   its access log, if any (its line count is reported, then it is deleted)
# and returns 0; or sets T_SKIP to a reason and returns 1. T_MODE tells it how to run:
# "proxy" (no cache) or "cache" (its cache on); a target is started once per mode the
# scenarios need, and only in the modes TARGET_MODES lists for it (default: both).
declare -A TARGET_LABEL=([direct]="direct" [nginx]="nginx" [haproxy]="HAProxy" [pibl]="PIBL"
                         [varnish]="Varnish" [pibl-score]="PIBL (score)" [pibl-json]="PIBL (JSON log)")
declare -A TARGET_MODES=([direct]="proxy" [varnish]="cache" [pibl-score]="proxy" [pibl-json]="proxy")
target_modes() { echo "${TARGET_MODES[$1]:-proxy cache}"; }
# "nginx", or "nginx (cache)" for a target that runs in both modes, started for the cache
target_label() {
    local l=${TARGET_LABEL[$1]:-$1}
    if [[ $2 == cache && " $(target_modes "$1") " == *" proxy "* ]]; then l+=" (cache)"; fi
    echo "$l"
}

# ------------------------------------------------------------------- helpers ----
log()  { printf '%s [bench] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
loud() { printf '\n%s\n!!! %s\n%s\n\n' "$(printf '!%.0s' {1..78})" "$*" "$(printf '!%.0s' {1..78})" >&2; }
die()  { loud "$*"; exit 1; }

# "15s" / "2m" / "1h" / "15" -> seconds (what wrk accepts for -d, integers only)
secs() {
    case $1 in
        *s) echo "${1%s}" ;; *m) echo $(( ${1%m} * 60 )) ;; *h) echo $(( ${1%h} * 3600 )) ;;
        *) echo "$1" ;;
    esac
}
calc() { awk "BEGIN { printf \"$1\", ($2) }"; }   # calc FORMAT EXPR
now_ns() { date +%s%N; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

STARTED_PGIDS=()   # every process group this run started; cleanup stops them all
WRK_PID=
TMPD=
REPORT_WRITTEN=0

# spawn NAME CPU STDOUT STDERR CMD... : start CMD pinned to CPU in its own session (so its
# whole process group can be stopped by id); sets SPAWNED.
spawn() {
    local name=$1 cpu=$2 out=$3 err=$4; shift 4
    setsid taskset -c "$cpu" "$@" >"$out" 2>"$err" </dev/null &
    SPAWNED=$!
    SPAWNED_ERR=$err
    STARTED_PGIDS+=("$SPAWNED")
    sleep 0.2
    local pgid
    pgid=$(ps -o pgid= -p "$SPAWNED" 2>/dev/null | tr -d ' ') || true
    if [[ -n $pgid && $pgid != "$SPAWNED" ]]; then
        die "$name: pid $SPAWNED is not its own process group ($pgid); refusing to go on"
    fi
    log "$name started: pid $SPAWNED, pinned to CPU $cpu"
}

stop_group() {
    local pgid=$1 i
    pgrep -g "$pgid" >/dev/null 2>&1 || return 0
    kill -TERM -- "-$pgid" 2>/dev/null || true
    for i in $(seq 50); do
        pgrep -g "$pgid" >/dev/null 2>&1 || return 0
        sleep 0.1
    done
    log "process group $pgid ignored SIGTERM for 5 s; killing it"
    kill -KILL -- "-$pgid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    if [[ -n $WRK_PID ]]; then kill -TERM "$WRK_PID" 2>/dev/null; wait "$WRK_PID" 2>/dev/null; fi
    local i
    for (( i=${#STARTED_PGIDS[@]}-1; i>=0; i-- )); do stop_group "${STARTED_PGIDS[i]}"; done
    if [[ $REPORT_WRITTEN == 0 && -n $TMPD && -s $TMPD/rows ]]; then
        loud "run interrupted (exit $rc): writing the partial results"
        write_report "INCOMPLETE (interrupted, exit $rc)"
    fi
    if [[ -n $TMPD && -d $TMPD ]]; then
        if [[ $KEEP_TMP == 1 ]]; then log "kept $TMPD"; else rm -rf "$TMPD"; fi
        rmdir "$RAW_DIR" 2>/dev/null   # nothing was measured
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_ready NAME PGID URL SIZE: poll until URL answers 200 with SIZE bytes (bounded).
wait_ready() {
    local name=$1 pgid=$2 url=$3 size=$4 got deadline=$(( $(date +%s) + START_TIMEOUT ))
    while (( $(date +%s) < deadline )); do
        if ! pgrep -g "$pgid" >/dev/null 2>&1; then
            T_SKIP="$name exited during start-up"
            if [[ -n ${SPAWNED_ERR:-} && -s $SPAWNED_ERR ]]; then T_SKIP+=": $(tail -n 1 "$SPAWNED_ERR")"; fi
            return 1
        fi
        got=$(curl -s -o /dev/null --max-time 2 -w '%{http_code} %{size_download}' "$url" || true)
        if [[ $got == "200 $size" ]]; then log "$name answers $url"; return 0; fi
        sleep 0.3
    done
    T_SKIP="$name did not answer $url with 200 and $size bytes within ${START_TIMEOUT}s (last: '${got:-}')"
    return 1
}

# Warn when some thread of the group may run on other CPUs than the one it was pinned to.
check_pinning() {
    local name=$1 pgid=$2 cpu=$3 p t allowed bad=0 n=0
    for p in $(pgrep -g "$pgid"); do
        for t in /proc/"$p"/task/*; do
            allowed=$(awk '/^Cpus_allowed_list/ { print $2 }' "$t/status" 2>/dev/null) || continue
            [[ -z $allowed ]] && continue
            n=$((n + 1))
            [[ $allowed == "$cpu" ]] || bad=$((bad + 1))
        done
    done
    if (( bad > 0 )); then loud "$name: $bad of $n threads are NOT pinned to CPU $cpu"
    else log "$name: all $n threads pinned to CPU $cpu"; fi
}

# CPU used so far by a process group, in clock ticks (utime + stime from /proc/<pid>/stat;
# for a process these already sum all its threads, including ones that have exited).
group_ticks() {
    local pgid=$1 t=0 p s
    local -a f
    for p in $(pgrep -g "$pgid"); do
        s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
        s=${s##*) }
        read -ra f <<<"$s"
        t=$(( t + f[11] + f[12] ))
    done
    echo "$t"
}

# "busy total" jiffies of one CPU from /proc/stat (busy = all but idle and iowait).
cpu_jiffies() {
    awk -v c="cpu$1" '$1 == c { t = 0; for (i = 2; i <= 9; i++) t += $i; print t - $5 - $6, t }' /proc/stat
}

# Wait (bounded) until neither benchmark CPU is busy with someone else's work: the
# machine is shared, and a compile on CPU 0 would be charged to nobody but slow the proxy.
wait_quiet() {
    local what=$1 deadline=$(( $(date +%s) + QUIET_WAIT )) a0 a1 b0 b1 p0 p1 said=0
    while :; do
        read -r a0 _ < <(cpu_jiffies "$PROXY_CPU"); read -r a1 _ < <(cpu_jiffies "$LOAD_CPU")
        sleep 1
        read -r b0 _ < <(cpu_jiffies "$PROXY_CPU"); read -r b1 _ < <(cpu_jiffies "$LOAD_CPU")
        p0=$(( (b0 - a0) * 100 / CLK_TCK )); p1=$(( (b1 - a1) * 100 / CLK_TCK ))
        (( p0 <= QUIET_MAX && p1 <= QUIET_MAX )) && return 0
        if (( $(date +%s) >= deadline )); then
            loud "$what: CPUs still busy with other work (CPU$PROXY_CPU $p0%, CPU$LOAD_CPU $p1%) after ${QUIET_WAIT}s; measuring anyway"
            return 0
        fi
        (( said )) || log "$what: waiting for other work to leave the CPUs (CPU$PROXY_CPU $p0%, CPU$LOAD_CPU $p1%; up to ${QUIET_WAIT}s)"
        said=1
    done
}

# ----------------------------------------------------------------- install ----
stop_system_service() {
    local svc=$1 pidf=/run/$1.pid pid
    log "stopping the $svc service the package may have started (we run our own instances)"
    if [[ -d /run/systemd/system ]]; then systemctl stop "$svc" >/dev/null 2>&1 || true
    elif command -v service >/dev/null; then service "$svc" stop >/dev/null 2>&1 || true
    fi
    if [[ -f $pidf ]]; then
        pid=$(cat "$pidf")
        if [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$svc" ]]; then
            if [[ $svc == nginx ]]; then nginx -s quit 2>/dev/null || kill -TERM "$pid"
            else kill -TERM "$pid"; fi
        fi
    fi
}

ensure_tools() {
    local -A pkg=([wrk]=wrk [nginx]=nginx [haproxy]=haproxy [curl]=curl [taskset]=util-linux
                  [setsid]=util-linux [pgrep]=procps [ps]=procps [awk]=gawk)
    local tool missing=() svc
    for tool in "${!pkg[@]}"; do
        command -v "$tool" >/dev/null || missing+=("${pkg[$tool]}")
    done
    (( ${#missing[@]} == 0 )) && return 0
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    (( EUID == 0 )) || die "missing ${missing[*]}: run as root, or apt-get install -y ${missing[*]}"
    log "installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -o DPkg::Lock::Timeout=600 "${missing[@]}" >&2 \
        || { apt-get update -o DPkg::Lock::Timeout=600 >&2 \
             && apt-get install -y -o DPkg::Lock::Timeout=600 "${missing[@]}" >&2; } \
        || die "apt-get install ${missing[*]} failed"
    for svc in nginx haproxy; do
        [[ " ${missing[*]} " == *" $svc "* ]] && stop_system_service "$svc"
    done
    return 0
}

# ---------------------------------------------------------------- backends ----
# nginx temp paths inside our dir, so nothing under /var/lib/nginx is used.
nginx_temp_paths() {
    local d=$TMPD/$1-temp
    mkdir -p "$d"
    printf '    client_body_temp_path %s/body;\n    proxy_temp_path %s/proxy;\n' "$d" "$d"
    printf '    fastcgi_temp_path %s/fastcgi;\n    uwsgi_temp_path %s/uwsgi;\n    scgi_temp_path %s/scgi;\n' "$d" "$d" "$d"
}

start_backends() {
    local port listens=""
    mkdir -p "$TMPD/www"
    head -c 1024 /dev/urandom >"$TMPD/www/1k.bin"
    head -c 102400 /dev/urandom >"$TMPD/www/100k.bin"
    chmod 755 "$TMPD" "$TMPD/www"; chmod 644 "$TMPD"/www/*   # nginx workers run as nobody
    for port in $BACKEND_PORTS; do
        port_busy "$port" && die "backend port $port is already in use on 127.0.0.1"
        listens+="        listen 127.0.0.1:$port;"$'\n'
    done
    cat >"$TMPD/backend.conf" <<EOF
# Backends: static files, one worker, no access log except for /cache/.
worker_processes 1;
daemon off;
pid $TMPD/backend.pid;
error_log $TMPD/backend-error.log warn;
worker_rlimit_nofile 8192;
events { worker_connections 4096; }
http {
    access_log off;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    open_file_cache max=64 inactive=600s;
    open_file_cache_valid 600s;
    keepalive_requests 100000;
    keepalive_timeout 120s;
    log_format hits '\$server_port \$request';
$(nginx_temp_paths backend)
    server {
$listens        root $TMPD/www;
        # The cache-hit scenarios' objects: cacheable for longer than any run, and every
        # request for them logged (unbuffered), so a miss shows as a line in this log.
        location /cache/ {
            alias $TMPD/www/;
            add_header Cache-Control "public, max-age=$CACHE_MAX_AGE" always;
            access_log $BACKEND_LOG hits;
        }
    }
}
EOF
    spawn backend-nginx "$LOAD_CPU" "$TMPD/backend.out" "$TMPD/backend.err" \
        nginx -p "$TMPD" -e "$TMPD/backend-error.log" -c "$TMPD/backend.conf"
    BACKEND_PGID=$SPAWNED
    T_SKIP=
    for port in $BACKEND_PORTS; do
        if ! wait_ready backend-nginx "$BACKEND_PGID" "http://127.0.0.1:$port/1k.bin" 1024; then
            tail -n 5 "$TMPD/backend.err" >&2 || true
            die "$T_SKIP"
        fi
    done
}

# ----------------------------------------------------------------- targets ----
start_target_direct() {
    T_PORT=${BACKEND_PORTS%% *}; T_PGID=$BACKEND_PGID; T_CPU=$LOAD_CPU; T_LOG=
    T_DESC="wrk straight to one backend (127.0.0.1:$T_PORT); the ceiling. CPU column = the backend nginx, which shares CPU $LOAD_CPU with wrk"
}

start_target_nginx() {
    local port servers="" cache_http="" cache_loc=""
    for port in $BACKEND_PORTS; do servers+="        server 127.0.0.1:$port;"$'\n'; done
    T_PORT=$NGINX_PORT; T_CPU=$PROXY_CPU; T_LOG=$TMPD/nginx-access.log
    port_busy "$T_PORT" && { T_SKIP="port $T_PORT is already in use"; return 1; }
    if [[ $T_MODE == cache ]]; then
        # proxy_cache keeps objects in files (here under the temp dir, so in the page
        # cache) and serves hits from them: sendfile and open_file_cache as for static files.
        # sendfile on costs more CPU per 1 KiB hit (presumably a second write for the body)
        # and less per 100 KiB hit than off; NGINX_CACHE_SENDFILE=off measures the other way.
        # Not tcp_nopush: with it, nginx 1.22's keep-alive cache hits of 100 KiB stalled
        # ~40 ms each (TCP_CORK meeting delayed ACKs, it seems): 1.6 k req/s instead of 20+ k.
        cache_http="    proxy_cache_path $TMPD/nginx-cache levels=1:2 keys_zone=bench:10m max_size=256m inactive=1d use_temp_path=off;
    sendfile $NGINX_CACHE_SENDFILE;
    open_file_cache max=64 inactive=600s;
    open_file_cache_valid 600s;"
        cache_loc="            proxy_cache bench;
            add_header X-Cache-Status \$upstream_cache_status always;"
    fi
    cat >"$TMPD/nginx.conf" <<EOF
# nginx as the reverse proxy under test.
worker_processes 1;
daemon off;
pid $TMPD/nginx.pid;
error_log $TMPD/nginx-error.log warn;
worker_rlimit_nofile 8192;
events { worker_connections 4096; }
http {
    access_log $T_LOG combined buffer=64k flush=1s;
    keepalive_requests 100000;
    keepalive_timeout 120s;
$(nginx_temp_paths nginx)
$cache_http
    upstream backends {
$servers        keepalive 64;
        keepalive_requests 100000;
    }
    server {
        listen 127.0.0.1:$T_PORT;
        location / {
            proxy_pass http://backends;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
$cache_loc
        }
    }
}
EOF
    spawn nginx "$T_CPU" "$TMPD/nginx.out" "$TMPD/nginx.err" \
        nginx -p "$TMPD" -e "$TMPD/nginx-error.log" -c "$TMPD/nginx.conf"
    T_PGID=$SPAWNED
    T_DESC="nginx $(nginx -v 2>&1 | sed 's|.*nginx/||'): 1 worker, round-robin upstream, keepalive 64, HTTP/1.1 upstream, access log (combined, buffer=64k)"
    [[ $T_MODE == cache ]] && T_DESC+="; proxy_cache (keys_zone 10m, max_size 256m, files under the temp dir), sendfile $NGINX_CACHE_SENDFILE, open_file_cache"
    wait_ready nginx "$T_PGID" "http://127.0.0.1:$T_PORT/1k.bin" 1024
}

start_target_haproxy() {
    local port servers="" i=0 cache_sec="" cache_use=""
    for port in $BACKEND_PORTS; do i=$((i + 1)); servers+="    server b$i 127.0.0.1:$port"$'\n'; done
    if [[ $T_MODE == cache ]]; then
        # total-max-size is in MB; max-object-size (bytes) defaults to 1/256 of it and may
        # be at most half of it; max-age caps every object's lifetime (default only 60 s).
        cache_sec="cache bench
    total-max-size 256
    max-object-size 8388608
    max-age $CACHE_MAX_AGE"
        cache_use="    http-request cache-use bench
    http-response cache-store bench
    http-after-response set-header X-Cache-Status HIT if { res.cache_hit }
    http-after-response set-header X-Cache-Status MISS unless { res.cache_hit }"
    fi
    T_PORT=$HAPROXY_PORT; T_CPU=$PROXY_CPU; T_LOG=$TMPD/haproxy-access.log
    port_busy "$T_PORT" && { T_SKIP="port $T_PORT is already in use"; return 1; }
    cat >"$TMPD/haproxy.cfg" <<EOF
# HAProxy as the reverse proxy under test. Access log: one line per request to stdout,
# which the runner redirects to a file (no syslog needed).
global
    nbthread 1
    maxconn 4096
    log stdout format raw local0 info
defaults
    mode http
    log global
    option httplog
    option http-keep-alive
    http-reuse always
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 120s
$cache_sec
frontend fe
    bind 127.0.0.1:$T_PORT
    default_backend be
backend be
    balance roundrobin
$cache_use
$servers
EOF
    haproxy -c -q -f "$TMPD/haproxy.cfg" >&2 || { T_SKIP="haproxy -c rejected the config"; return 1; }
    spawn haproxy "$T_CPU" "$T_LOG" "$TMPD/haproxy.err" haproxy -db -f "$TMPD/haproxy.cfg"
    T_PGID=$SPAWNED
    T_DESC="HAProxy $(haproxy -v | awk 'NR==1 { print $3 }'): nbthread 1, balance roundrobin, http-reuse always, option httplog to stdout -> file (one write per request)"
    [[ $T_MODE == cache ]] && T_DESC+="; cache (total-max-size 256 MB, max-object-size 8 MiB, max-age $CACHE_MAX_AGE s), cache-use/cache-store in the backend"
    wait_ready haproxy "$T_PGID" "http://127.0.0.1:$T_PORT/1k.bin" 1024
}

# Varnish: cache mode only (TARGET_MODES). varnishd in the foreground (-F) in the spawned
# process group; its child (the cache process) stays in that group, so its CPU is charged.
start_target_varnish() {
    local port backends="" adds="" i=0
    T_PORT=$VARNISH_PORT; T_CPU=$PROXY_CPU; T_LOG=
    command -v varnishd >/dev/null || { T_SKIP="varnishd is not installed (apt-get install -y varnish)"; return 1; }
    port_busy "$T_PORT" && { T_SKIP="port $T_PORT is already in use"; return 1; }
    for port in $BACKEND_PORTS; do
        i=$((i + 1))
        backends+="backend b$i { .host = \"127.0.0.1\"; .port = \"$port\"; }"$'\n'
        adds+="    rr.add_backend(b$i);"$'\n'
    done
    cat >"$TMPD/varnish.vcl" <<EOF
# Varnish as the cache under test: round-robin over the backends, the built-in VCL
# otherwise (so objects live for the backend's max-age), and a header telling hits.
vcl 4.1;
import directors;
$backends
sub vcl_init {
    new rr = directors.round_robin();
$adds}
sub vcl_recv {
    set req.backend_hint = rr.backend();
}
sub vcl_deliver {
    if (obj.hits > 0) { set resp.http.X-Cache = "HIT"; } else { set resp.http.X-Cache = "MISS"; }
}
EOF
    chmod 644 "$TMPD/varnish.vcl"
    # -T none: no management port; -n: its working dir (shared-memory log) in the temp dir.
    spawn varnish "$T_CPU" "$TMPD/varnish.out" "$TMPD/varnish.err" \
        varnishd -F -a "127.0.0.1:$T_PORT" -T none -n "$TMPD/varnish" -f "$TMPD/varnish.vcl" \
        -s malloc,256m -p thread_pools=1
    T_PGID=$SPAWNED
    T_DESC="Varnish $(varnishd -V 2>&1 | sed -n '1s/.*(varnish-\([^ ]*\) .*/\1/p'): -s malloc,256m, thread_pools 1 (a thread per connection), round-robin director, built-in VCL; no access log (only its in-memory log)"
    wait_ready varnish "$T_PGID" "http://127.0.0.1:$T_PORT/1k.bin" 1024
}

start_target_pibl() {
    local port i=0
    T_PORT=$PIBL_PORT; T_CPU=$PROXY_CPU; T_LOG=$TMPD/pibl-access.log
    command -v java >/dev/null || { T_SKIP="java is not installed"; return 1; }
    local stale=""
    if [[ $PIBL_BUILD == auto && -f $PIBL_JAR ]]; then
        stale=$(find "$ROOT" -path "$ROOT/.git" -prune -o -path '*/target' -prune -o \
                     \( -name pom.xml -o -path '*/src/main/*' \) -newer "$PIBL_JAR" -print -quit)
    fi
    if [[ $PIBL_BUILD == always || ( $PIBL_BUILD == auto && ( ! -f $PIBL_JAR || -n $stale ) ) ]]; then
        log "building PIBL${stale:+ (jar older than $stale)}: mvn -q -B -DskipTests package (log: $TMPD/pibl-build.log)"
        if ! (cd "$ROOT" && mvn -q -B -DskipTests package) >"$TMPD/pibl-build.log" 2>&1; then
            tail -20 "$TMPD/pibl-build.log" >&2
            T_SKIP="the PIBL build failed (mvn -q -B -DskipTests package)"; return 1
        fi
    fi
    [[ -f $PIBL_JAR ]] || { T_SKIP="no jar at $PIBL_JAR"; return 1; }
    port_busy "$T_PORT" && { T_SKIP="port $T_PORT is already in use"; return 1; }
    {
        printf 'server:\n  port: %s\n  bind: 127.0.0.1\n  io-threads: 1\n' "$T_PORT"
        # Both variants trust 127.0.0.1's X-Forwarded-For (the 1k-clients scenario sends one), so
        # the round-robin run does the same header work as the score run.
        printf '  trusted-proxies: [127.0.0.1]\nbackends:\n'
        for port in $BACKEND_PORTS; do
            i=$((i + 1)); printf '  - name: b%s\n    url: "http://127.0.0.1:%s"\n' "$i" "$port"
        done
        if [[ ${PIBL_POLICY:-round-robin} == score ]]; then
            # Every tier routes to every backend: what is measured is the scoring, not the refusals
            # a single wrk client flooding from one address would otherwise earn.
            local pool; pool=$(seq -s, -f 'b%g' 1 "$i")
            printf 'balancing:\n  policy: score\n  score:\n    model: %s\n    tiers:\n' "$ROOT/config/models/behaviour.json"
            printf '      - { name: trusted, below: 0.5, pool: [%s] }\n' "$pool"
            printf '      - { name: suspicious, below: 0.9, pool: [%s] }\n' "$pool"
            printf '      - { name: abusive, pool: [%s] }\n' "$pool"
        else
            printf 'balancing:\n  policy: round-robin\n'
        fi
        printf 'logging:\n  file: %s\n  stdout: false\n  format: %s\n' "$T_LOG" "${PIBL_LOG_FORMAT:-text}"
        if [[ $T_MODE == cache ]]; then
            printf 'cache:\n  enabled: true\n  default-ttl: 60s\n  directory: %s\n' "$TMPD/pibl-cache"
            printf '  memory-size: 256MiB\n  max-object-size: 8MiB\n'
        else
            printf 'cache:\n  enabled: false\n'
        fi
        # On, as in production: with it PIBL counts every exchange for /metrics, and that costs.
        printf 'admin:\n  enabled: true\n  port: %s\n  bind: 127.0.0.1\n' "$PIBL_ADMIN_PORT"
    } >"$TMPD/pibl.yaml"
    # shellcheck disable=SC2086  # PIBL_JAVA_OPTS is a list of words
    spawn pibl "$T_CPU" "$TMPD/pibl.out" "$TMPD/pibl.err" \
        java $PIBL_JAVA_OPTS -jar "$PIBL_JAR" --config "$TMPD/pibl.yaml"
    T_PGID=$SPAWNED
    T_DESC="PIBL $(basename "$PIBL_JAR") ($(date -r "$PIBL_JAR" '+%F %T')): java $PIBL_JAVA_OPTS, io-threads 1, ${PIBL_POLICY:-round-robin}, ${PIBL_LOG_FORMAT:-text} access log to file"
    [[ ${PIBL_POLICY:-round-robin} == score ]] && T_DESC+=" (builtin model config/models/behaviour.json; three tiers, each over all backends)"
    [[ $T_MODE == cache ]] && T_DESC+="; cache on (memory-size 256MiB, max-object-size 8MiB, default-ttl 60s, directory in the temp dir)"
    wait_ready pibl "$T_PGID" "http://127.0.0.1:$T_PORT/1k.bin" 1024
}

# PIBL with balancing.policy: score, in the same run as round-robin PIBL (pibl-score/pibl).
start_target_pibl_score() {
    PIBL_POLICY=score start_target_pibl
}

# PIBL with logging.format: json, in the same run as the text-format PIBL (pibl-json/pibl).
start_target_pibl_json() {
    PIBL_LOG_FORMAT=json start_target_pibl
}

# -------------------------------------------------------------- measuring ----
# run_wrk OUT DURATION URL SCENARIO: one bounded wrk run pinned to LOAD_CPU.
run_wrk() {
    local out=$1 dur=$2 url=$3 scen=$4 rc=0
    local -a args=(-t1 -c"$CONNECTIONS" -d"$dur" --latency -s "$HERE/${SCENARIO_SCRIPT[$scen]:-report.lua}")
    [[ -n ${SCENARIO_HEADER[$scen]:-} ]] && args+=(-H "${SCENARIO_HEADER[$scen]}")
    timeout --kill-after=5 $(( $(secs "$dur") + 30 )) \
        taskset -c "$LOAD_CPU" wrk "${args[@]}" "$url" >"$out" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || rc=$?
    WRK_PID=
    return "$rc"
}

backend_requests() { wc -l <"$BACKEND_LOG"; }   # requests for /cache/ the backends served so far

# check_hits TARGET SCENARIO URL: fill the target's cache with a few sequential requests,
# then a HIT_PROBE-long wrk run must not reach any backend. Appends a FAILED row and
# returns 1 when it does (the target is not caching: its numbers would be a proxy's).
check_hits() {
    local t=$1 s=$2 url=$3 i b0 b1 line hdrs kv probe
    probe="$RAW_DIR/$t-$s-hitprobe.txt"
    local -A P=()
    for i in 1 2 3; do curl -s -o /dev/null --max-time 5 "$url" || true; done
    sleep 0.5
    hdrs=$(curl -s -D - -o /dev/null --max-time 5 "$url" | tr -d '\r' \
           | grep -iE '^(x-cache|x-cache-status|age):' | tr '\n' ' ' || true)
    b0=$(backend_requests)
    run_wrk "$probe" "$HIT_PROBE" "$url" "$s" || true
    b1=$(backend_requests)
    line=$(grep -m1 '^WRKRESULT' "$probe" || true)
    for kv in ${line#WRKRESULT }; do P[${kv%%=*}]=${kv#*=}; done
    if [[ -z $line || ${P[requests]:-0} == 0 ]]; then
        loud "$t / $s: the cache-hit probe made no requests: $(tail -3 "$probe" | tr '\n' ' ')"
        printf '%s\t%s\tFAILED\thit probe made no requests\n' "$s" "$t" >>"$TMPD/rows"
        return 1
    fi
    if (( b1 > b0 )); then
        # (wrk counts completed requests only, so the backends may have served a few more)
        loud "$t / $s: NOT SERVED FROM CACHE: the backends served $(( b1 - b0 )) requests during a $HIT_PROBE probe that completed ${P[requests]} (headers: ${hdrs:-none}); not measured"
        printf '%s\t%s\tFAILED\tnot served from cache: the backends served %s requests during a %s probe of %s\n' \
            "$s" "$t" "$(( b1 - b0 ))" "$HIT_PROBE" "${P[requests]}" >>"$TMPD/rows"
        return 1
    fi
    log "$t / $s: cache hits: none of ${P[requests]} probe requests reached a backend (headers: ${hdrs:-none})"
    HITCHECK+="${TARGET_LABEL[$t]:-$t} $s: 0 of ${P[requests]}${hdrs:+ (${hdrs% })}; "
}

# measure TARGET SCENARIO: warm-up, then the measured run; appends one row to $TMPD/rows.
measure() {
    local t=$1 s=$2 url raw ticks0 ticks1 t0 t1 c00 c01 c10 c11 line kv got cache=0 b0 b1 bhits=-
    local -A R=()
    url="http://127.0.0.1:$T_PORT${SCENARIO_PATH[$s]}"
    # the response must be right before it is worth timing
    local -a hdr=()
    [[ -n ${SCENARIO_HEADER[$s]:-} ]] && hdr=(-H "${SCENARIO_HEADER[$s]}")
    got=$(curl -s -o /dev/null --max-time 5 "${hdr[@]}" -w '%{http_code} %{size_download}' "$url" || true)
    if [[ $got != "200 ${SCENARIO_SIZE[$s]}" ]]; then
        loud "$t / $s: $url answered '$got', expected '200 ${SCENARIO_SIZE[$s]}'; not measured"
        printf '%s\t%s\tFAILED\twrong response: %s\n' "$s" "$t" "$got" >>"$TMPD/rows"
        return 0
    fi
    if [[ $(scenario_mode "$s") == cache ]]; then
        cache=1
        check_hits "$t" "$s" "$url" || return 0
    fi
    local attempt
    for (( attempt = 0; ; attempt++ )); do
        raw="$RAW_DIR/$t-$s.txt"
        (( attempt > 0 )) && raw="$RAW_DIR/$t-$s-retry$attempt.txt"
        wait_quiet "$t / $s"
        if [[ $(secs "$WARMUP") != 0 ]]; then
            log "$t / $s: warm-up $WARMUP"
            run_wrk "$RAW_DIR/$t-$s-warmup.txt" "$WARMUP" "$url" "$s" || true
            sleep 1
        fi
        log "$t / $s: measuring $DURATION, $CONNECTIONS connections, $url"
        ticks0=$(group_ticks "$T_PGID"); read -r c00 _ < <(cpu_jiffies "$PROXY_CPU")
        read -r c10 _ < <(cpu_jiffies "$LOAD_CPU"); (( cache )) && b0=$(backend_requests); t0=$(now_ns)
        local rc=0
        run_wrk "$raw" "$DURATION" "$url" "$s" || rc=$?
        t1=$(now_ns); ticks1=$(group_ticks "$T_PGID"); read -r c01 _ < <(cpu_jiffies "$PROXY_CPU")
        read -r c11 _ < <(cpu_jiffies "$LOAD_CPU"); (( cache )) && b1=$(backend_requests) && bhits=$(( b1 - b0 ))
        line=$(grep -m1 '^WRKRESULT' "$raw" || true)
        if [[ -z $line ]]; then
            loud "$t / $s: wrk failed (exit $rc), no result: $(tail -3 "$raw" | tr '\n' ' ')"
            printf '%s\t%s\tFAILED\twrk exit %s\n' "$s" "$t" "$rc" >>"$TMPD/rows"
            return 0
        fi
        for kv in ${line#WRKRESULT }; do R[${kv%%=*}]=${kv#*=}; done
        local wall_s sock errs cpu_us cpu_us_req tgt_pct cpu0_pct cpu1_pct
        wall_s=$(calc '%.6f' "($t1 - $t0) / 1e9")
        sock=$(( R[connect] + R[read] + R[write] + R[timeout] ))
        errs=$(( R[status] + sock ))
        cpu_us=$(calc '%.0f' "($ticks1 - $ticks0) * 1e6 / $CLK_TCK")
        cpu_us_req=$(calc '%.2f' "${R[requests]} > 0 ? $cpu_us / ${R[requests]} : 0")
        tgt_pct=$(calc '%.0f' "$cpu_us / 1e6 / $wall_s * 100")
        cpu0_pct=$(calc '%.0f' "($c01 - $c00) * 1e6 / $CLK_TCK / 1e6 / $wall_s * 100")
        cpu1_pct=$(calc '%.0f' "($c11 - $c10) * 1e6 / $CLK_TCK / 1e6 / $wall_s * 100")
        log "$t / $s: $(calc '%.0f' "${R[rps]}") req/s, p50 ${R[p50_us]} us, p99 ${R[p99_us]} us," \
            "errors $errs, $cpu_us_req us CPU/req (target $tgt_pct%, CPU$PROXY_CPU $cpu0_pct%, CPU$LOAD_CPU $cpu1_pct%)$( (( cache )) && echo ", $bhits requests reached a backend")"
        # someone else's work on the proxy's CPU spoils both its req/s and its CPU per request
        if [[ $T_CPU == "$PROXY_CPU" ]] && (( cpu0_pct - tgt_pct > OTHERS_MAX && attempt < RETRIES )); then
            loud "$t / $s: CPU$PROXY_CPU was $(( cpu0_pct - tgt_pct ))% busy with other work during the run; measuring again"
            continue
        fi
        break
    done
    # scenario target rps p50 p99 errors status socket requests cpu_us/req target% cpu0% cpu1% target_cpu
    # backend_requests (cache scenarios; "-" otherwise)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$t" "${R[rps]}" \
        "${R[p50_us]}" "${R[p99_us]}" "$errs" "${R[status]}" "$sock" "${R[requests]}" \
        "$cpu_us_req" "$tgt_pct" "$cpu0_pct" "$cpu1_pct" "$T_CPU" "$bhits" >>"$TMPD/rows"
    if (( errs > 0 )); then loud "$t / $s: $errs errors (non-2xx/3xx ${R[status]}, socket $sock)"; fi
    if [[ $bhits != - ]] && (( bhits > 0 )); then loud "$t / $s: $bhits of ${R[requests]} requests reached a backend during the measured run"; fi
}

# ------------------------------------------------------------------ report ----
write_report() {
    local status=${1:-complete} out="$RESULTS_DIR/$STAMP.md"
    REPORT_WRITTEN=1
    mkdir -p "$RESULTS_DIR"
    {
        echo "# PIBL side-by-side benchmark — $STAMP"
        echo
        [[ $status != complete ]] && { echo "**$status**"; echo; }
        echo "- host: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), kernel $(uname -r)"
        echo "- commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (dirty)')"
        echo "- wrk: \`taskset -c $LOAD_CPU wrk -t1 -c$CONNECTIONS -d$DURATION --latency\`, warm-up $WARMUP before each measured run"
        echo "- pinning: proxies on CPU $PROXY_CPU; wrk and the backend nginx (1 worker, 3 ports) on CPU $LOAD_CPU"
        echo "- load average at start: $LOAD_START; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
        echo
        echo "Targets:"
        local t m
        for t in $TARGETS; do
            for m in $MODES; do
                [[ " $(target_modes "$t") " == *" $m "* ]] || continue
                echo "- **$(target_label "$t" "$m")**: ${DESC[$t@$m]:-not run}"
            done
        done
        echo
        echo "| scenario | target | req/s | p50 ms | p99 ms | errors | CPU µs/req | target CPU % | CPU$PROXY_CPU busy % | CPU$LOAD_CPU busy % |"
        echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
        awk -F'\t' -v labels="$(for t in "${!TARGET_LABEL[@]}"; do printf '%s=%s;' "$t" "${TARGET_LABEL[$t]}"; done)" \
            -v scen="$SCENARIOS" -v tgts="$TARGETS" -v skipped="$SKIPPED" -v others="$OTHERS_MAX" -v pcpu="$PROXY_CPU" -v lcpu="$LOAD_CPU" \
            -v smodes="$(for s in $SCENARIOS; do printf '%s=%s;' "$s" "$(scenario_mode "$s")"; done)" \
            -v tmodes="$(for t in $TARGETS; do printf '%s=%s;' "$t" "$(target_modes "$t")"; done)" '
            BEGIN { n = split(labels, a, ";"); for (i = 1; i <= n; i++) { split(a[i], b, "="); L[b[1]] = b[2] }
                    m = split(skipped, a, ";"); for (i = 1; i <= m; i++) { split(a[i], b, "="); S[b[1]] = b[2] }
                    m = split(smodes, a, ";"); for (i = 1; i <= m; i++) { split(a[i], b, "="); SM[b[1]] = b[2] }
                    m = split(tmodes, a, ";"); for (i = 1; i <= m; i++) { split(a[i], b, "="); TM[b[1]] = " " b[2] " " } }
            { row[$1 "|" $2] = $0 }
            function lab(t) { return (t in L) ? L[t] : t }
            END {
                ns = split(scen, sc, " "); nt = split(tgts, tg, " ")
                for (i = 1; i <= ns; i++) for (j = 1; j <= nt; j++) {
                    s = sc[i]; t = tg[j]; k = s "|" t; tm = t "@" SM[s]
                    if (index(TM[t], " " SM[s] " ") == 0) continue   # e.g. direct has no cache
                    if (!(k in row)) {
                        printf "| %s | %s | %s | | | | | | | |\n", s, lab(t), (tm in S) ? "skipped: " S[tm] : "not run"
                        continue
                    }
                    split(row[k], f, "\t")
                    if (f[3] == "FAILED") { printf "| %s | %s | ⚠ FAILED (%s) | | | | | | | |\n", s, lab(t), f[4]; continue }
                    err = f[6] > 0 ? sprintf("⚠ %d (non-2xx/3xx %d, socket %d)", f[6], f[7], f[8]) : "0"
                    note = ""
                    # a proxy alone on its CPU that does not use it all while the load CPU is
                    # full: req/s is capped by the load side; compare CPU µs/req instead.
                    if (f[14] == pcpu && f[13] >= 95 && f[11] < 90) note = " ⚑"
                    if (f[14] == pcpu && f[12] - f[11] > others) note = note " ⚐"
                    # a cache-hit row where some requests still reached a backend
                    if (f[15] != "-" && f[15] != "" && f[15] > 0) note = note sprintf(" ⚠ %d from a backend", f[15])
                    printf "| %s | %s | %.0f%s | %.2f | %.2f | %s | %.1f | %d | %d | %d |\n",
                        s, lab(t), f[3], note, f[4] / 1000, f[5] / 1000, err, f[10], f[11], f[12], f[13]
                }
            }' "$TMPD/rows"
        echo
        echo "CPU µs/req: CPU time (utime+stime from /proc/<pid>/stat, all processes and threads"
        echo "of the target) during the measured run, divided by the requests wrk completed."
        echo "For *direct* it is the backend nginx's. ⚑ = CPU$LOAD_CPU (wrk + backend) was saturated"
        echo "and the proxy was not: req/s is capped by the load side, CPU µs/req still compares."
        echo "⚐ = CPU$PROXY_CPU was over $OTHERS_MAX points busier than the proxy alone accounts for: other"
        echo "work ran on it (after $RETRIES retries), so that row's req/s and CPU µs/req are suspect."
        echo
        echo "Access-log lines written: ${LOGLINES:-none}"
        echo
        if [[ " $MODES " == *" cache "* ]]; then
            echo "Cache-hit scenarios: each target runs with its cache on and the objects come with"
            echo "\`Cache-Control: max-age=$CACHE_MAX_AGE\`. After three requests to fill the cache, a"
            echo "$HIT_PROBE wrk probe must reach no backend (the backends log every /cache/ request), else"
            echo "the target is reported as not caching and not measured."
            echo "Probe requests that reached a backend: ${HITCHECK:-none passed}"
            echo "Requests that reached a backend during the measured runs:" \
                "$(awk -F'\t' -v labels="$(for t in "${!TARGET_LABEL[@]}"; do printf '%s=%s;' "$t" "${TARGET_LABEL[$t]}"; done)" '
                    BEGIN { n = split(labels, a, ";"); for (i = 1; i <= n; i++) { split(a[i], b, "="); L[b[1]] = b[2] } }
                    $3 != "FAILED" && $15 != "-" && $15 != "" { printf "%s %s: %d of %d; ", ($2 in L) ? L[$2] : $2, $1, $15, $9 }' "$TMPD/rows")"
            echo
        fi
        echo "## Ratios"
        echo
        local thead="| scenario |" sep="|---|" pair
        for pair in $RATIOS; do thead+=" $pair req/s | $pair CPU/req |"; sep+="---:|---:|"; done
        echo "$thead"; echo "$sep"
        awk -F'\t' -v scen="$SCENARIOS" -v ratios="$RATIOS" \
            -v smodes="$(for s in $SCENARIOS; do printf '%s=%s;' "$s" "$(scenario_mode "$s")"; done)" \
            -v tmodes="$(for p in $RATIOS; do for t in ${p%/*} ${p#*/}; do printf '%s=%s;' "$t" "$(target_modes "$t")"; done; done)" '
            BEGIN { m = split(smodes, x, ";"); for (i = 1; i <= m; i++) { split(x[i], y, "="); SM[y[1]] = y[2] }
                    m = split(tmodes, x, ";"); for (i = 1; i <= m; i++) { split(x[i], y, "="); TM[y[1]] = " " y[2] " " } }
            $3 != "FAILED" { rps[$1 "|" $2] = $3; cpu[$1 "|" $2] = $10 }
            END {
                ns = split(scen, sc, " "); np = split(ratios, pr, " ")
                for (i = 1; i <= ns; i++) {
                    line = "| " sc[i] " |"
                    for (j = 1; j <= np; j++) {
                        split(pr[j], ab, "/"); a = sc[i] "|" ab[1]; b = sc[i] "|" ab[2]
                        if (index(TM[ab[1]], " " SM[sc[i]] " ") == 0 || index(TM[ab[2]], " " SM[sc[i]] " ") == 0)
                            line = line " — | — |"
                        else if ((a in rps) && (b in rps) && rps[b] > 0 && cpu[b] > 0)
                            line = line sprintf(" %.2f | %.2f |", rps[a] / rps[b], cpu[a] / cpu[b])
                        else line = line " pending | pending |"
                    }
                    print line
                }
            }' "$TMPD/rows"
        echo
        echo "req/s ratio above 1 and CPU/req ratio below 1 mean the first target is better;"
        echo "in cache-hit scenarios both run with their caches on. — = a target without that mode."
        echo "This machine is shared and noisy: quote ratios, not absolute numbers."
    } >"$out"
    echo
    cat "$out"
    log "saved $out (raw wrk output: $RAW_DIR)"
}

# -------------------------------------------------------------------- main ----
ensure_tools
for s in $SCENARIOS; do
    [[ -n ${SCENARIO_PATH[$s]:-} ]] || die "unknown scenario '$s' (have: ${!SCENARIO_PATH[*]})"
    [[ $(scenario_mode "$s") == @(proxy|cache) ]] || die "scenario '$s': unknown mode '$(scenario_mode "$s")'"
done
for t in $TARGETS; do declare -F "start_target_${t//-/_}" >/dev/null || die "unknown target '$t'"; done
(( $(nproc) > PROXY_CPU && $(nproc) > LOAD_CPU )) || die "need CPUs $PROXY_CPU and $LOAD_CPU; this machine has $(nproc)"
for p in nginx haproxy varnishd; do
    if pgrep -x "$p" >/dev/null; then log "note: $p processes not started by this run are running (pids $(pgrep -d ' ' -x "$p")); they may steal CPU"; fi
done

CLK_TCK=$(getconf CLK_TCK)
STAMP=$(date +%Y%m%d-%H%M%S)
TMPD=$(mktemp -d /tmp/pibl-bench.XXXXXX)
RAW_DIR="$RESULTS_DIR/$STAMP-raw"
BACKEND_LOG=$TMPD/backend-access.log
mkdir -p "$RAW_DIR"
: >"$TMPD/rows"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A DESC=()    # "target@mode" -> description
SKIPPED=""            # "target@mode=reason;..."
LOGLINES=""
HITCHECK=""
MODES=""              # the modes the scenarios need, in order of first appearance
for s in $SCENARIOS; do [[ " $MODES " == *" $(scenario_mode "$s") "* ]] || MODES+="$(scenario_mode "$s") "; done

start_backends
check_pinning backend-nginx "$BACKEND_PGID" "$LOAD_CPU"

for t in $TARGETS; do
  for T_MODE in $MODES; do
    [[ " $(target_modes "$t") " == *" $T_MODE "* ]] || continue
    scens=""
    for s in $SCENARIOS; do [[ $(scenario_mode "$s") == "$T_MODE" ]] && scens+="$s "; done
    T_PORT='' T_PGID='' T_CPU='' T_DESC='' T_LOG='' T_SKIP=''
    n_before=${#STARTED_PGIDS[@]}
    label=$(target_label "$t" "$T_MODE")
    log "=== target $label: $scens"
    SPAWNED_ERR=
    if ! "start_target_${t//-/_}"; then
        if [[ -n $SPAWNED_ERR && -s $SPAWNED_ERR ]]; then tail -n 20 "$SPAWNED_ERR" >&2; fi
        T_LOG=
        reason=${T_SKIP:-start-up failed}
        reason=${reason//[;=|$'\t\\']/ }    # separators of SKIPPED, and markdown's |
        loud "SKIPPING $label: $reason"
        SKIPPED+="$t@$T_MODE=$reason;"
        DESC[$t@$T_MODE]="skipped: $reason"
    else
        DESC[$t@$T_MODE]=$T_DESC
        [[ $t != direct ]] && check_pinning "$label" "$T_PGID" "$T_CPU"
        for s in $scens; do
            if ! pgrep -g "$T_PGID" >/dev/null; then
                loud "$label is no longer running; skipping its remaining scenarios"
                printf '%s\t%s\tFAILED\ttarget died\n' "$s" "$t" >>"$TMPD/rows"
                continue
            fi
            measure "$t" "$s"
            sleep 1
        done
    fi
    # stop what this target started (not the shared backends), then count its log lines
    for (( i=${#STARTED_PGIDS[@]}-1; i>=n_before; i-- )); do stop_group "${STARTED_PGIDS[i]}"; done
    STARTED_PGIDS=("${STARTED_PGIDS[@]:0:n_before}")   # stopped: never signal those ids again
    if [[ -n $T_LOG && -f $T_LOG ]]; then
        # PIBL rolls its log at 100 MiB into $T_LOG.<date>.<n>.gz: count those lines too.
        # (zcat exits non-zero when the glob matches nothing; the live file's lines still count.)
        LOGLINES+="$label $( { zcat -f "$T_LOG" "$T_LOG".*.gz 2>/dev/null || true; } | wc -l); "
        rm -f "$T_LOG" "$T_LOG".*.gz
    fi
  done
done

write_report complete
