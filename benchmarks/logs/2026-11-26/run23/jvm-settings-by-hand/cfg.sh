#!/bin/bash
# usage: cfg.sh name seconds "jvm opts"
cd /tmp/m
PORT=$(awk '/^PORT /{print $2}' server.out)
MALLOC_ARENA_MAX=2 java $3 -Xlog:gc:file=/tmp/m/cfg/$1.gc -cp /work/main/benchmarks/target/benchmarks.jar dev.tocsin.benchmarks.haproxy.PackLoop "http://127.0.0.1:$PORT/;csv" $2 5000 6 > cfg/$1.out 2>&1
echo "$1: $(grep -E '^(MEAN_MS|RULES_MEAN_MS|PHASE_RULES_MEAN_MS|PHASE_RULES_P50_MS|VMRSS_KB|VMHWM_KB|HEAP_USED_AFTER_GC_KB) ' cfg/$1.out | tr '\n' ' ') full=$(grep -c 'Pause Full' cfg/$1.gc) young=$(grep -c 'Pause Young' cfg/$1.gc)"
