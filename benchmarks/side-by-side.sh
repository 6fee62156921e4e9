#!/usr/bin/env bash
# Side by side: Tocsin's HaproxySource.collect() against the Go haproxy_exporter (Debian prometheus-haproxy-exporter),
# both reading the same generated 1,000 backends x 10 servers HAProxy CSV from a loopback HTTP server.
#
# Measures
#   - fetching the CSV alone (curl, N times)
#   - the exporter's GET /metrics response time (curl, N times after 2 warm-up GETs) and its VmRSS/VmHWM
#   - a separate Tocsin JVM doing repeated collect() (dev.tocsin.benchmarks.haproxy.CollectLoop): time per collect(),
#     VmRSS/VmHWM, heap used after a full GC; with default heap settings and with -Xmx256m (and any extra JVM option
#     sets given in TOCSIN_EXTRA_JVM_OPTS, separated by '|'); and one doing whole evaluations (collect + the
#     HaproxyBackendDown rule, which maps only the metrics that rule and its diagnostics read) with -Xmx256m (and
#     with the option sets in TOCSIN_EXTRA_EVAL_OPTS)
# and prints a table with the ratios.
#
# Usage: benchmarks/side-by-side.sh [N=20]      (build first: mvn -B -q -DskipTests package -pl benchmarks -am)
# Env:   EXPORTER=/usr/bin/prometheus-haproxy-exporter  JAR=benchmarks/target/benchmarks.jar
#        TOCSIN_EXTRA_JVM_OPTS / TOCSIN_EXTRA_EVAL_OPTS (option sets separated by '|'), TOCSIN_MALLOC_ARENA_MAX,
#        TOCSIN_WARMUP (untimed collect()/evaluate() steps before the N timed ones, default 50: a service that scrapes
#        every few seconds runs for days, so its steady state is what the comparison is about; the JIT needs a few
#        hundred steps to reach it with the default compilers)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20}
WARMUP=${TOCSIN_WARMUP:-50}
EXPORTER=${EXPORTER:-/usr/bin/prometheus-haproxy-exporter}
JAR=${JAR:-benchmarks/target/benchmarks.jar}
[ -x "$EXPORTER" ] || { echo "missing $EXPORTER: apt-get install -y prometheus-haproxy-exporter" >&2; exit 1; }
[ -f "$JAR" ] || { echo "missing $JAR: mvn -B -q -DskipTests package -pl benchmarks -am" >&2; exit 1; }

# shellcheck source=benchmarks/lib.sh
source benchmarks/lib.sh
stats() { # reads numbers (seconds) on stdin, prints "mean p50 min max" in ms
  sort -g | awk '{v[NR]=$1*1000; s+=$1*1000} END {printf "%.2f %.2f %.2f %.2f\n", s/NR, v[int((NR+1)/2)], v[1], v[NR]}'; }

# 1. the CSV server (a small JVM; it serves the same bytes for every request)
java -Xmx512m -cp "$JAR" dev.tocsin.benchmarks.haproxy.LoopbackCsvServer 0 "$WORK/stats.csv" >"$WORK/server.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do grep -q '^PORT ' "$WORK/server.out" 2>/dev/null && break; sleep 0.2; done
CSV_PORT=$(awk '/^PORT /{print $2}' "$WORK/server.out")
CSV_URI="http://127.0.0.1:$CSV_PORT/;csv"
CSV_BYTES=$(stat -c %s "$WORK/stats.csv")
CSV_ROWS=$(($(wc -l <"$WORK/stats.csv") - 1))

# 2. fetching the CSV alone
for _ in 1 2 3; do curl -s -o /dev/null "$CSV_URI"; done
for _ in $(seq "$N"); do curl -s -o /dev/null -w '%{time_total}\n' "$CSV_URI"; done >"$WORK/fetch.txt"
read -r F_MEAN F_P50 F_MIN F_MAX < <(stats <"$WORK/fetch.txt")

# 3. the exporter
EXP_PORT=$(free_port)
"$EXPORTER" --haproxy.scrape-uri="$CSV_URI" --web.listen-address="127.0.0.1:$EXP_PORT" \
  --log.level=warn >"$WORK/exporter.out" 2>&1 &
EXP_PID=$!
PIDS+=($EXP_PID)
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$EXP_PORT/" && break; sleep 0.1; done
EXP_RSS_IDLE=$(status_kb "$EXP_PID" VmRSS)
for _ in 1 2; do curl -s -o "$WORK/metrics.txt" "http://127.0.0.1:$EXP_PORT/metrics"; done
EXP_SERIES=$(grep -vc '^#' "$WORK/metrics.txt" || true)
EXP_UP=$(awk '$1=="haproxy_up"{print $2}' "$WORK/metrics.txt")
[ "$EXP_UP" = "1" ] || { echo "the exporter could not read the CSV (haproxy_up=$EXP_UP):" >&2; cat "$WORK/exporter.out" >&2; exit 1; }
for _ in $(seq "$N"); do
  curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$EXP_PORT/metrics"
done >"$WORK/exporter.txt"
read -r E_MEAN E_P50 E_MIN E_MAX < <(stats <"$WORK/exporter.txt")
EXP_RSS=$(status_kb "$EXP_PID" VmRSS)
EXP_HWM=$(status_kb "$EXP_PID" VmHWM)
kill "$EXP_PID"; wait "$EXP_PID" 2>/dev/null || true

