#!/usr/bin/env bash
# usage: loop.sh OUT SECONDS "jvm opts" [jar]
OUT=$1; SECS=$2; OPTS=$3; JAR=${4:-/work/main/benchmarks/target/benchmarks.jar}
cd /work/main
W=$(mktemp -d)
java -Xmx512m -cp "$JAR" dev.tocsin.benchmarks.haproxy.LoopbackCsvServer 0 "$W/stats.csv" advance >"$W/server.out" 2>&1 &
SP=$!
for _ in $(seq 150); do grep -q '^PORT ' "$W/server.out" 2>/dev/null && break; sleep 0.2; done
PORT=$(awk '/^PORT /{print $2}' "$W/server.out")
java $OPTS -cp "$JAR" dev.tocsin.benchmarks.haproxy.PackLoop "http://127.0.0.1:$PORT/;csv" "$SECS" 5000 6 > "$OUT" 2>&1 &
TP=$!
sleep $((SECS - 8))
jcmd $TP VM.native_memory summary > "$OUT.nmt" 2>&1 || true
grep -E "^(VmRSS|RssAnon|RssFile|RssShmem)" /proc/$TP/status > "$OUT.proc"
wait $TP
kill $SP; rm -rf "$W"
grep -E "MEAN_MS|P50_MS|RULES_MEAN|VMRSS|VMHWM|HEAP_USED" "$OUT"; cat "$OUT.proc"
