#!/bin/bash
URI="http://127.0.0.1:44113/;csv"
JAR=/work/main/benchmarks/target/benchmarks.jar
SQ="-XX:+UseSerialGC -Xss256k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=48m -XX:-UsePerfData -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=2000"
run() { name=$1; shift; env $ENVV java "$@" -cp $JAR dev.tocsin.benchmarks.haproxy.PackLoop "$URI" 80 5000 6 > $name.out 2>&1; echo "$name done $(date +%T)" >> done.txt; }
run D -Xmx96m -Xmn40m $SQ
run Dnt -Xmx96m -Xmn40m $SQ -XX:-TieredCompilation -XX:CICompilerCount=1
ENVV="MALLOC_ARENA_MAX=2" run Dma -Xmx96m -Xmn40m $SQ
run Dcc -Xmx96m -Xmn40m $SQ -XX:ReservedCodeCacheSize=16m -XX:CICompilerCount=2
