package dev.tocsin.benchmarks.haproxy;

import dev.tocsin.core.Alert;
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

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One whole evaluation as the evaluator thread runs it for an HAProxy: {@link HaproxySource#collect()} over loopback
 * HTTP, grouping the samples (adding {@code instance}/{@code job}), and the three availability rules
 * ({@link HaproxyRules#availability()}). This is what bounds the detection latency beyond the poll interval.
 *
 * <p>The {@code availability} rules on the large CSV show a quadratic cost: every firing HaproxyServerDown alert
 * recomputes its context (BackendDiagnostics) by scanning every server series, on every evaluation.
 *
 * <p>{@code csv}: {@code small} = 10 backends x 3 servers, {@code large} = 1,000 x 10 (4.3 MB, 428k samples).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class HaproxyEvaluationBenchmark {

    @Param({"small", "large"})
    public String csv;

    /**
     * {@code availability} = the three rules of {@link HaproxyRules#availability()} (on the large CSV about 600
     * servers are DOWN or MAINT, so about 600 HaproxyServerDown alerts fire); {@code backendDown} = that rule alone
     * (no backend is down in the generated CSV).
     */
    @Param({"availability", "backendDown"})
    public String rules;

    private LoopbackCsvServer server;
    private Evaluator evaluator;
    private long tick;

    /** Starts the loopback server and builds the (not started) evaluator. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        byte[] doc = "small".equals(csv) ? CsvGenerator.generate(10, 3, 0) : CsvGenerator.generate(1000, 10, 0);
        server = new LoopbackCsvServer(0, doc);
        evaluator = Evaluator.builder()
                .source(HaproxySource.builder().statsUri(URI.create(server.uri())).build())
                .rules("availability".equals(rules) ? HaproxyRules.availability() : List.of(HaproxyRules.backendDown()))
                .build();
    }

    /** Stops the evaluator and the server. */
    @TearDown(Level.Trial)
    public void tearDown() {
        evaluator.close();
        server.close();
    }

    /** One evaluation: read, group, evaluate three rules, call (no) listeners. */
    @Benchmark
    public List<Alert> evaluate() {
        return evaluator.evaluate(Instant.ofEpochSecond(1_700_000_000L + 5 * tick++));
    }
}
