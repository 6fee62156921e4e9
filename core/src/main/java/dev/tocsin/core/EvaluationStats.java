package dev.tocsin.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How one evaluation went: when it ran, how long each of its phases took, and how many series it read. Prometheus
 * reports the like for a rule group ({@code prometheus_rule_group_last_duration_seconds},
 * {@code prometheus_rule_group_last_evaluation_samples}); a Tocsin evaluation also reads its sources and records
 * their samples, which Prometheus does in its scrapes, so those phases are told apart from the rules.
 *
 * @param time the evaluation time (the instant passed to {@link Evaluator#evaluate(Instant)})
 * @param sources reading every source and grouping their samples by metric name
 * @param history recording the samples that range selectors and offsets read later, and dropping expired ones
 * @param rules evaluating the alerting and recording rules: expressions, alert states, templates, contexts
 * @param notification calling the listeners and handing the transitions to the notifiers (not the notifiers' sending,
 *     which runs on their own threads)
 * @param series how many series the sources gave (their health series, and the series held from a failed source,
 *     included)
 */
public record EvaluationStats(Instant time, Duration sources, Duration history, Duration rules, Duration notification,
                              int series) {

    /**
     * Checks the fields.
     *
     * @param time the evaluation time
     * @param sources the duration of reading the sources
     * @param history the duration of recording the history
     * @param rules the duration of evaluating the rules
     * @param notification the duration of calling the listeners and notifiers
     * @param series how many series the sources gave
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if a duration or the series count is negative
     */
    public EvaluationStats {
        Objects.requireNonNull(time, "time");
        for (Duration d : new Duration[] {Objects.requireNonNull(sources, "sources"),
            Objects.requireNonNull(history, "history"), Objects.requireNonNull(rules, "rules"),
            Objects.requireNonNull(notification, "notification")}) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative duration " + d);
            }
        }
        if (series < 0) {
            throw new IllegalArgumentException("negative series count " + series);
        }
    }

    /**
     * Returns the whole evaluation's duration: the sum of its phases.
     *
     * @return the sum of the four durations
     */
    public Duration total() {
        return sources.plus(history).plus(rules).plus(notification);
    }
}
