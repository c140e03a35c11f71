#!/usr/bin/env bash
# Reproduces config/models/behaviour.json from a fixed simulation seed, then grades it on a seed
# it was not trained on. Loopback only; bounded by DURATION per phase (two phases).
#
#   config/models/train.sh                       # the shipped model: SEED=20261122, EVAL_SEED=7
#   SEED=1 DURATION=60s OUT=/tmp/m.json config/models/train.sh
#
# 1. collect  PIBL with policy: score and export-features on, every tier routing to every backend
#             (so PIBL's reactions do not shape the behaviour it records), in front of the demo
#             backends; `pibl simulate --seed SEED` drives it and writes who was what.
# 2. train    `pibl train` fits the model on that export and those labels, and prints its
#             held-out quality.
# 3. evaluate PIBL with the new model and real tiers (trusted -> node-1, node-2; restricted ->
#             node-3); `pibl simulate --seed EVAL_SEED --evaluate` prints, per client kind, the
#             tiers its requests went to, requests until the first change, detection and false
#             positives.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
SEED=${SEED:-20261122}
EVAL_SEED=${EVAL_SEED:-7}
DURATION=${DURATION:-90s}
MIX=${MIX:-}                       # empty: the simulator's default mix
OUT=${OUT:-config/models/behaviour.json}
UNTIL_REQUEST=${UNTIL_REQUEST:-200}   # train on each client's first N requests: how soon it is caught
VERSION=${VERSION:-behaviour-sim-$SEED}
PORT=${PORT:-18080}
FIRST_BACKEND=${FIRST_BACKEND:-19001}
JAR=proxy-app/target/pibl.jar
case $OUT in /*) ;; *) OUT=$root/$OUT ;; esac
work=$(mktemp -d /tmp/pibl-train.XXXXXX)
echo "train.sh: working in $work" >&2

if [[ ! -f $JAR ]]; then
    mvn -q -B -DskipTests package >&2
fi

pid=""
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; true; }
trap cleanup EXIT

# config PHASE TIERS_YAML MODEL EXTRA_SCORE_YAML: a PIBL config for one phase
config() {
    local b=$FIRST_BACKEND
    cat <<YAML
server: { port: $PORT, bind: 127.0.0.1 }
backends:
  - { name: node-1, url: "http://127.0.0.1:$b" }
  - { name: node-2, url: "http://127.0.0.1:$((b + 1))" }
  - { name: node-3, url: "http://127.0.0.1:$((b + 2))" }
balancing:
  policy: score
  score:
    model: $3
$4
    tiers:
$2
cache: { directory: $work/cache-$1 }
logging: { file: $work/access-$1.log, stdout: false }
admin: { enabled: false }
YAML
}

# run_pibl PHASE CONFIG: starts PIBL and its demo backends, waits until it answers
run_pibl() {
    java -jar "$JAR" --config "$2" demo --first-port "$FIRST_BACKEND" >"$work/pibl-$1.out" 2>&1 &
    pid=$!
    for _ in $(seq 1 150); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/robots.txt" && return 0
        sleep 0.2
    done
    echo "train.sh: PIBL did not start; see $work/pibl-$1.out" >&2
    exit 1
}

stop_pibl() { kill "$pid"; wait "$pid" || true; pid=""; }

mix=()
[[ -n $MIX ]] && mix=(--mix "$MIX")

everywhere='      - { name: trusted, below: 0.5, pool: [node-1, node-2, node-3] }
      - { name: restricted, pool: [node-1, node-2, node-3] }'
config collect "$everywhere" "$root/config/models/behaviour.json" "    export-features: $work/features.jsonl" \
    >"$work/collect.yaml"
run_pibl collect "$work/collect.yaml"
java -jar "$JAR" simulate --target "127.0.0.1:$PORT" --seed "$SEED" --duration "$DURATION" "${mix[@]}" \
    --labels "$work/labels.jsonl"
stop_pibl

java -jar "$JAR" train --features "$work/features.jsonl" --labels "$work/labels.jsonl" --out "$OUT" \
    --version "$VERSION" --seed 1 --until-request "${UNTIL_REQUEST:-200}"

tiers='      - { name: trusted, below: 0.5, pool: [node-1, node-2] }
      - { name: restricted, pool: [node-3] }'
config evaluate "$tiers" "$OUT" "" >"$work/evaluate.yaml"
run_pibl evaluate "$work/evaluate.yaml"
java -jar "$JAR" simulate --target "127.0.0.1:$PORT" --seed "$EVAL_SEED" --duration "$DURATION" "${mix[@]}" \
    --labels "$work/labels-eval.jsonl"
stop_pibl
java -jar "$JAR" simulate --evaluate --no-traffic --labels "$work/labels-eval.jsonl" \
    --access-log "$work/access-evaluate.log" --main-tier trusted
