#!/usr/bin/env bash
# usage: run.sh TAG SECS "heap opts" [extra]  (JAR env)  -> PackLoop with squeezed base flags
B="-Xshare:off -XX:+UseSerialGC -Xss256k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=48m -XX:-UsePerfData -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=2000 -XX:-TieredCompilation"
TAG=$1; SECS=$2; shift 2
MALLOC_ARENA_MAX=1 bash /tmp/m/loop.sh /tmp/m/r-$TAG.out $SECS "$B $*" ${JAR:-/tmp/m/cur.jar} > /tmp/m/r-$TAG.sum 2>&1
echo "$TAG: $* -> $(grep -E '^(MEAN_MS|RULES_MEAN_MS|PHASE_RULES_MEAN_MS|VMRSS_KB|HEAP_USED_AFTER_GC_KB|ALLOC_MEAN_MB)' /tmp/m/r-$TAG.out | tr '\n' ' ') proc $(grep VmRSS /tmp/m/r-$TAG.out.proc)"
