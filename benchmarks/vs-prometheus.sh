#!/usr/bin/env bash
# Side by side with Prometheus itself: the 16 rules of the haproxy_exporter v1 pack (HaproxyRules.exporterV1(), the
# bundled haproxy/src/main/resources/dev/tocsin/haproxy/packs/haproxy-exporter-v1.yml) over the same generated
# 1,000 backends x 10 servers HAProxy CSV, whose counters advance every 5 s (LoopbackCsvServer ... advance), so rates
# are real and some alerts fire.
#
#   - Prometheus (/usr/bin/prometheus) scrapes the Go haproxy_exporter (/usr/bin/prometheus-haproxy-exporter) on that
#     CSV every 5 s (scrape_timeout 5 s) and evaluates the pack every 5 s, for SECONDS; then the script reads its
#     own /metrics (prometheus_rule_group_last_duration_seconds, prometheus_rule_group_duration_seconds summary,
#     prometheus_rule_evaluation_duration_seconds, the scrape duration) and the VmRSS/VmHWM of Prometheus and of the
#     exporter (separately), and the alerts it holds (ALERTS).
#   - Then (or at the same time with PARALLEL=1) a Tocsin JVM (dev.tocsin.benchmarks.haproxy.PackLoop) evaluates the
#     same pack over a HaproxySource on the same CSV URL every 5 s of real time for SECONDS; each Tocsin evaluation
#     includes the HTTP fetch and the CSV mapping (Prometheus does those in its scrape, outside the rule evaluation).
# and prints a table with the ratios.
#
# Usage: benchmarks/vs-prometheus.sh [SECONDS=270]   (build first: mvn -B -q -DskipTests package -pl benchmarks -am)
# Env:   PROMETHEUS=/usr/bin/prometheus  EXPORTER=/usr/bin/prometheus-haproxy-exporter  JAR=benchmarks/target/benchmarks.jar
#        TOCSIN_JVM_OPTS="-Xmx256m -XX:+UseSerialGC" (default)  PARALLEL=1 runs Prometheus and Tocsin at the same time
#        TOCSIN_PACK_EXTRA_JVM_OPTS="opts|opts" then runs Tocsin again with each set of options (a row each: time, memory)
#        TOCSIN_ENV="NAME=value ..." environment of every Tocsin JVM (e.g. MALLOC_ARENA_MAX=1: glibc's malloc arenas)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=${1:-270}
PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
EXPORTER=${EXPORTER:-/usr/bin/prometheus-haproxy-exporter}
JAR=${JAR:-benchmarks/target/benchmarks.jar}
PACK=haproxy/src/main/resources/dev/tocsin/haproxy/packs/haproxy-exporter-v1.yml
TOCSIN_JVM_OPTS=${TOCSIN_JVM_OPTS:--Xmx256m -XX:+UseSerialGC}
[ -x "$PROMETHEUS" ] || { echo "missing $PROMETHEUS: apt-get install -y prometheus" >&2; exit 1; }
[ -x "$EXPORTER" ] || { echo "missing $EXPORTER: apt-get install -y prometheus-haproxy-exporter" >&2; exit 1; }
[ -f "$JAR" ] || { echo "missing $JAR: mvn -B -q -DskipTests package -pl benchmarks -am" >&2; exit 1; }
[ -f "$PACK" ] || { echo "missing $PACK" >&2; exit 1; }
command -v curl >/dev/null || { echo "missing curl: apt-get install -y curl" >&2; exit 1; }

# shellcheck source=benchmarks/lib.sh
source benchmarks/lib.sh
metric() { # $1 = file, $2 = awk regex on the whole line: prints the value of the first matching line
  awk -v re="$2" '$0 !~ /^#/ && $0 ~ re {print $NF; exit}' "$1"; }
wait_http() { for _ in $(seq 150); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; echo "no answer from $1" >&2; return 1; }

# 1. the CSV server, counters advancing every 5 s
java -Xmx512m -cp "$JAR" dev.tocsin.benchmarks.haproxy.LoopbackCsvServer 0 "$WORK/stats.csv" advance \
  >"$WORK/server.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 150); do grep -q '^PORT ' "$WORK/server.out" 2>/dev/null && break; sleep 0.2; done
