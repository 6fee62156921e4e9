package dev.tocsin.benchmarks.haproxy;

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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Calibration for {@link CsvMapBenchmark}: the simplest possible pass over the same CSV (find separators, accumulate
 * digits), i.e. the floor no CSV mapper can beat on the machine at hand. Compare the two under the same conditions.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class CsvMapScanFloorBenchmark {

    private byte[] csv;

    /** Generates the CSV. */
    @Setup(Level.Trial)
    public void setUp() {
        csv = CsvGenerator.generate(1000, 10, 0);
    }

    /** One pass: count separators, parse digit runs. */
    @Benchmark
    public long scan() {
        byte[] x = csv;
        long sum = 0;
        long v = 0;
        for (int i = 0; i < x.length; i++) {
            byte c = x[i];
            if (c == ',' || c == '\n') {
                sum += v + 1;
                v = 0;
            } else {
                int d = c - '0';
                if (d >= 0 && d <= 9) {
                    v = v * 10 + d;
                }
            }
        }
        return sum;
    }
}
