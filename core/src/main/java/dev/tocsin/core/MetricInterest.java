package dev.tocsin.core;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metric names an evaluator's rules read, passed to {@link MetricSource#collect(MetricInterest)} so that a source
 * can skip producing the others. Either every name ({@link #all()}), or a fixed set of names.
 *
 * <p>The evaluator computes it from its registered rules: an expression rule reads the metric names of its selectors;
 * a rule with a Java condition or context reads what it declares with {@link Rule.Builder#reads(String...)}, and
 * anything when it declares nothing. Immutable.
 */
public final class MetricInterest {

    private static final MetricInterest ALL = new MetricInterest(null);

    private final Set<String> names;

    private MetricInterest(Set<String> names) {
        this.names = names;
    }

    /** Returns the interest in every metric. */
    public static MetricInterest all() {
        return ALL;
    }

    /**
     * Returns the interest in exactly these metric names.
     *
     * @throws NullPointerException if the collection or a name is null
     */
    public static MetricInterest of(Collection<String> metricNames) {
        Objects.requireNonNull(metricNames, "metricNames");
        TreeSet<String> copy = new TreeSet<>();
        for (String n : metricNames) {
            copy.add(Objects.requireNonNull(n, "metric name"));
        }
        return new MetricInterest(Set.copyOf(copy));
    }

    /** Returns whether every metric is wanted. */
    public boolean isAll() {
        return names == null;
    }

    /** Returns whether samples of this metric name are wanted. */
    public boolean includes(String metricName) {
        return names == null || names.contains(metricName);
    }

    /** Returns the wanted names; empty when {@link #isAll()} (check that first). */
    public Set<String> names() {
        return names == null ? Set.of() : names;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetricInterest && Objects.equals(names, ((MetricInterest) o).names);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(names);
    }

    @Override
    public String toString() {
        return names == null ? "MetricInterest[all]" : "MetricInterest" + new TreeSet<>(names);
    }
}
