#!/bin/bash
for order in old new new old; do
  echo "== $order $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)" >> /tmp/m/ab3/ab.log
  java -jar /tmp/m/bench-$order.jar PackEvaluationBenchmark -f 1 -wi 4 -i 6 -foe true 2>&1 | grep -E "^PackEvaluationBenchmark|Result|±" | tail -3 >> /tmp/m/ab3/ab.log
done
echo DONE >> /tmp/m/ab3/ab.log
