package dev.tocsin.benchmarks.haproxy;

import dev.tocsin.core.Alert;
import dev.tocsin.core.Evaluator;
import dev.tocsin.haproxy.HaproxyRules;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One evaluation of the whole haproxy_exporter v1 pack ({@link HaproxyRules#exporterV1()}, 16 rules) over a
 * 1,000 backends x 10 servers HAProxy (about 11,100 rows), with 10 minutes of 5-second history: the source read
 * (mapping the in-memory CSV, see {@link PackSource}; no HTTP), grouping, the 16 rules (rate/increase over the
 * history, sums by backend/server, the {@code for} state machine, annotations of new alerts), no listener.
 *
 * <p>Counters advance at every step ({@link AdvancingCsv}), so rates are real; some backends have 5xx/4xx growth,
 * connection errors, retries, queues, slow responses; about 4% of the servers are DOWN. The setup runs 120
 * evaluations first (10 minutes at 5 s); each measured evaluation is 5 s after the previous one and the document of
 * its step is rendered before it, outside the measured time ({@code Level.Invocation}; an evaluation takes
 * milliseconds, so JMH's per-invocation overhead is negligible).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class PackEvaluationBenchmark {

    /** 10 minutes of 5-second evaluations. */
    static final int HISTORY_STEPS = 120;
    static final long T0 = 1_700_000_000L;

    private PackSource source;
    private Evaluator evaluator;
    private long step;

    /** Builds the evaluator and fills 10 minutes of history. */
    @Setup(Level.Trial)
    public void setUp() {
        source = new PackSource(new AdvancingCsv(1000, 10));
        evaluator = newEvaluator(source);
        for (step = 0; step < HISTORY_STEPS; step++) {
            source.prepare(step);
            evaluator.evaluate(Instant.ofEpochSecond(T0 + 5 * step));
        }
    }

    static Evaluator newEvaluator(PackSource source) {
        return Evaluator.builder().source(source).rules(HaproxyRules.exporterV1()).build();
    }

    /** Renders the next step's document (not measured). */
    @Setup(Level.Invocation)
    public void nextDocument() {
        source.prepare(step);
    }

    /** Closes the evaluator. */
    @TearDown(Level.Trial)
    public void tearDown() {
        evaluator.close();
    }

    /** One evaluation, 5 s after the previous one. */
    @Benchmark
    public List<Alert> evaluate() {
        return evaluator.evaluate(Instant.ofEpochSecond(T0 + 5 * step++));
    }
}
