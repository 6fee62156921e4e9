package dev.tocsin.core;

import java.util.List;

/**
 * Something the evaluator reads each cycle: an HAProxy, the host's own gauges, any scrape target.
 *
 * <p>As Prometheus does for a scrape target, the evaluator adds the labels {@code instance} = {@link #instance()} and
 * {@code job} = {@link #job()} to every sample that does not already carry them, and publishes the source's health as
 * the series {@link #healthMetric()}{@code {instance, job}}: 1 after a successful {@link #collect()}, 0 after a failed
 * one.
 *
 * <p>Implementations must bound the time {@link #collect()} takes (every I/O with a timeout). The evaluator calls it
 * once per cycle, never twice at the same time for one source, but not always on the same thread: the only source of
 * an evaluator is read on the thread that evaluates (the evaluator's own, or the caller of
 * {@link Evaluator#evaluate}), which waits for it; with several sources each is read on a small pool of
 * {@code tocsin-source-reader} threads, and one that has not answered within the evaluation interval counts as failed
 * for that cycle (its read is not started again until it ends). So an implementation must not rely on thread-locals
 * (or a logging MDC) set by the host, and must publish its state safely between calls (a field written in one call
 * and read in the next may be read on another thread).
 */
public interface MetricSource {

    /**
     * Returns the value of the {@code instance} label, e.g. {@code host:port} or a socket path.
     *
     * @return the {@code instance} label value
     */
    String instance();

    /**
     * Returns the value of the {@code job} label.
     *
     * @return the {@code job} label value
     */
    String job();

    /**
     * Returns the name of the health series; {@code up} unless overridden ({@code haproxy_up} for HAProxy).
     *
     * @return the health series' metric name
     */
    default String healthMetric() {
        return "up";
    }

    /**
     * Reads the current samples.
     *
     * @return the samples, each with its metric name in {@code __name__}
     * @throws Exception when the source cannot be read; the evaluator logs it and marks the source down
     */
    List<Sample> collect() throws Exception;

    /**
     * Reads the current samples when the evaluator's rules only read some metric names. A source may leave out the
     * samples whose metric name {@code interest} does not include (to save parsing, memory and time); returning them
     * anyway is always correct. The default calls {@link #collect()}.
     *
     * @param interest the metric names the registered rules read
     * @return the samples, each with its metric name in {@code __name__}
     * @throws Exception when the source cannot be read; the evaluator logs it and marks the source down
     */
    default List<Sample> collect(MetricInterest interest) throws Exception {
        return collect();
    }
}
