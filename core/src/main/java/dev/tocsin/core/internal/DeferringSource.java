package dev.tocsin.core.internal;

import dev.tocsin.core.MetricInterest;
import dev.tocsin.core.Sample;

import java.util.List;

/**
 * Internal: a source that can skip the names its rules want only on demand
 * ({@link MetricInterest#onDemandNames()}) and look them up later. The evaluator calls {@link #collectDeferring}
 * instead of {@code collect(interest)} when it reads such a source itself; a wrapper around the source (which might
 * copy the list and lose the look-up) does not implement this, so the evaluator then gets every name from
 * {@code collect(interest)}. Not part of the public API.
 */
public interface DeferringSource {

    /**
     * Reads as {@code collect(interest)}, except that names wanted only on demand may be left out when the returned
     * list is a {@link SampleFamilies} whose {@link SampleFamilies#onDemand()} answers for them.
     *
     * @param interest the metric names the registered rules read
     * @return the samples
     * @throws Exception when the source cannot be read, as {@code collect}
     */
    List<Sample> collectDeferring(MetricInterest interest) throws Exception;
}
