package dev.tocsin.core.internal;

import dev.tocsin.core.Sample;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Internal: the series of one source read that the source skipped because every rule wants them only on demand
 * ({@link dev.tocsin.core.MetricInterest#onDemandNames()}), and can still look up from what it read. Offered by
 * {@link SampleFamilies#onDemand()}; not part of the public API.
 *
 * <p>The contract, which the evaluator trusts as it trusts the families: what {@link #lookup} returns is what the
 * source would have returned for that name in the same read (same samples, labels and values), restricted to the
 * samples carrying every requested label value; each sample is named {@code metricName} and carries the labels of
 * {@link SampleFamilies#carriedLabelNames()}. An object answers for one read only and never changes; it may be asked
 * from several threads.
 */
public interface OnDemandSeries {

    /** Returns the metric names this read skipped and {@link #lookup} answers for. */
    Set<String> names();

    /**
     * Returns the samples of {@code metricName} (one of {@link #names()}) that carry every label of {@code labels}
     * with the same value.
     *
     * @param metricName the metric name
     * @param labels the label values to match (empty: every sample of the metric)
     * @return the samples, never null
     * @throws RuntimeException when the source cannot answer (the caller reports it)
     */
    List<Sample> lookup(String metricName, Map<String, String> labels);
}
