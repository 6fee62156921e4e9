package dev.tocsin.benchmarks.haproxy;

import dev.tocsin.core.Labels;
import dev.tocsin.core.MetricInterest;
import dev.tocsin.core.MetricSource;
import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.DeferringSource;
import dev.tocsin.haproxy.StatusMapping;
import dev.tocsin.haproxy.internal.DeferredPlan;
import dev.tocsin.haproxy.internal.csv.FamilySamples;
import dev.tocsin.haproxy.internal.csv.HaproxyCsvMapper;
import dev.tocsin.haproxy.internal.csv.MappingOptions;

import java.util.List;
import java.util.Set;

/**
 * A {@link MetricSource} that maps an in-memory {@link AdvancingCsv} document with the same CSV mapper (and the same
 * options, {@code instance}/{@code job} in the cached label sets) as {@link dev.tocsin.haproxy.HaproxySource}, minus
 * the HTTP fetch. {@link #prepare(long)} renders the document of a step (outside any measured time);
 * {@link #collect()} maps it, as {@code HaproxySource.collect()} does after the fetch, and, read by an evaluator,
 * skips the server metrics only a diagnosis reads on demand, as {@code HaproxySource} does.
 */
public final class PackSource implements MetricSource, DeferringSource {

    private final AdvancingCsv csv;
    private final HaproxyCsvMapper mapper = new HaproxyCsvMapper(new MappingOptions(StatusMapping.FIXED, Set.of(),
            Set.of(), Labels.of("instance", "127.0.0.1:8404", "job", "haproxy")));
    private byte[] doc;
    private int rows;
    /** What the mapper maps for the last interest (one benchmark thread: not guarded). */
    private DeferredPlan plan;
    private boolean planDefers;

    /**
     * Creates the source.
     *
     * @param csv the evolving document
     */
    public PackSource(AdvancingCsv csv) {
        this.csv = csv;
        this.doc = csv.step(0);
    }

    /** Renders the document of step {@code k}; the next {@link #collect()} maps it. */
    public void prepare(long k) {
        doc = csv.step(k);
    }

    /** Returns the size of the current document in bytes. */
    public int bytes() {
        return doc.length;
    }

    /** Returns the number of rows of the last mapped document. */
    public int rows() {
        return rows;
    }

    @Override
    public String instance() {
        return "127.0.0.1:8404";
    }

    @Override
    public String job() {
        return "haproxy";
    }

    @Override
    public String healthMetric() {
        return "haproxy_up";
    }

    @Override
    public List<Sample> collect() {
        return collect(MetricInterest.all());
    }

    /** Maps only the metrics the evaluator's rules read, as {@code HaproxySource.collect(MetricInterest)} does. */
    @Override
    public List<Sample> collect(MetricInterest interest) {
        return read(interest, false);
    }

    /** Maps as {@code HaproxySource.collectDeferring(MetricInterest)} does (what an evaluator calls). */
    @Override
    public List<Sample> collectDeferring(MetricInterest interest) {
        return read(interest, true);
    }

    private List<Sample> read(MetricInterest interest, boolean defer) {
        if (plan == null || !plan.interest().equals(interest) || planDefers != defer) {
            plan = DeferredPlan.of(interest, defer);
            planDefers = defer;
        }
        var result = mapper.map(doc, doc.length, plan.mapped(), false, plan.deferred());
        rows = result.rows();
        return plan.offer((FamilySamples) result.samples(), result, mapper.options());
    }
}
