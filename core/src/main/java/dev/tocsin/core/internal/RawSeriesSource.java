package dev.tocsin.core.internal;

import dev.tocsin.core.Labels;
import dev.tocsin.core.MetricSource;

/**
 * Internal marker for a source whose samples are complete series (as in a promtool rule unit test): the evaluator
 * adds no {@code instance}/{@code job} labels to them and publishes no health series for it.
 *
 * <p>Such a source may also know every sample of its series with its own timestamp (a promtool input series is
 * sampled every {@code interval}, independently of the evaluation interval). Then the evaluator keeps those samples,
 * and not what {@link #collect()} returns at each evaluation, for range selectors and {@code offset}, as Prometheus
 * reads them from its storage.
 */
public interface RawSeriesSource extends MetricSource {

    /** Receives timestamped samples, see {@link #samplesBetween}. */
    @FunctionalInterface
    interface SampleSink {
        /**
         * Receives one sample.
         *
         * @param labels the series, with {@code __name__}
         * @param timeMillis the sample's timestamp, epoch milliseconds
         * @param value the value (ignored for a staleness marker)
         * @param stale whether the sample is a staleness marker
         */
        void accept(Labels labels, long timeMillis, double value, boolean stale);
    }

    /**
     * Returns whether {@link #samplesBetween} gives this source's samples with their own timestamps. By default it
     * does not: the evaluator then records what {@link #collect()} returns, at the evaluation time.
     */
    default boolean hasTimestampedSamples() {
        return false;
    }

    /**
     * Returns whether {@code labels} names one of this source's series (whose samples come through
     * {@link #samplesBetween} when {@link #hasTimestampedSamples()}).
     */
    default boolean isOwnSeries(Labels labels) {
        return false;
    }

    /**
     * Returns the timestamp (epoch milliseconds) of the sample of series {@code labels} that {@link #collect()}
     * returned when read at {@code atMillis}, for {@code timestamp()}; empty (the default) when the source does not
     * know it, and then the sample counts as taken at the evaluation time.
     */
    default java.util.OptionalLong sampleTimeMillis(Labels labels, long atMillis) {
        return java.util.OptionalLong.empty();
    }

    /**
     * Gives every sample (staleness markers included) with a timestamp in {@code (fromExclusive, toInclusive]},
     * each series oldest first.
     */
    default void samplesBetween(long fromExclusive, long toInclusive, SampleSink sink) {
    }
}
