package dev.tocsin.core.rules;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one {@code alert_rule_test} entry of a rule unit test.
 *
 * @param alertname the alert checked
 * @param evalTime the entry's {@code eval_time}
 * @param passed whether the firing alerts matched {@code exp_alerts} exactly
 * @param message promtool's failure text ({@code ""} when passed)
 */
public record AlertCheck(String alertname, Duration evalTime, boolean passed, String message) {

    /**
     * Validates the fields are present.
     *
     * @param alertname the alert checked
     * @param evalTime the entry's {@code eval_time}
     * @param passed whether the firing alerts matched {@code exp_alerts} exactly
     * @param message promtool's failure text ({@code ""} when passed)
     */
    public AlertCheck {
        Objects.requireNonNull(alertname, "alertname");
        Objects.requireNonNull(evalTime, "evalTime");
        Objects.requireNonNull(message, "message");
    }
}
