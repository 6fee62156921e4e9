package dev.tocsin.core.source;

import dev.tocsin.core.MetricInterest;
import dev.tocsin.core.MetricSource;
import dev.tocsin.core.Sample;

import java.util.List;
import java.util.Objects;

/**
 * A source that passes every call to another one: its {@code instance}, {@code job} and health metric, and both
 * {@code collect} methods (the metric interest included, so that the wrapped source still maps only what the rules
 * read). Subclasses override what they add, such as timing, counting or recording each collection; a subclass that
 * watches collections should override both {@link #collect()} and {@link #collect(MetricInterest)}, because an
 * evaluator calls the latter.
 */
public abstract class ForwardingMetricSource implements MetricSource {

    private final MetricSource delegate;

    /**
     * Wraps {@code delegate}.
     *
     * @param delegate the source every call goes to
     * @throws NullPointerException if {@code delegate} is null
     */
    protected ForwardingMetricSource(MetricSource delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * Returns the wrapped source.
     *
     * @return the source every call goes to
     */
    protected final MetricSource delegate() {
        return delegate;
    }

    @Override
    public String instance() {
        return delegate.instance();
    }

    @Override
    public String job() {
        return delegate.job();
    }

    @Override
    public String healthMetric() {
        return delegate.healthMetric();
    }

    @Override
    public List<Sample> collect() throws Exception {
        return delegate.collect();
    }

    @Override
    public List<Sample> collect(MetricInterest interest) throws Exception {
        return delegate.collect(interest);
    }

    /** Returns the wrapped source's {@code toString()}. */
    @Override
    public String toString() {
        return delegate.toString();
    }
}
