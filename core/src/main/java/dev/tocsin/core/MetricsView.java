package dev.tocsin.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The metrics of one evaluation: the samples read from every source in this cycle (with their {@code instance} and
 * {@code job} labels and each source's health series), as a Java rule sees them.
 */
public interface MetricsView {

    /**
     * Returns the evaluation time.
     *
     * @return the evaluation time
     */
    Instant time();

    /**
     * Returns the current samples of the named metric, in no particular order (empty when there are none).
     *
     * @param metricName the metric name
     * @return the samples
     */
    List<Sample> series(String metricName);

    /**
     * Returns the current samples of the named metric whose labels satisfy {@code filter}.
     *
     * @param metricName the metric name
     * @param filter the test the samples' labels must pass
     * @return the matching samples
     */
    default List<Sample> series(String metricName, Predicate<Labels> filter) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : series(metricName)) {
            if (filter.test(s.labels())) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Returns the current samples of the named metric that carry every label of {@code labels} with the same value,
     * e.g. {@code seriesMatching("haproxy_server_status", Map.of("instance", i, "job", j, "backend", b))}.
     *
     * <p>This is how a rule reads the metrics it declared with {@link Rule.Builder#readsOnDemand(String...)}: a
     * source may not return those in every read, but looks up the matching series of its last read when asked
     * here. {@link #series(String)} returns them too, at the cost of looking up every series.
     *
     * @param metricName the metric name
     * @param labels the label values every returned sample has (an empty map matches every sample)
     * @return the matching samples, in no particular order (empty when there are none)
     * @throws NullPointerException if an argument, a label name or a value is null
     */
    default List<Sample> seriesMatching(String metricName, Map<String, String> labels) {
        Objects.requireNonNull(metricName, "metricName");
        return series(metricName, dev.tocsin.core.internal.WantedLabels.of(Map.copyOf(Objects.requireNonNull(labels,
                "labels"))));
    }

    /**
     * Returns whether {@code labels} carry every label of {@code wanted} with the same value (the test of
     * {@link #seriesMatching}).
     *
     * @param labels the labels of a sample
     * @param wanted the label values to check
     * @return true when every wanted label is present with its value
     */
    static boolean matches(Labels labels, Map<String, String> wanted) {
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