CSV_PORT=$(awk '/^PORT /{print $2}' "$WORK/server.out")
[ -n "$CSV_PORT" ] || { echo "the CSV server did not start:" >&2; cat "$WORK/server.out" >&2; exit 1; }
CSV_URI="http://127.0.0.1:$CSV_PORT/;csv"
CSV_BYTES=$(stat -c %s "$WORK/stats.csv")
CSV_ROWS=$(($(wc -l <"$WORK/stats.csv") - 1))

run_tocsin() { # $1 = JVM options (default TOCSIN_JVM_OPTS), $2 = output file (default tocsin.out)
  # shellcheck disable=SC2086
  env ${TOCSIN_ENV:-} java ${1:-$TOCSIN_JVM_OPTS} -cp "$JAR" dev.tocsin.benchmarks.haproxy.PackLoop "$CSV_URI" "$SECONDS_RUN" 5000 6 \
    >"${2:-$WORK/tocsin.out}" 2>&1 || { echo "Tocsin run failed:" >&2; cat "${2:-$WORK/tocsin.out}" >&2; return 1; }
}

# 2. the exporter and Prometheus
EXP_PORT=$(free_port)
"$EXPORTER" --haproxy.scrape-uri="$CSV_URI" --web.listen-address="127.0.0.1:$EXP_PORT" --log.level=warn \
  >"$WORK/exporter.out" 2>&1 &
EXP_PID=$!
PIDS+=($EXP_PID)
wait_http "http://127.0.0.1:$EXP_PORT/"
PROM_PORT=$(free_port)
cp "$PACK" "$WORK/haproxy-exporter-v1.yml"
cat >"$WORK/prometheus.yml" <<YML
global:
  scrape_interval: 5s
  scrape_timeout: 5s
  evaluation_interval: 5s
rule_files:
  - $WORK/haproxy-exporter-v1.yml
scrape_configs:
  - job_name: haproxy
    static_configs:
      - targets: ['127.0.0.1:$EXP_PORT']
YML
"$PROMETHEUS" --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn >"$WORK/prometheus.out" 2>&1 &
PROM_PID=$!
PIDS+=($PROM_PID)
wait_http "http://127.0.0.1:$PROM_PORT/-/ready"
START=$(date -u +%H:%M:%S)
TOCSIN_PID=
if [ "${PARALLEL:-0}" = 1 ]; then run_tocsin & TOCSIN_PID=$!; fi
# Prometheus' VmRSS every 30 s of the run (its Go heap grows and shrinks with each collection)
( while sleep 30; do echo "$(date -u +%H:%M:%S) $(status_kb "$PROM_PID" VmRSS)"; done ) >"$WORK/prom-rss.txt" 2>/dev/null &
RSS_SAMPLER=$!
sleep "$SECONDS_RUN"
kill "$RSS_SAMPLER" 2>/dev/null || true
curl -s -o "$WORK/prom-metrics.txt" "http://127.0.0.1:$PROM_PORT/metrics"
curl -s -o "$WORK/exp-metrics.txt" "http://127.0.0.1:$EXP_PORT/metrics"
curl -s -o "$WORK/alerts.json" --data-urlencode 'query=count by (alertname, alertstate) (ALERTS)' \
  "http://127.0.0.1:$PROM_PORT/api/v1/query"
curl -s -o "$WORK/scrape.json" --data-urlencode 'query=avg_over_time(scrape_duration_seconds{job="haproxy"}[10m])' \
  "http://127.0.0.1:$PROM_PORT/api/v1/query"
