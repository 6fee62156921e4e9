package dev.tocsin.benchmarks.haproxy;

import dev.tocsin.core.MetricInterest;
import dev.tocsin.haproxy.HaproxyRules;

import dev.tocsin.haproxy.internal.csv.HaproxyCsvMapper;
import dev.tocsin.haproxy.internal.csv.MappingOptions;
import dev.tocsin.haproxy.internal.csv.ScrapeResult;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Parse + map of a 1,000 backends x 10 servers HAProxy 2.6 CSV (11,100 rows, 129 columns, about 3.6 MB).
 *
 * <p>Modes: {@code same} scrapes the same bytes again (steady state: labels and unchanged samples are reused),
 * {@code changing} alternates two CSVs in which every counter differs (a new Sample per changed value), {@code cold}
 * uses a new mapper each time (first scrape: every label set is built). MB/s = CSV size / time per op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class CsvMapBenchmark {

    @Param({"same", "changing", "cold"})
    public String mode;

    /**
     * {@code all} maps every metric ({@code collect()}); {@code backendDown} only what
     * {@code HaproxyRules.backendDown()} and its diagnostics read, as an evaluator with that one rule asks for.
     */
    @Param({"all", "backendDown"})
    public String interest;

    private MetricInterest wanted;

    private byte[] a;
    private byte[] b;
    private HaproxyCsvMapper mapper;
    private boolean flip;
    /** The previous scrape's result, held until the next one as an evaluator holds its last samples. */
    private ScrapeResult previous;

    /** Generates the CSVs and primes the mapper. */
    @Setup(Level.Trial)
    public void setUp() {
        a = CsvGenerator.generate(1000, 10, 0);
        b = CsvGenerator.generate(1000, 10, 1);
        wanted = interest.equals("all") ? MetricInterest.all()
                : HaproxyRules.backendDown().reads().map(MetricInterest::of).orElseThrow();
        mapper = new HaproxyCsvMapper(MappingOptions.defaults());
        mapper.map(a, a.length, wanted);
        System.out.printf("%nCSV size: %d bytes, samples per scrape: %d%n", a.length,
                mapper.map(a, a.length, wanted).samples().size());
    }

    /** One scrape; the result is kept until the next scrape (realistic object lifetimes for the GC). */
    @Benchmark
    public ScrapeResult map() {
        ScrapeResult r;
        switch (mode) {
            case "changing":
                flip = !flip;
                byte[] doc = flip ? b : a;
                r = mapper.map(doc, doc.length, wanted);
                break;
            case "cold":
                r = new HaproxyCsvMapper(MappingOptions.defaults()).map(a, a.length, wanted);
                break;
            default:
                r = mapper.map(a, a.length, wanted);
                break;
        }
        previous = r;
        return r;
    }
}
