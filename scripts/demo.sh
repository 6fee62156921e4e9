#!/usr/bin/env bash
# The Tocsin demo: a real HAProxy in front of two local backends, a backend taken down and brought back, the
# HaproxyBackendDown alert firing (with its runbook and diagnosis) and resolving. Loopback only; leaves nothing behind.
# Needs Java 17+ and Maven; installs HAProxy when run as root and it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

HAPROXY=/usr/sbin/haproxy
JAR=examples/target/tocsin.jar

step() { printf '==> %s\n' "$*"; }
fail() { printf 'demo.sh: %s\n' "$*" >&2; exit 1; }

command -v java >/dev/null 2>&1 || fail "java not found: install a JDK 17 or newer (apt-get install -y openjdk-17-jdk-headless)"
command -v mvn >/dev/null 2>&1 || fail "mvn not found: install Maven (apt-get install -y maven)"

if [ ! -x "$HAPROXY" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    step "Installing HAProxy (apt-get install haproxy)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends haproxy >/dev/null
    [ -x "$HAPROXY" ] || fail "apt-get installed haproxy but $HAPROXY is still missing"
  else
    fail "HAProxy is not installed ($HAPROXY is missing). Install it as root, then run this again:
    sudo apt-get update && sudo apt-get install -y --no-install-recommends haproxy"
  fi
fi
step "Using $("$HAPROXY" -v 2>/dev/null | head -n 1)"

step "Building Tocsin (mvn -B -q -DskipTests package -pl examples -am); the first build downloads dependencies"
# the build's output goes to a log (Debian's Maven prints stray colour codes even with -B -q); shown on failure
BUILD_LOG=$(mktemp)
if ! mvn -B -q -Dstyle.color=never -DskipTests package -pl examples -am >"$BUILD_LOG" 2>&1; then
  cat "$BUILD_LOG" >&2
  rm -f "$BUILD_LOG"
  fail "the build failed (its output is above)"
fi
rm -f "$BUILD_LOG"
[ -f "$JAR" ] || fail "the build did not produce $JAR"

step "Running the demo (java -cp $JAR dev.tocsin.examples.demo.Demo)"
exec java -cp "$JAR" dev.tocsin.examples.demo.Demo "$HAPROXY"
