package dev.tocsin.core.internal;

import dev.tocsin.core.MetricSource;

/**
 * Internal marker for a source whose samples are complete series (as in a promtool rule unit test): the evaluator
 * adds no {@code instance}/{@code job} labels to them and publishes no health series for it.
 */
public interface RawSeriesSource extends MetricSource {
}