P_RSS=$(status_kb "$PROM_PID" VmRSS); P_HWM=$(status_kb "$PROM_PID" VmHWM)
E_RSS=$(status_kb "$EXP_PID" VmRSS); E_HWM=$(status_kb "$EXP_PID" VmHWM)
kill "$PROM_PID" "$EXP_PID" 2>/dev/null || true
wait "$PROM_PID" 2>/dev/null || true
wait "$EXP_PID" 2>/dev/null || true
EXP_UP=$(metric "$WORK/exp-metrics.txt" '^haproxy_up ')
[ "$EXP_UP" = "1" ] || { echo "the exporter could not read the CSV (haproxy_up=$EXP_UP):" >&2; cat "$WORK/exporter.out" >&2; exit 1; }
P_LAST=$(metric "$WORK/prom-metrics.txt" '^prometheus_rule_group_last_duration_seconds\{')
P_SUM=$(metric "$WORK/prom-metrics.txt" '^prometheus_rule_group_duration_seconds_sum')
P_CNT=$(metric "$WORK/prom-metrics.txt" '^prometheus_rule_group_duration_seconds_count')
P_Q50=$(metric "$WORK/prom-metrics.txt" '^prometheus_rule_group_duration_seconds\{quantile="0.5"\}')
P_Q90=$(metric "$WORK/prom-metrics.txt" '^prometheus_rule_group_duration_seconds\{quantile="0.9"\}')
P_Q99=$(metric "$WORK/prom-metrics.txt" '^prometheus_rule_group_duration_seconds\{quantile="0.99"\}')
P_R50=$(metric "$WORK/prom-metrics.txt" '^prometheus_rule_evaluation_duration_seconds\{quantile="0.5"\}')
P_R99=$(metric "$WORK/prom-metrics.txt" '^prometheus_rule_evaluation_duration_seconds\{quantile="0.99"\}')
P_SERIES=$(metric "$WORK/prom-metrics.txt" '^prometheus_tsdb_head_series ')
P_HEAP=$(metric "$WORK/prom-metrics.txt" '^go_memstats_heap_inuse_bytes ')
P_SCRAPE=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["data"]["result"]; print(r[0]["value"][1] if r else "nan")' "$WORK/scrape.json")
P_MEAN=$(awk -v s="$P_SUM" -v c="$P_CNT" 'BEGIN{ if (c>0) printf "%.6f", s/c; else print "nan" }')

# 3. Tocsin (after Prometheus unless PARALLEL=1)
if [ -n "$TOCSIN_PID" ]; then wait "$TOCSIN_PID"; else run_tocsin; fi
g() { awk -v k="$1" '$1==k{print $2}' "$WORK/tocsin.out"; }
T_MEAN=$(g MEAN_MS); T_P50=$(g P50_MS); T_P90=$(g P90_MS); T_MAX=$(g MAX_MS); T_LAST=$(g LAST_MS); T_FIRST=$(g FIRST_MS)
T_RSS=$(g VMRSS_KB); T_HWM=$(g VMHWM_KB); T_HEAP=$(g HEAP_USED_AFTER_GC_KB)
T_C_MEAN=$(g COLLECT_MEAN_MS); T_C_P50=$(g COLLECT_P50_MS)
T_R_MEAN=$(g RULES_MEAN_MS); T_R_P50=$(g RULES_P50_MS); T_R_P90=$(g RULES_P90_MS); T_R_MAX=$(g RULES_MAX_MS)
T_H_MEAN=$(g PHASE_HISTORY_MEAN_MS); T_H_P50=$(g PHASE_HISTORY_P50_MS)
T_PR_MEAN=$(g PHASE_RULES_MEAN_MS); T_PR_P50=$(g PHASE_RULES_P50_MS); T_PR_P90=$(g PHASE_RULES_P90_MS); T_PR_MAX=$(g PHASE_RULES_MAX_MS)

