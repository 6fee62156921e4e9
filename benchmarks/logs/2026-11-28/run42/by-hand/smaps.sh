#!/usr/bin/env bash
OPTS=$1; JAR=$2; SECS=${3:-70}
W=$(mktemp -d)
java -Xmx512m -cp "$JAR" dev.tocsin.benchmarks.haproxy.LoopbackCsvServer 0 "$W/stats.csv" advance >"$W/server.out" 2>&1 &
SP=$!
for _ in $(seq 150); do grep -q '^PORT ' "$W/server.out" 2>/dev/null && break; sleep 0.2; done
PORT=$(awk '/^PORT /{print $2}' "$W/server.out")
env MALLOC_ARENA_MAX=1 ${EXTRA_ENV:-} java $OPTS -cp "$JAR" dev.tocsin.benchmarks.haproxy.PackLoop "http://127.0.0.1:$PORT/;csv" "$SECS" 5000 6 > /tmp/m/sm.out 2>&1 &
TP=$!
sleep $((SECS - 8))
echo "threads $(ls /proc/$TP/task | wc -l)"; cat /proc/$TP/task/*/comm | sort | uniq -c | sort -rn | head -20
grep -E "^(VmRSS|RssAnon|RssFile)" /proc/$TP/status
awk '/^[0-9a-f]+-[0-9a-f]+ /{name=$6; range=$1} /^Rss:/{print $2, range, name}' /proc/$TP/smaps | sort -rn | head -25
wait $TP; kill $SP; rm -rf "$W"
grep -E "RULES_MEAN|VMRSS" /tmp/m/sm.out
