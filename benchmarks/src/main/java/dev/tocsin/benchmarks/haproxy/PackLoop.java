package dev.tocsin.benchmarks.haproxy;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.EvaluationStats;
import dev.tocsin.core.Evaluator;
import dev.tocsin.core.MetricInterest;
import dev.tocsin.core.MetricSource;
import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.DeferringSource;
import dev.tocsin.core.source.ForwardingMetricSource;
import dev.tocsin.haproxy.HaproxyRules;
import dev.tocsin.haproxy.HaproxySource;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Tocsin process doing what Prometheus does in {@code benchmarks/vs-prometheus.sh}: the 16 rules of
 * {@link HaproxyRules#exporterV1()} over a {@link HaproxySource} reading an HAProxy CSV over HTTP, one evaluation
 * every 5 s of real time (wall clock; each evaluation includes the HTTP fetch and the CSV mapping, which Prometheus
 * does in its scrape, not in its rule evaluation). Prints {@code KEY value} lines: the time per evaluation (all, and
 * those after the first {@code warmup-evaluations}), {@code VmRSS}/{@code VmHWM} of this process, heap used after a
 * full GC, and the alerts per rule and state. {@code COLLECT_*} is the source's {@code collect()} (HTTP fetch and CSV
 * mapping) within each evaluation, {@code RULES_*} the rest of it (grouping, history, rules, alert states), and
 * {@code PHASE_*} the phases {@link Evaluator#lastEvaluation()} reports: {@code SOURCES} (the collect and grouping),
 * {@code HISTORY} (recording the samples the range selectors read and dropping expired ones, which Prometheus does
 * in its scrape and its TSDB) and
 * {@code RULES} (the 16 rules and their alert states: what Prometheus' rule group time covers).
 *
 * <p>Run: {@code java -cp benchmarks.jar dev.tocsin.benchmarks.haproxy.PackLoop <stats-uri> <seconds>
 * [interval-ms=5000] [warmup-evaluations=6]}.
 */
public final class PackLoop {

    private PackLoop() {
    }

    /**
     * Entry point.
     *
     * @param args {@code <stats-uri> <seconds> [interval-ms] [warmup-evaluations]}
     * @throws Exception if interrupted or /proc cannot be read
     */
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        long seconds = Long.parseLong(args[1]);
        long intervalMs = args.length > 2 ? Long.parseLong(args[2]) : 5000;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        TimedSource source = new TimedSource(HaproxySource.builder().statsUri(uri).build());
        Evaluator ev = Evaluator.builder().source(source).rules(HaproxyRules.exporterV1()).build();
        int n = (int) (seconds * 1000 / intervalMs);
        long[] nanos = new long[n];
        long[] collectNanos = new long[n];
        long[] sourcesNanos = new long[n];
        long[] historyNanos = new long[n];
        long[] rulesNanos = new long[n];
        long[] allocated = new long[n];
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        long next = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            long wait = next - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            long a0 = threads.getThreadAllocatedBytes(self);
            long t0 = System.nanoTime();
            long c0 = source.nanos;
            ev.evaluate(Instant.now());
            nanos[i] = System.nanoTime() - t0;
            allocated[i] = threads.getThreadAllocatedBytes(self) - a0;
            collectNanos[i] = source.nanos - c0;
            EvaluationStats stats = ev.lastEvaluation().orElseThrow();
            sourcesNanos[i] = stats.sources().toNanos();
            historyNanos[i] = stats.history().toNanos();
            rulesNanos[i] = stats.rules().toNanos();
            next += intervalMs;
        }
        String rss = status("VmRSS");
        String hwm = status("VmHWM");
        System.gc();
        System.gc();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        int from = Math.min(warmup, n - 1);
        long[] steady = Arrays.copyOfRange(nanos, from, n);
        long[] collect = Arrays.copyOfRange(collectNanos, from, n);
        long[] rest = new long[steady.length];
        for (int i = 0; i < rest.length; i++) {
            rest[i] = steady[i] - collect[i];
        }
        Arrays.sort(steady);
        Arrays.sort(collect);
        Arrays.sort(rest);
        System.out.printf("EVALUATIONS %d%n", n);
        System.out.printf("FIRST_MS %.2f%n", nanos[0] / 1e6);
        System.out.printf("MEAN_MS %.2f%n", Arrays.stream(steady).average().orElse(0) / 1e6);
        System.out.printf("P50_MS %.2f%n", steady[steady.length / 2] / 1e6);
        System.out.printf("P90_MS %.2f%n", steady[(int) (steady.length * 0.9)] / 1e6);
        System.out.printf("MAX_MS %.2f%n", steady[steady.length - 1] / 1e6);
        System.out.printf("LAST_MS %.2f%n", nanos[n - 1] / 1e6);
        System.out.printf("COLLECT_MEAN_MS %.2f%n", Arrays.stream(collect).average().orElse(0) / 1e6);
        System.out.printf("COLLECT_P50_MS %.2f%n", collect[collect.length / 2] / 1e6);
        System.out.printf("RULES_MEAN_MS %.2f%n", Arrays.stream(rest).average().orElse(0) / 1e6);
        System.out.printf("RULES_P50_MS %.2f%n", rest[rest.length / 2] / 1e6);
        System.out.printf("RULES_P90_MS %.2f%n", rest[(int) (rest.length * 0.9)] / 1e6);
        System.out.printf("RULES_MAX_MS %.2f%n", rest[rest.length - 1] / 1e6);
        printPhase("PHASE_SOURCES", Arrays.copyOfRange(sourcesNanos, from, n));
        printPhase("PHASE_HISTORY", Arrays.copyOfRange(historyNanos, from, n));
        printPhase("PHASE_RULES", Arrays.copyOfRange(rulesNanos, from, n));
        System.out.printf("ALLOC_MEAN_MB %.2f%n",
                Arrays.stream(Arrays.copyOfRange(allocated, from, n)).average().orElse(0) / 1e6);
        System.out.printf("VMRSS_KB %s%n", rss);
        System.out.printf("VMHWM_KB %s%n", hwm);
        System.out.printf("HEAP_USED_AFTER_GC_KB %d%n", heap.getUsed() / 1024);
        System.out.printf("HEAP_COMMITTED_KB %d%n", heap.getCommitted() / 1024);
        Map<String, int[]> perRule = new TreeMap<>();
        for (Alert a : ev.alerts()) {
            perRule.computeIfAbsent(a.ruleName(), r -> new int[2])[a.state() == AlertState.FIRING ? 1 : 0]++;
        }
        perRule.forEach((r, c) -> System.out.printf("ALERT %s pending=%d firing=%d%n", r, c[0], c[1]));
        if (Boolean.getBoolean("tocsin.footprint")) { // -Dtocsin.footprint=true: the evaluator's bytes, class by class
            System.out.println(org.openjdk.jol.info.GraphLayout.parseInstance(ev).toFootprint());
        }
        ev.close();
    }

    /**
     * The HAProxy source, timed: the nanoseconds its {@code collect} calls took (the HTTP fetch and the CSV mapping,
     * which Prometheus does in its scrape), so that the rest of {@code evaluate()} (grouping, the history, the 16
     * rules, alert states) can be set against Prometheus' rule group time. The samples pass through unchanged.
     */
    static final class TimedSource extends ForwardingMetricSource implements DeferringSource {
        /** Written by the thread that runs {@code collect} (one source: within {@code evaluate()}), read after it. */
        volatile long nanos;
        private final DeferringSource haproxy;

        TimedSource(HaproxySource delegate) {
            super(delegate);
            this.haproxy = (DeferringSource) delegate; // what the evaluator sees of a HaproxySource it reads itself
        }

        /** As the evaluator reads a HaproxySource of its own: the metrics only diagnoses read are looked up later. */
        @Override
        public List<Sample> collectDeferring(MetricInterest interest) throws Exception {
            return timed(() -> haproxy.collectDeferring(interest));
        }

        @Override
        public List<Sample> collect() throws Exception {
            return collect(MetricInterest.all());
        }

        @Override
        public List<Sample> collect(MetricInterest interest) throws Exception {
            return timed(() -> super.collect(interest));
        }

        private List<Sample> timed(java.util.concurrent.Callable<List<Sample>> read) throws Exception {
            long t0 = System.nanoTime();
            try {
                return read.call();
            } finally {
                nanos += System.nanoTime() - t0;
            }
        }
    }

    /** Prints the mean, p50, p90 and max of one phase of {@link Evaluator#lastEvaluation()} (sorts the array). */
    private static void printPhase(String key, long[] nanos) {
        Arrays.sort(nanos);
        System.out.printf("%s_MEAN_MS %.2f%n", key, Arrays.stream(nanos).average().orElse(0) / 1e6);
        System.out.printf("%s_P50_MS %.2f%n", key, nanos[nanos.length / 2] / 1e6);
        System.out.printf("%s_P90_MS %.2f%n", key, nanos[(int) (nanos.length * 0.9)] / 1e6);
        System.out.printf("%s_MAX_MS %.2f%n", key, nanos[nanos.length - 1] / 1e6);
    }

    private static String status(String key) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key + ":")) {
                return line.substring(key.length() + 1).replace("kB", "").trim();
            }
        }
        return "?";
    }
}
