package dev.tocsin.core.internal;

import dev.tocsin.core.Labels;

import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The test of {@link dev.tocsin.core.MetricsView#seriesMatching}, prepared once per call: every wanted label with the
 * same value (an empty wanted value matches an absent label, as {@link Labels#get} gives {@code ""} for it). Reading
 * the wanted labels from arrays instead of iterating a map for each sample keeps a diagnosis that scans every server
 * sample of a large HAProxy from allocating an iterator and an entry per label and sample.
 */
public final class WantedLabels implements Predicate<Labels> {

    private final String[] names;
    private final String[] values;

    private WantedLabels(String[] names, String[] values) {
        this.names = names;
        this.values = values;
    }

    /**
     * Returns the test for {@code wanted}.
     *
     * @param wanted label names to the values a sample must carry
     * @return the test
     * @throws NullPointerException if the map, a name or a value is null
     */
    public static WantedLabels of(Map<String, String> wanted) {
        // sized from the entries themselves, not from size(): a map that changes meanwhile cannot overrun the arrays
        Object[] entries = Objects.requireNonNull(wanted, "labels").entrySet().toArray();
        String[] names = new String[entries.length];
        String[] values = new String[entries.length];
        for (int i = 0; i < entries.length; i++) {
            Map.Entry<?, ?> e = (Map.Entry<?, ?>) entries[i];
            Object name = Objects.requireNonNull(e.getKey(), "label name");
            Object value = Objects.requireNonNull(e.getValue(), () -> "value of label " + name);
            names[i] = (String) name;
            values[i] = (String) value;
        }
        return new WantedLabels(names, values);
    }

    /**
     * Returns whether {@code labels} carry every wanted label with its value.
     *
     * @param labels a sample's labels
     * @return true when every wanted label is present with its value
     */
    @Override
    public boolean test(Labels labels) {
        for (int i = 0; i < names.length; i++) {
            if (!values[i].equals(labels.get(names[i]))) {
                return false;
            }
        }
        return true;
    }
}
