package dev.tocsin.benchmarks.haproxy;

import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Sample;
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

/**
 * A Tocsin process doing what an embedding service does with one HAProxy: {@link HaproxySource#collect()} again and
 * again, keeping the last result. Used by {@code benchmarks/side-by-side.sh} to compare a whole process with the Go
 * exporter: it prints the time per collect() and this process's resident memory ({@code VmRSS}/{@code VmHWM} of
 * {@code /proc/self/status}) and heap in use after a full GC, one {@code KEY value} per line.
 *
 * <p>Run: {@code java [-Xmx256m] -cp benchmarks.jar dev.tocsin.benchmarks.haproxy.CollectLoop <stats-uri> [warmup]
 * [measured] [pause-ms] [collect|evaluate]}. The time of each collect() is wall-clock (it includes the HTTP fetch);
 * JIT warm-up scrapes are not counted. With {@code pause-ms} > 0 the loop sleeps between scrapes, as a poller does.
 * With {@code evaluate} each step is a whole {@link Evaluator#evaluate(Instant)} with the HaproxyBackendDown rule (the
 * evaluator also keeps its own copy of the samples with {@code instance} and {@code job} added).
 */
public final class CollectLoop {

    private CollectLoop() {
    }

    /**
     * Entry point.
     *
     * @param args {@code <stats-uri> [warmup=50] [measured=50] [pause-ms=0] [collect|evaluate]}
     * @throws Exception if a scrape fails
     */
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int measured = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        long pauseMs = args.length > 3 ? Long.parseLong(args[3]) : 0;
        boolean evaluate = args.length > 4 && args[4].equals("evaluate");
        HaproxySource source = HaproxySource.builder().statsUri(uri).build();
        Evaluator evaluator = evaluate
                ? Evaluator.builder().source(source).rule(HaproxyRules.backendDown()).build() : null;
        List<Sample> last = null;
        long step = 0;
        long[] nanos = new long[measured];
        for (int i = 0; i < warmup + measured; i++) {
            long t0 = System.nanoTime();
            if (evaluate) {
                evaluator.evaluate(Instant.ofEpochSecond(1_700_000_000L + 5 * step++));
            } else {
                last = source.collect();
            }
            if (i >= warmup) {
                nanos[i - warmup] = System.nanoTime() - t0;
            }
            pause(pauseMs);
        }
        String rssBeforeGc = status("VmRSS");
        System.gc();
        System.gc();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        Arrays.sort(nanos);
        double mean = Arrays.stream(nanos).average().orElse(0) / 1e6;
        System.out.printf("MODE %s%n", evaluate ? "evaluate" : "collect");
        System.out.printf("SAMPLES %d%n", last == null ? -1 : last.size());
        System.out.printf("SCRAPES %d%n", measured);
        System.out.printf("MEAN_MS %.2f%n", mean);
        System.out.printf("P50_MS %.2f%n", nanos[measured / 2] / 1e6);
        System.out.printf("MIN_MS %.2f%n", nanos[0] / 1e6);
        System.out.printf("MAX_MS %.2f%n", nanos[measured - 1] / 1e6);
        System.out.printf("VMRSS_KB %s%n", rssBeforeGc);
        System.out.printf("VMHWM_KB %s%n", status("VmHWM"));
        System.out.printf("HEAP_USED_AFTER_GC_KB %d%n", heap.getUsed() / 1024);
        System.out.printf("HEAP_COMMITTED_KB %d%n", heap.getCommitted() / 1024);
        System.out.printf("HEAP_MAX_KB %d%n", heap.getMax() / 1024);
        System.out.printf("GC %s%n", ManagementFactory.getGarbageCollectorMXBeans().get(0).getName());
        // keep the last result reachable until here, as an evaluator would
        System.out.printf("LAST_SAMPLE %s%n", last == null || last.isEmpty() ? "-" : last.get(0).labels().metricName());
        if (evaluator != null) {
            System.out.printf("ALERTS %d%n", evaluator.alerts().size());
            evaluator.close();
        }
    }

    private static void pause(long ms) throws InterruptedException {
        if (ms > 0) {
            Thread.sleep(ms);
        }
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
