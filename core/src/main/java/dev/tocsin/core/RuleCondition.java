package dev.tocsin.core;

import java.util.List;

/**
 * A rule's condition written in plain Java: returns the series for which the alert condition currently holds.
 *
 * <p>Each returned sample becomes one alert candidate, exactly like one series of a PromQL expression's result: its
 * labels (minus {@code __name__}) start the alert's labels and its value is {@code $value}.
 */
@FunctionalInterface
public interface RuleCondition {

    /**
     * Evaluates the condition.
     *
     * @param metrics the metrics of this evaluation
     * @return the matching series (never {@code null})
     * @throws Exception when the condition cannot be evaluated; the evaluation of this rule then changes nothing
     */
    List<Sample> evaluate(MetricsView metrics) throws Exception;
}
