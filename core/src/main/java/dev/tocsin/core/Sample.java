package dev.tocsin.core;

import java.util.Objects;

/**
 * One series' current value: its labels (with the metric name under {@link Labels#METRIC_NAME}) and a double, which
 * may be NaN or infinite.
 *
 * @param labels the series' labels, including {@code __name__} for a metric
 * @param value the sample value
 */
public record Sample(Labels labels, double value) {

    /**
     * Validates the labels are present.
     *
     * @param labels the series' labels, including {@code __name__} for a metric
     * @param value the sample value
     */
    public Sample {
        Objects.requireNonNull(labels, "labels");
    }

    /**
     * Returns a sample of the named metric with the given alternating label names and values.
     *
     * @param metricName the metric name
     * @param value the sample value
     * @param labelNamesAndValues further label names and values, alternating
     * @return the sample
     * @throws IllegalArgumentException if the metric name or a label is invalid
     */
    public static Sample of(String metricName, double value, String... labelNamesAndValues) {
        if (!isValidMetricName(metricName)) {
            throw new IllegalArgumentException("invalid metric name: '" + metricName + "'");
        }
        Labels l = Labels.of(labelNamesAndValues).with(Labels.METRIC_NAME, metricName);
        return new Sample(l, value);
    }

    /**
     * Returns the metric name, or the empty string for a series without one.
     *
     * @return the metric name, or {@code ""}
     */
    public String metricName() {
        return labels.metricName();
    }

    /**
     * Returns whether {@code name} is a valid metric name ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}).
     *
     * @param name the name to check; may be {@code null}
     * @return true when it is a valid metric name
     */
    public static boolean isValidMetricName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
