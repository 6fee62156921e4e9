package dev.tocsin.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The metrics of one evaluation: the samples read from every source in this cycle (with their {@code instance} and
 * {@code job} labels and each source's health series), as a Java rule sees them.
 */
public interface MetricsView {

    /** Returns the evaluation time. */
    Instant time();

    /** Returns the current samples of the named metric, in no particular order (empty when there are none). */
    List<Sample> series(String metricName);

    /** Returns the current samples of the named metric whose labels satisfy {@code filter}. */
    default List<Sample> series(String metricName, Predicate<Labels> filter) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : series(metricName)) {
            if (filter.test(s.labels())) {
                out.add(s);
            }
        }
        return out;
    }
}