# 4. the table
ms() { awk -v s="$1" 'BEGIN{ if (s=="" || s=="nan") print "-"; else printf "%.2f", s*1000 }'; }
mb() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0 && a!="" && a!="nan") printf "%.1f", a/b; else print "-" }'; }
echo
echo "$(date -u '+%Y-%m-%d %H:%M:%S UTC') (Prometheus run started $START), load average $(cut -d' ' -f1-3 /proc/loadavg), nproc $(nproc); ${SECONDS_RUN} s each$([ "${PARALLEL:-0}" = 1 ] && echo ', in parallel' || echo ', one after the other')"
echo "CSV: $CSV_BYTES bytes, $CSV_ROWS rows, counters advancing every 5 s; Prometheus head series: $P_SERIES"
echo "$("$PROMETHEUS" --version 2>&1 | head -1); $("$EXPORTER" --version 2>&1 | head -1); $(java -version 2>&1 | head -1); Tocsin JVM: $TOCSIN_JVM_OPTS${TOCSIN_ENV:+; Tocsin environment: $TOCSIN_ENV}"
echo
printf '| %-52s | %9s | %9s | %9s | %9s | %9s | %9s |\n' "per evaluation of the 16 rules (ms)" "mean" "p50" "p90/q0.9" "q0.99/max" "last" "first"
printf '|%s|\n' "------------------------------------------------------|-----------|-----------|-----------|-----------|-----------|----------"
printf '| %-52s | %9s | %9s | %9s | %9s | %9s | %9s |\n' "Prometheus rule group (rules only; summary, last)" "$(ms "$P_MEAN")" "$(ms "$P_Q50")" "$(ms "$P_Q90")" "$(ms "$P_Q99")" "$(ms "$P_LAST")" ""
printf '| %-52s | %9s | %9s | %9s | %9s | %9s | %9s |\n' "Prometheus one rule (q0.5, q0.99)" "" "$(ms "$P_R50")" "" "$(ms "$P_R99")" "" ""
printf '| %-52s | %9s | %9s | %9s | %9s | %9s | %9s |\n' "Prometheus scrape of the exporter (avg)" "$(ms "$P_SCRAPE")" "" "" "" "" ""
printf '| %-52s | %9s | %9s | %9s | %9s | %9s | %9s |\n' "Tocsin evaluate() (HTTP fetch + CSV + rules)" "$T_MEAN" "$T_P50" "$T_P90" "$T_MAX" "$T_LAST" "$T_FIRST"
printf '| %-52s | %9s | %9s | %9s | %9s | %9s | %9s |\n' "  of which the source's collect() (fetch + CSV)" "$T_C_MEAN" "$T_C_P50" "" "" "" ""
printf '| %-52s | %9s | %9s | %9s | %9s | %9s | %9s |\n' "  the rest (history + rules + alert states)" "$T_R_MEAN" "$T_R_P50" "$T_R_P90" "$T_R_MAX" "" ""
printf '| %-52s | %9s | %9s | %9s | %9s | %9s | %9s |\n' "    of which recording the history" "$T_H_MEAN" "$T_H_P50" "" "" "" ""
printf '| %-52s | %9s | %9s | %9s | %9s | %9s | %9s |\n' "    of which the rules and alert states" "$T_PR_MEAN" "$T_PR_P50" "$T_PR_P90" "$T_PR_MAX" "" ""
echo
printf '| %-40s | %10s | %10s | %14s |\n' "memory (MB)" "VmRSS" "VmHWM" "heap"
printf '|%s|\n' "------------------------------------------|------------|------------|---------------"
printf '| %-40s | %10s | %10s | %14s |\n' "Prometheus" "$(mb "$P_RSS")" "$(mb "$P_HWM")" "$(awk -v b="$P_HEAP" 'BEGIN{printf "%.1f in use", b/1048576}')"
printf '| %-40s | %10s | %10s | %14s |\n' "haproxy_exporter" "$(mb "$E_RSS")" "$(mb "$E_HWM")" ""
printf '| %-40s | %10s | %10s | %14s |\n' "Prometheus + exporter" "$(mb $((P_RSS + E_RSS)))" "$(mb $((P_HWM + E_HWM)))" ""
printf '| %-40s | %10s | %10s | %14s |\n' "Tocsin JVM" "$(mb "$T_RSS")" "$(mb "$T_HWM")" "$(mb "$T_HEAP") after GC"
echo "Tocsin allocation per evaluate() on the evaluating thread (steady state, mean): $(g ALLOC_MEAN_MB) MB"
echo "Prometheus VmRSS every 30 s (MB): $(awk '$2 != "" {printf "%s%.0f", (n++ ? " " : ""), $2/1024}' "$WORK/prom-rss.txt")"
echo
P_MEAN_MS=$(awk -v s="$P_MEAN" 'BEGIN{print s*1000}')
P_Q50_MS=$(awk -v s="$P_Q50" 'BEGIN{print s*1000}')
P_TOTAL_MS=$(awk -v s="$P_MEAN" -v c="$P_SCRAPE" 'BEGIN{print (s+c)*1000}')
echo "Ratios Prometheus / Tocsin (targets: time >= 100x, memory >= 20x):"
echo "  time: Prometheus rules vs Tocsin's whole evaluate(): mean $(ratio "$P_MEAN_MS" "$T_MEAN")x, p50 $(ratio "$P_Q50_MS" "$T_P50")x;" \
  "Prometheus scrape + rules vs Tocsin evaluate() $(ratio "$P_TOTAL_MS" "$T_MEAN")x;" \
  "Prometheus rules vs Tocsin's evaluate() without the source's collect(): mean $(ratio "$P_MEAN_MS" "$T_R_MEAN")x, p50 $(ratio "$P_Q50_MS" "$T_R_P50")x;" \
  "rules vs rules (Tocsin's rules phase: without reading and recording the samples, which Prometheus does in its scrape): mean $(ratio "$P_MEAN_MS" "$T_PR_MEAN")x, p50 $(ratio "$P_Q50_MS" "$T_PR_P50")x"