# 4. Tocsin JVMs (TOCSIN_MALLOC_ARENA_MAX, when set, limits glibc's malloc arenas in them: a few MB less RSS)
if [ -n "${TOCSIN_MALLOC_ARENA_MAX:-}" ]; then export MALLOC_ARENA_MAX=$TOCSIN_MALLOC_ARENA_MAX; fi
run_tocsin() { # $1 = label, $2 = collect|evaluate, rest = JVM options
  local label=$1 mode=$2; shift 2
  java "$@" -cp "$JAR" dev.tocsin.benchmarks.haproxy.CollectLoop "$CSV_URI" "$WARMUP" "$N" 0 "$mode" >"$WORK/tocsin.out" 2>&1 \
    || { cat "$WORK/tocsin.out" >&2; exit 1; }
  g() { awk -v k="$1" '$1==k{print $2}' "$WORK/tocsin.out"; }
  T_LABEL+=("$label"); T_MEAN+=("$(g MEAN_MS)"); T_P50+=("$(g P50_MS)"); T_MIN+=("$(g MIN_MS)"); T_MAX+=("$(g MAX_MS)")
  T_RSS+=("$(g VMRSS_KB)"); T_HWM+=("$(g VMHWM_KB)"); T_HEAP+=("$(g HEAP_USED_AFTER_GC_KB)")
  [ "$mode" = collect ] && T_SAMPLES=$(g SAMPLES)
  return 0
}
T_LABEL=(); T_MEAN=(); T_P50=(); T_MIN=(); T_MAX=(); T_RSS=(); T_HWM=(); T_HEAP=()
run_tocsin "Tocsin collect(), default heap" collect
run_tocsin "Tocsin collect(), -Xmx256m" collect -Xmx256m
run_tocsin "Tocsin evaluate(), -Xmx256m" evaluate -Xmx256m
if [ -n "${TOCSIN_EXTRA_JVM_OPTS:-}" ]; then
  IFS='|' read -ra EXTRA <<<"$TOCSIN_EXTRA_JVM_OPTS"
  for opts in "${EXTRA[@]}"; do
    # shellcheck disable=SC2086
    run_tocsin "Tocsin collect(), $opts" collect $opts
  done
fi
if [ -n "${TOCSIN_EXTRA_EVAL_OPTS:-}" ]; then
  IFS='|' read -ra EXTRA <<<"$TOCSIN_EXTRA_EVAL_OPTS"
  for opts in "${EXTRA[@]}"; do
    # shellcheck disable=SC2086
    run_tocsin "Tocsin evaluate(), $opts" evaluate $opts
  done
fi

# 5. the table
mb() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.1f", a/b; else print "-" }'; }
echo
echo "$(date -u '+%Y-%m-%d %H:%M:%S UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), nproc $(nproc), $N timed requests each (Tocsin after $WARMUP untimed steps)"
echo "CSV: $CSV_BYTES bytes, $CSV_ROWS rows; exporter: $EXP_SERIES series lines in /metrics; Tocsin: $T_SAMPLES samples per collect()"
echo "exporter: $("$EXPORTER" --version 2>&1 | head -1)"
echo "java: $(java -version 2>&1 | head -1)"
echo
printf '| %-40s | %9s | %9s | %9s | %9s | %10s | %10s | %12s |\n' "process" "mean ms" "p50 ms" "min ms" "max ms" "VmRSS MB" "VmHWM MB" "heap after GC"
printf '|%s|\n' "------------------------------------------|-----------|-----------|-----------|-----------|------------|------------|--------------"
printf '| %-40s | %9s | %9s | %9s | %9s | %10s | %10s | %12s |\n' "curl: fetch the CSV alone" "$F_MEAN" "$F_P50" "$F_MIN" "$F_MAX" "" "" ""
printf '| %-40s | %9s | %9s | %9s | %9s | %10s | %10s | %12s |\n' "haproxy_exporter GET /metrics" "$E_MEAN" "$E_P50" "$E_MIN" "$E_MAX" "$(mb "$EXP_RSS")" "$(mb "$EXP_HWM")" "(idle $(mb "$EXP_RSS_IDLE") MB)"
for i in "${!T_LABEL[@]}"; do
  printf '| %-40s | %9s | %9s | %9s | %9s | %10s | %10s | %9s MB |\n' "${T_LABEL[$i]}" "${T_MEAN[$i]}" "${T_P50[$i]}" "${T_MIN[$i]}" "${T_MAX[$i]}" "$(mb "${T_RSS[$i]}")" "$(mb "${T_HWM[$i]}")" "$(mb "${T_HEAP[$i]}")"
done
echo
echo "Ratios (exporter / Tocsin; targets: time >= 50x, memory >= 5x):"
for i in "${!T_LABEL[@]}"; do
  echo "  ${T_LABEL[$i]}: time mean $(ratio "$E_MEAN" "${T_MEAN[$i]}")x, p50 $(ratio "$E_P50" "${T_P50[$i]}")x;" \
    "VmRSS $(ratio "$EXP_RSS" "${T_RSS[$i]}")x, VmHWM $(ratio "$EXP_HWM" "${T_HWM[$i]}")x;" \
    "exporter VmHWM / Tocsin heap after GC $(ratio "$EXP_HWM" "${T_HEAP[$i]}")x"
done
