package dev.tocsin.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What an evaluation hands to each {@link Notifier}.
 *
 * @param time the evaluation time
 * @param evaluationInterval the evaluator's interval (used e.g. for Alertmanager's {@code endsAt})
 * @param transitions the alerts that changed state in this evaluation, in order
 * @param active every alert currently FIRING or retained as RESOLVED, across all rules (never PENDING)
 */
public record Notification(Instant time, Duration evaluationInterval, List<Alert> transitions, List<Alert> active) {

    /**
     * Validates and copies the lists.
     *
     * @param time the evaluation time
     * @param evaluationInterval the evaluator's interval
     * @param transitions the alerts that changed state in this evaluation, in order
     * @param active every alert currently FIRING or retained as RESOLVED
     */
    public Notification {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(evaluationInterval, "evaluationInterval");
        transitions = List.copyOf(Objects.requireNonNull(transitions, "transitions"));
        active = List.copyOf(Objects.requireNonNull(active, "active"));
    }
}