echo "  memory: VmRSS $(ratio "$P_RSS" "$T_RSS")x (with the exporter $(ratio $((P_RSS + E_RSS)) "$T_RSS")x)," \
  "VmHWM $(ratio "$P_HWM" "$T_HWM")x (with the exporter $(ratio $((P_HWM + E_HWM)) "$T_HWM")x);" \
  "Prometheus VmRSS / Tocsin heap after GC $(ratio "$P_RSS" "$T_HEAP")x"
echo
echo "Alerts at the end, Prometheus (count by alertname, alertstate):"
python3 -c 'import json,sys
for r in sorted(json.load(open(sys.argv[1]))["data"]["result"], key=lambda r: (r["metric"]["alertname"], r["metric"]["alertstate"])):
    print("  %-45s %-8s %s" % (r["metric"]["alertname"], r["metric"]["alertstate"], r["value"][1]))' "$WORK/alerts.json"
echo "Alerts at the end, Tocsin:"
awk '$1=="ALERT"{printf "  %-45s %s %s\n", $2, $3, $4}' "$WORK/tocsin.out"

# 5. more Tocsin JVM settings, one after the other (TOCSIN_PACK_EXTRA_JVM_OPTS="opts|opts"): time and memory only
if [ -n "${TOCSIN_PACK_EXTRA_JVM_OPTS:-}" ]; then
  echo
  printf '| %-60s | %8s | %8s | %10s | %10s | %8s | %8s | %8s | %12s |\n' "Tocsin JVM options" "mean ms" "p50 ms" "rest mean" "rules mean" "VmRSS" "VmHWM" "heap/GC" "RSS ratio"
  printf '|%s|\n' "--------------------------------------------------------------|----------|----------|------------|------------|----------|----------|----------|-------------"
  IFS='|' read -r -a EXTRA <<<"$TOCSIN_PACK_EXTRA_JVM_OPTS"
  for opts in "${EXTRA[@]}"; do
    out="$WORK/tocsin-extra.out"
    run_tocsin "$opts" "$out" || continue
    x() { awk -v k="$1" '$1==k{print $2}' "$out"; }
    printf '| %-60s | %8s | %8s | %10s | %10s | %8s | %8s | %8s | %12s |\n' "$opts" "$(x MEAN_MS)" "$(x P50_MS)" "$(x RULES_MEAN_MS)" "$(x PHASE_RULES_MEAN_MS)" \
      "$(mb "$(x VMRSS_KB)")" "$(mb "$(x VMHWM_KB)")" "$(mb "$(x HEAP_USED_AFTER_GC_KB)")" \
      "$(ratio "$P_RSS" "$(x VMRSS_KB)")x ($(ratio $((P_RSS + E_RSS)) "$(x VMRSS_KB)")x)"
    awk '$1=="ALERT"{n+=substr($4, index($4, "=") + 1)} END{print "  firing alerts at the end: " n}' "$out"
  done
fi
