package dev.tocsin.benchmarks.haproxy;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Evaluator;
import dev.tocsin.haproxy.HaproxyRules;
import dev.tocsin.haproxy.HaproxySource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Detection latency: from the instant the (loopback) HAProxy CSV first shows a backend DOWN to the call of the
 * listener with {@code HaproxyBackendDown} FIRING, through a started {@link Evaluator} polling a {@link HaproxySource}
 * every {@code intervalMs}. Target: at most one interval + 20 ms.
 *
 * <p>One operation = swap the served CSV to the DOWN variant and wait for the FIRING call; the JMH score (SampleTime,
 * percentiles) is that wait. Before each operation (not timed) the CSV is set back to UP, the RESOLVED call awaited, and
 * a random pause of 0..interval taken, so the flip instant falls uniformly within the polling period. The exact
 * latency (listener's {@code nanoTime} minus the swap's) of every operation is also collected and its distribution
 * printed at the end of each trial.
 *
 * <p>{@code csv}: {@code small} = 10 backends x 3 servers (about 5 KB, a typical small HAProxy), {@code large} = the
 * 1,000 x 10 document of the other benchmarks (4.3 MB, 428k samples; fetch + map alone take 20-40 ms here).
 *
 * <p>Run: {@code java -jar benchmarks.jar DetectionLatency -f 1 -wi 1 -i 1 -r 60s} (about 30 flips at 1 s).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 1, time = 60)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class DetectionLatencyBenchmark {

    private static final String BACKEND = "be_0003_service";

    @Param({"1000", "200"})
    public int intervalMs;

    @Param({"small", "large"})
    public String csv;

    private byte[] up;
    private byte[] down;
    private LoopbackCsvServer server;
    private Evaluator evaluator;
    private final BlockingQueue<long[]> events = new ArrayBlockingQueue<>(1024);
    private final List<Long> latencies = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(7);
    private long flipNanos;
    private boolean measuring;

    /** Starts the CSV server and the evaluator; waits for the first evaluation. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        up = "small".equals(csv) ? CsvGenerator.generate(10, 3, 0) : CsvGenerator.generate(1000, 10, 0);
        down = LoopbackCsvServer.withBackendStatus(up, BACKEND, "DOWN");
        server = new LoopbackCsvServer(0, up);
        HaproxySource source = HaproxySource.builder().statsUri(URI.create(server.uri())).build();
        evaluator = Evaluator.builder()
                .source(source)
                .rule(HaproxyRules.backendDown())
                .interval(Duration.ofMillis(intervalMs))
                .listener(this::onTransition)
                .build();
        evaluator.start();
        Thread.sleep(3L * intervalMs + 500);
        events.clear();
        latencies.clear();
    }

    private void onTransition(Alert alert) {
        long now = System.nanoTime();
        if (alert.ruleName().equals("HaproxyBackendDown") && BACKEND.equals(alert.labels().get("backend"))) {
            events.offer(new long[] {alert.state() == AlertState.FIRING ? 1 : alert.state() == AlertState.RESOLVED
                    ? 2 : 0, now});
        }
    }

    /** Records whether this iteration is measured (warm-up latencies are not reported). */
    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        measuring = params.getType() == IterationType.MEASUREMENT;
    }

    /** Back to UP, wait for RESOLVED (if it was firing), then a random pause within one interval. Not timed. */
    @Setup(Level.Invocation)
    public void reset() throws InterruptedException {
        server.serve(up);
        if (flipNanos != 0) {
            await(2);
        }
        events.clear();
        Thread.sleep(random.nextInt(intervalMs));
    }

    /** Flips the backend to DOWN and waits for the listener's FIRING call. */
    @Benchmark
    public long flipAndDetect() throws InterruptedException {
        flipNanos = server.serve(down);
        long firing = await(1);
        long latency = firing - flipNanos;
        if (measuring) {
            latencies.add(latency);
        }
        return latency;
    }

    private long await(int kind) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10L * intervalMs + 5000);
        while (true) {
            long left = deadline - System.nanoTime();
            long[] e = events.poll(Math.max(left, 0), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new IllegalStateException("no " + (kind == 1 ? "FIRING" : "RESOLVED") + " call within "
                        + (10L * intervalMs + 5000) + " ms");
            }
            if (e[0] == kind) {
                return e[1];
            }
        }
    }

    /** Prints the exact latency distribution of the trial and stops everything. */
    @TearDown(Level.Trial)
    public void tearDown() {
        evaluator.close();
        server.close();
        long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        if (l.length > 0) {
            double bound = intervalMs + 20.0;
            long over = java.util.Arrays.stream(l).filter(x -> x / 1e6 > bound).count();
            System.out.printf("%nDETECTION interval=%d ms csv=%s n=%d min=%.1f p50=%.1f p90=%.1f p99=%.1f max=%.1f ms;"
                            + " bound %.0f ms; over bound: %d%n", intervalMs, csv, l.length, l[0] / 1e6,
                    pct(l, 0.50), pct(l, 0.90), pct(l, 0.99), l[l.length - 1] / 1e6, bound, over);
        }
    }

    private static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
}
