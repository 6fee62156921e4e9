#!/usr/bin/env bash
# Runs every test of Tocsin: unit, property, fuzz-corpus replay and integration tests against real HAProxy,
# Alertmanager and (for the metric parity test) Go haproxy_exporter processes. Installs the test tools when they are
# missing and we are root.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/sbin/haproxy ] || command -v haproxy >/dev/null 2>&1 || need+=(haproxy)
command -v prometheus-alertmanager >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v prometheus-haproxy-exporter >/dev/null 2>&1 || need+=(prometheus-haproxy-exporter)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "test.sh: installing missing test tools: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${need[@]}"
  else
    echo "test.sh: missing test tools: ${need[*]}" >&2
    echo "test.sh: install them as root with:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi

exec mvn -B verify "$@"
