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
 *
 * <p>Some of the names may be wanted only <em>on demand</em> ({@link #onDemandNames()}): a rule declared them with
 * {@link Rule.Builder#readsOnDemand(String...)} and reads them only through
 * {@link MetricsView#seriesMatching(String, java.util.Map)}, for the labels of one alert at a time (for example the
 * servers of a down backend). {@link MetricSource#collect(MetricInterest)} returns them like any other name. When the
 * evaluator reads one of Tocsin's own sources that can look series up later from what it read (such as
 * {@code HaproxySource}) directly, not through a wrapper, that source skips them and answers the few look-ups
 * instead.
 */
public final class MetricInterest {

    private static final MetricInterest ALL = new MetricInterest(null, Set.of());

    /** Every wanted name, on-demand ones included; null for all. */
    private final Set<String> names;
    /** The subset of {@link #names} wanted only on demand. */
    private final Set<String> onDemand;

    private MetricInterest(Set<String> names, Set<String> onDemand) {
        this.names = names;
        this.onDemand = onDemand;
    }

    /**
     * Returns the interest in every metric.
     *
     * @return the interest in every metric
     */
    public static MetricInterest all() {
        return ALL;
    }

    /**
     * Returns the interest in exactly these metric names.
     *
     * @param metricNames the metric names wanted
     * @return the interest in those names
     * @throws NullPointerException if the collection or a name is null
     */
    public static MetricInterest of(Collection<String> metricNames) {
        Objects.requireNonNull(metricNames, "metricNames");
        TreeSet<String> copy = new TreeSet<>();
        for (String n : metricNames) {
            copy.add(Objects.requireNonNull(n, "metric name"));
        }
        return new MetricInterest(Set.copyOf(copy), Set.of());
    }

    /**
     * Returns the interest in {@code metricNames} in every read, plus {@code onDemandNames} on demand only (see the
     * class comment). A name in both is wanted in every read.
     *
     * @param metricNames the metric names wanted in every read
     * @param onDemandNames the metric names wanted on demand only
     * @return the interest in those names
     * @throws NullPointerException if a collection or a name is null
     */
    public static MetricInterest of(Collection<String> metricNames, Collection<String> onDemandNames) {
        Objects.requireNonNull(metricNames, "metricNames");
        Objects.requireNonNull(onDemandNames, "onDemandNames");
        TreeSet<String> all = new TreeSet<>();
        for (String n : metricNames) {
            all.add(Objects.requireNonNull(n, "metric name"));
        }
        TreeSet<String> lazy = new TreeSet<>();
        for (String n : onDemandNames) {
            if (!all.contains(Objects.requireNonNull(n, "metric name"))) {
                lazy.add(n);
            }
        }
        all.addAll(lazy);
        return new MetricInterest(Set.copyOf(all), Set.copyOf(lazy));
    }

    /**
     * Returns whether every metric is wanted.
     *
     * @return true when every metric is wanted
     */
    public boolean isAll() {
        return names == null;
    }

    /**
     * Returns whether samples of this metric name are wanted (on-demand names included).
     *
     * @param metricName the metric name
     * @return true when its samples are wanted
     */
    public boolean includes(String metricName) {
        Objects.requireNonNull(metricName, "metricName");
        return names == null || names.contains(metricName);
    }

    /**
     * Returns the wanted names, on-demand names included; empty when {@link #isAll()} (check that first).
     *
     * @return the wanted names (immutable)
     */
    public Set<String> names() {
        return names == null ? Set.of() : names;
    }

    /**
     * Returns the names wanted only on demand: a subset of {@link #names()}, empty when {@link #isAll()} or when no
     * rule declared any (see the class comment).
     *
     * @return the on-demand names (immutable)
     */
    public Set<String> onDemandNames() {
        return onDemand;
    }

    /**
     * Returns whether this metric name is wanted only on demand (see {@link #onDemandNames()}).
     *
     * @param metricName the metric name
     * @return true when it is wanted only on demand
     */
    public boolean isOnDemand(String metricName) {
        return onDemand.contains(metricName);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetricInterest && Objects.equals(names, ((MetricInterest) o).names)
                && onDemand.equals(((MetricInterest) o).onDemand);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(names) * 31 + onDemand.hashCode();
    }

    @Override
    public String toString() {
        if (names == null) {
            return "MetricInterest[all]";
        }
        if (onDemand.isEmpty()) {
            return "MetricInterest" + new TreeSet<>(names);
        }
        TreeSet<String> every = new TreeSet<>(names);
        every.removeAll(onDemand);
        return "MetricInterest" + every + " on demand " + new TreeSet<>(onDemand);
    }
}
