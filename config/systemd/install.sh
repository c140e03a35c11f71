#!/usr/bin/env bash
# Installs PIBL as a systemd service (docs/operations.md, "Running as a systemd service").
#
#   sudo config/systemd/install.sh [JAR]        JAR defaults to proxy-app/target/pibl.jar
#   DESTDIR=/tmp/root config/systemd/install.sh  lays the files out under /tmp/root only: no user,
#                                               no ownership, no systemctl (packaging, tests)
#
# Safe to run again (to upgrade): the jar and the unit are replaced; /etc/pibl/pibl.yaml and the
# model are never overwritten, the current reference versions land next to them as *.dist.
#
#   /opt/pibl/pibl.jar                   the application
#   /etc/pibl/pibl.yaml                  config/pibl.yaml with the service's paths (below)
#   /etc/pibl/models/behaviour.json      the shipped behaviour model
#   /etc/systemd/system/pibl.service     the unit
#   /var/cache/pibl /var/log/pibl /var/lib/pibl   owned by the pibl system user (no login shell)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
jar="${1:-$repo/proxy-app/target/pibl.jar}"
dest="${DESTDIR:-}"
dest="${dest%/}"

die() {
  echo "install.sh: $*" >&2
  exit 1
}

[ -f "$jar" ] || die "no jar at $jar; build it first: mvn -B -DskipTests package"
if [ -z "$dest" ] && [ "$(id -u)" -ne 0 ]; then
  die "run as root (sudo), or set DESTDIR to lay the files out under another directory"
fi

# The reference config, with what differs for a service: absolute paths into the directories
# the unit gives PIBL (its working directory is /var/lib/pibl, where relative paths would land),
# the model under /etc with the rest of the configuration, and the access log to its file only:
# on stdout every line would also go to the journal, whose rate limit (10000 lines in 30 s per
# service by default) would then drop PIBL's own warnings along with them.
service_config() {
  local reference="$repo/config/pibl.yaml" line
  for line in '  directory: cache' '  file: logs/access.log' '  stdout: true' \
      '    model: config/models/behaviour.json'; do
    [ "$(grep -c -x -F -e "$line" "$reference")" = 1 ] \
      || die "config/pibl.yaml no longer has exactly one line '$line'; update install.sh with it"
  done
  sed -e 's|^  directory: cache$|  directory: /var/cache/pibl|' \
      -e 's|^  file: logs/access.log$|  file: /var/log/pibl/access.log|' \
      -e 's|^  stdout: true$|  stdout: false|' \
      -e 's|^    model: config/models/behaviour.json$|    model: /etc/pibl/models/behaviour.json|' \
      "$reference"
}

# Puts $1 at $2 unless a file is there already; the new version goes to $2.dist either way.
install_keeping() {
  local source="$1" target="$2" mode="$3"
  install -m "$mode" "$source" "$target.dist"
  if [ -e "$target" ]; then
    echo "kept $target (the current reference is $target.dist)"
  else
    install -m "$mode" "$source" "$target"
    echo "installed $target"
  fi
}

if [ -z "$dest" ]; then
  getent group pibl >/dev/null || groupadd --system pibl
  getent passwd pibl >/dev/null || useradd --system --gid pibl --home-dir /var/lib/pibl --no-create-home \
    --shell /usr/sbin/nologin --comment "PIBL reverse proxy" pibl
fi

install -d -m 0755 "$dest/opt/pibl" "$dest/etc/systemd/system"
install -d -m 0750 "$dest/etc/pibl" "$dest/etc/pibl/models"
install -d -m 0750 "$dest/var/cache/pibl" "$dest/var/log/pibl" "$dest/var/lib/pibl"

# Copied beside it, then renamed: a running PIBL keeps reading the jar it opened.
install -m 0644 "$jar" "$dest/opt/pibl/.pibl.jar.new"
mv -f "$dest/opt/pibl/.pibl.jar.new" "$dest/opt/pibl/pibl.jar"
echo "installed $dest/opt/pibl/pibl.jar"

tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
service_config >"$tmp"
install_keeping "$tmp" "$dest/etc/pibl/pibl.yaml" 0640
install_keeping "$repo/config/models/behaviour.json" "$dest/etc/pibl/models/behaviour.json" 0640

install -m 0644 "$here/pibl.service" "$dest/etc/systemd/system/pibl.service"
echo "installed $dest/etc/systemd/system/pibl.service"

if [ -n "$dest" ]; then
  exit 0
fi

# The config may hold admin.token: readable by root and the service only.
chown root:pibl /etc/pibl /etc/pibl/models /etc/pibl/pibl.yaml /etc/pibl/pibl.yaml.dist \
  /etc/pibl/models/behaviour.json /etc/pibl/models/behaviour.json.dist
chown pibl:pibl /var/cache/pibl /var/log/pibl /var/lib/pibl

if command -v java >/dev/null 2>&1 \
    && ! runuser -u pibl -- java -jar /opt/pibl/pibl.jar --config /etc/pibl/pibl.yaml --check; then
  echo "install.sh: WARNING: /etc/pibl/pibl.yaml is not valid (above); PIBL will not start until it is" >&2
fi

# Like sd_booted(): only a system that runs systemd as PID 1 has a manager to reload.
if [ -d /run/systemd/system ] && [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; then
  systemctl daemon-reload
  echo "next: systemctl enable --now pibl   (after an upgrade: systemctl restart pibl)"
else
  echo "systemd is not PID 1 here: skipped systemctl daemon-reload"
fi
