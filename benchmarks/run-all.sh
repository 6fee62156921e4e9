#!/usr/bin/env bash
# Runs every benchmark with the short settings used for benchmarks/RESULTS.md and keeps the logs in $OUT
# (default /tmp/tocsin-bench-<UTC time>). Takes about 55 minutes on 2 cores. Run it on a quiet machine: it prints the
# load average before and after each step.
#
# Usage: benchmarks/run-all.sh [out-dir]      STEPS="evaluation detection" benchmarks/run-all.sh runs only those steps
#        (names: build evaluation heap-per-series-10k heap-per-series-100k heap-per-series-1m csvmap csvmap-forks
#        csvmap-retained http-collect haproxy-evaluation pack-evaluation pack-forks pack-retained notify detection side-by-side
#        vs-prometheus)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/tocsin-bench-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
JAR=benchmarks/target/benchmarks.jar
step() { # $1 = log name, rest = command
  local name=$1; shift
  if [ -n "${STEPS:-}" ] && [[ " $STEPS " != *" $name "* ]]; then return 0; fi
  echo "== $name: $* (start $(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT/steps.txt"
  "$@" >"$OUT/$name.log" 2>&1
  echo "   end $(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/steps.txt"
}
{
  date -u; nproc; lscpu | head -20; free -g; java -version 2>&1; uptime
} >"$OUT/machine.txt" 2>&1
step build mvn -B -q -DskipTests package -pl benchmarks -am
JMH=(java -jar "$JAR" -f 1 -wi 3 -i 5)
step evaluation "${JMH[@]}" 'core.EvaluationBenchmark' -prof gc
step heap-per-series-10k java -Djdk.attach.allowAttachSelf=true -cp "$JAR" dev.tocsin.benchmarks.core.HeapPerSeries 10000
step heap-per-series-100k java -Djdk.attach.allowAttachSelf=true -cp "$JAR" dev.tocsin.benchmarks.core.HeapPerSeries 100000
step heap-per-series-1m java -Xmx4g -Djdk.attach.allowAttachSelf=true -cp "$JAR" dev.tocsin.benchmarks.core.HeapPerSeries 1000000
step csvmap "${JMH[@]}" 'CsvMap' -prof gc
# the steady-state mapping again over four JVM forks: one fork's figure can land about 1 ms away (JIT)
step csvmap-forks java -jar "$JAR" -f 4 -wi 3 -i 4 -p mode=same 'CsvMapBenchmark'
step csvmap-retained java -Djdk.attach.allowAttachSelf=true -cp "$JAR" dev.tocsin.benchmarks.haproxy.CsvMapRetained
step http-collect "${JMH[@]}" 'HttpCollectBenchmark' -prof gc
step haproxy-evaluation "${JMH[@]}" 'HaproxyEvaluationBenchmark' -prof gc
step pack-evaluation "${JMH[@]}" 'PackEvaluationBenchmark' -prof gc
step pack-forks java -jar "$JAR" -f 3 -wi 3 -i 5 'PackEvaluationBenchmark'
step pack-retained java -Djdk.attach.allowAttachSelf=true -cp "$JAR" dev.tocsin.benchmarks.haproxy.PackRetained
step notify "${JMH[@]}" -w 2s -r 3s 'Notify' -prof gc
step detection java -jar "$JAR" -f 1 -wi 1 -i 1 -r 60s 'DetectionLatency'
step side-by-side env TOCSIN_EXTRA_JVM_OPTS="-Xmx128m -XX:+UseSerialGC|-Xmx96m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=24m" \
  TOCSIN_EXTRA_EVAL_OPTS="-Xmx64m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=24m|-Xmx48m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=16m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1|-Xmx14m -Xmn6m -XX:+UseSerialGC -Xss256k -XX:ReservedCodeCacheSize=8m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:MaxMetaspaceSize=24m -XX:-UsePerfData|-Xmx14m -Xmn6m -Xshare:off -XX:+UseSerialGC -Xss256k -XX:ReservedCodeCacheSize=8m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:MaxMetaspaceSize=24m -XX:-UsePerfData" \
  TOCSIN_MALLOC_ARENA_MAX=2 TOCSIN_WARMUP=200 \
  benchmarks/side-by-side.sh 20
step vs-prometheus env TOCSIN_PACK_EXTRA_JVM_OPTS="-Xmx160m -XX:+UseSerialGC|-Xmx128m -Xmn64m -XX:+UseSerialGC -Xss256k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=48m -XX:-UsePerfData -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=2000|-Xmx96m -Xmn40m -XX:+UseSerialGC -Xss256k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=48m -XX:-UsePerfData -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=2000" benchmarks/vs-prometheus.sh 270
echo "logs in $OUT"
