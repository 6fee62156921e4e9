package dev.tocsin.benchmarks.haproxy;

import dev.tocsin.core.MetricInterest;
import dev.tocsin.core.Rule;
import dev.tocsin.haproxy.HaproxyRules;
import dev.tocsin.haproxy.internal.DeferredPlan;

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
 * uses a new mapper each time (first scrape: every label set is built). MB/s = CSV size / time per op. The mapper is
 * called as {@code HaproxySource} calls it when an evaluator reads it: no per-server state objects, and, for
 * {@code backendDown}, the server metrics only the diagnosis reads skipped (a few fields of each server row kept to
 * map them for one backend on demand). {@code piece} feeds the document whole or in the pieces a socket delivers.
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
     * {@code HaproxyRules.backendDown()} reads in every evaluation, keeping what its diagnosis reads on demand, as an
     * evaluator with that one rule asks for.
     */
    @Param({"all", "backendDown"})
    public String interest;

    /**
     * {@code 0} hands the mapper the whole document; {@code 65536} feeds it in 64 KB pieces, as
     * {@code HaproxySource} does with what each socket read returns.
     */
    @Param({"0", "65536"})
    public int piece;

    private DeferredPlan plan;

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
        Rule rule = HaproxyRules.backendDown();
        // as the evaluator asks: reads() includes the on-demand names, which must not count as read in every cycle
        java.util.Set<String> every = new java.util.TreeSet<>(rule.reads().orElseThrow());
        every.removeAll(rule.readsOnDemand());
        MetricInterest wanted = interest.equals("all") ? MetricInterest.all()
                : MetricInterest.of(every, rule.readsOnDemand());
        plan = DeferredPlan.of(wanted, true);
        mapper = new HaproxyCsvMapper(MappingOptions.defaults());
        map(mapper, a);
        System.out.printf("%nCSV size: %d bytes, samples per scrape: %d, on demand: %s%n", a.length,
                map(mapper, a).samples().size(), plan.deferred());
    }

    /** One scrape; the result is kept until the next scrape (realistic object lifetimes for the GC). */
    @Benchmark
    public ScrapeResult map() {
        ScrapeResult r;
        switch (mode) {
            case "changing":
                flip = !flip;
                byte[] doc = flip ? b : a;
                r = map(mapper, doc);
                break;
            case "cold":
                r = map(new HaproxyCsvMapper(MappingOptions.defaults()), a);
                break;
            default:
                r = map(mapper, a);
                break;
        }
        previous = r;
        return r;
    }

    /** Maps a document as {@code HaproxySource} does for the plan. */
    private ScrapeResult map(HaproxyCsvMapper m, byte[] doc) {
        if (piece <= 0) {
            return m.map(doc, doc.length, plan.mapped(), false, plan.deferred());
        }
        HaproxyCsvMapper.Feed feed = m.begin(plan.mapped(), false, plan.deferred());
        for (int pos = 0; pos < doc.length; pos += piece) {
            feed.accept(doc, pos, Math.min(piece, doc.length - pos));
        }
        return feed.finish();
    }
}
