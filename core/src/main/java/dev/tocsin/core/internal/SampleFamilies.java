package dev.tocsin.core.internal;

import dev.tocsin.core.Sample;

import java.util.List;
import java.util.Set;

/**
 * Internal: a list of samples (what {@code MetricSource.collect} returns) that also hands them over already grouped
 * by metric name, so that the evaluator need not look at each sample to group them (for a large HAProxy, hundreds of
 * thousands per scrape). Implemented by Tocsin's own sources; not part of the public API.
 *
 * <p>The contract, which the evaluator trusts without checking sample by sample: every sample of
 * {@link #family(int) family(i)} is non-null and named {@link #familyName(int) familyName(i)}, a valid metric name;
 * no two families have the same name; every sample of every family carries each label of
 * {@link #carriedLabelNames()}; the families and {@link #others()} together hold exactly the samples of the list,
 * each family in the order its samples have in the list, and the others after every family sample of the same name
 * (the evaluator keeps, per metric name, the family's samples and then the others').
 */
public interface SampleFamilies extends List<Sample> {

    /** Returns the names of the labels every sample of every family carries (for example instance and job). */
    Set<String> carriedLabelNames();

    /** Returns the number of families. */
    int familyCount();

    /**
     * Returns the metric name of a family.
     *
     * @param index 0 to {@link #familyCount()} - 1
     */
    String familyName(int index);

    /**
     * Returns the samples of a family (read-only).
     *
     * @param index 0 to {@link #familyCount()} - 1
     */
    List<Sample> family(int index);

    /**
     * Returns the samples of a family as an array the caller may keep (and must not modify): by default a copy of
     * {@link #family}; a source that holds each family in an array of its own, never changed after the result is
     * built, returns that array (the evaluator keeps one array per metric name and scrape: no second copy).
     *
     * @param index 0 to {@link #familyCount()} - 1
     */
    default Sample[] familyArray(int index) {
        return family(index).toArray(new Sample[0]);
    }

    /** Returns the samples outside the families, which the evaluator groups one by one as any other source's. */
    List<Sample> others();

    /**
     * Returns the series this read skipped because they are wanted only on demand, to be looked up when a rule asks
     * for them; null (the default) when nothing was skipped.
     */
    default OnDemandSeries onDemand() {
        return null;
    }
}
