package dev.tocsin.core.internal;

import dev.tocsin.core.Labels;

/**
 * Internal: hears the samples recording rules write (rule unit tests compare them with their input series, as
 * promtool's test storage refuses a second, different sample of a series at one time).
 */
public interface RecordedObserver {

    /**
     * One sample written by {@code rule} at {@code time}.
     *
     * @param rule the recording rule's name
     * @param labels the series written
     * @param time the evaluation time, epoch milliseconds
     * @param value the value written
     */
    void recorded(String rule, Labels labels, long time, double value);
}
