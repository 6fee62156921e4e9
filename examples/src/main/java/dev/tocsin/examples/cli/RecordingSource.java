package dev.tocsin.examples.cli;

import dev.tocsin.core.MetricInterest;
import dev.tocsin.core.MetricSource;
import dev.tocsin.core.Sample;
import dev.tocsin.core.source.ForwardingMetricSource;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Passes another source through unchanged and remembers the outcome of its last {@link #collect()}: the samples or
 * the exception. Lets the command line tell "HAProxy could not be read" from "HAProxy reports a problem".
 */
final class RecordingSource extends ForwardingMetricSource {

    private final AtomicLong collections = new AtomicLong();
    private volatile List<Sample> lastSamples = List.of();
    private volatile Exception lastError;

    RecordingSource(MetricSource delegate) {
        super(delegate);
    }

    /** Collects every metric whatever the rules read: the check's inventory reads server states and checks too. */
    @Override
    public List<Sample> collect(MetricInterest interest) throws Exception {
        return collect();
    }

    @Override
    public List<Sample> collect() throws Exception {
        try {
            List<Sample> samples = super.collect();
            lastSamples = List.copyOf(samples);
            lastError = null;
            return samples;
        } catch (Exception e) {
            lastSamples = List.of();
            lastError = e;
            throw e;
        } finally {
            collections.incrementAndGet();
        }
    }

    /** Returns how many times the source was collected. */
    long collections() {
        return collections.get();
    }

    /** Returns the samples of the last successful collection (empty after a failed one). */
    List<Sample> lastSamples() {
        return lastSamples;
    }

    /** Returns the exception of the last collection, if it failed. */
    Optional<Exception> lastError() {
        return Optional.ofNullable(lastError);
    }
}
