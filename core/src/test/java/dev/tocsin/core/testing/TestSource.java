package dev.tocsin.core.testing;

import dev.tocsin.core.MetricSource;
import dev.tocsin.core.Sample;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A controllable in-memory source for tests: set its samples, make it fail. Thread-safe. */
public final class TestSource implements MetricSource {

    private final String instance;
    private final String job;
    private final String health;
    private volatile List<Sample> samples = List.of();
    private volatile RuntimeException failure;
    private final AtomicInteger collects = new AtomicInteger();

    /** A source with the given instance and job and health metric {@code up}. */
    public TestSource(String instance, String job) {
        this(instance, job, "up");
    }

    /** A source with the given instance, job and health metric name. */
    public TestSource(String instance, String job, String health) {
        this.instance = instance;
        this.job = job;
        this.health = health;
    }

    /** Replaces the samples returned from now on and clears any failure. */
    public TestSource set(Sample... s) {
        samples = List.of(s);
        failure = null;
        return this;
    }

    /** Replaces the samples returned from now on and clears any failure. */
    public TestSource set(List<Sample> s) {
        samples = new ArrayList<>(s);
        failure = null;
        return this;
    }

    /**
     * Replaces the samples returned from now on with {@code s} itself, not a copy (a list with more to it, such as
     * the evaluator's internal {@code SampleFamilies}), and clears any failure.
     */
    public TestSource setAsGiven(List<Sample> s) {
        samples = s;
        failure = null;
        return this;
    }

    /** Makes every collect() fail with this exception until {@link #set} is called. */
    public TestSource fail(RuntimeException e) {
        failure = e;
        return this;
    }

    /** Returns how many times collect() was called. */
    public int collects() {
        return collects.get();
    }

    @Override
    public String instance() {
        return instance;
    }

    @Override
    public String job() {
        return job;
    }

    @Override
    public String healthMetric() {
        return health;
    }

    @Override
    public List<Sample> collect() {
        collects.incrementAndGet();
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
        return samples;
    }
}
