package dev.tocsin.benchmarks.core;

import dev.tocsin.core.Alert;
import dev.tocsin.core.Evaluator;
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

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One evaluation cycle (read the source, evaluate 100 selector-comparison rules, notify) over 10k, 100k and 1M
 * series. Target: under 20 ms at 100k on a 2-core machine, linear in the series count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class EvaluationBenchmark {

    @Param({"10000", "100000", "1000000"})
    int series;

    private Evaluator evaluator;
    private long tick;

    /** Builds the series and an evaluator with the 100 rules. */
    @Setup(Level.Trial)
    public void setUp() {
        evaluator = SyntheticSeries.evaluator(SyntheticSeries.series(series));
    }

    /** Closes the evaluator. */
    @TearDown(Level.Trial)
    public void tearDown() {
        evaluator.close();
    }

    /** One full evaluation, 5 s after the previous one. */
    @Benchmark
    public List<Alert> evaluationCycle() {
        return evaluator.evaluate(Instant.ofEpochSecond(1_700_000_000L + 5 * tick++));
    }
}
