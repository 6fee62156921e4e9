package dev.tocsin.core.rules;

import dev.tocsin.core.ExpressionException;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.expr.Expression;

import java.util.Map;
import java.util.Objects;

/**
 * A Prometheus recording rule: at every evaluation the value of {@link #expr()} becomes series named {@link #name()}
 * that the rules evaluated after it (and range selectors in later evaluations) can read. Register it with
 * {@code Evaluator.Builder.recordingRule(...)}, {@code Evaluator.Builder.ruleGroups(...)} or
 * {@code Evaluator.addRecordingRule(...)}; see {@code docs/rule-files.md} for the semantics.
 *
 * <p>Each sample of the result keeps its labels, with {@code __name__} set to {@link #name()} and {@link #labels()}
 * added (overriding; an empty value removes the label), as Prometheus does.
 *
 * @param name the recorded metric name ({@code record:}); a valid metric name
 * @param expr the PromQL expression, as written; parsed and checked when the record is created
 * @param labels the labels added to the recorded series (group labels merged in; rule labels win)
 * @param line the 1-based line of the rule's {@code record:} key, or 0 when not read from a file
 */
public record RecordingRule(String name, String expr, Map<String, String> labels, int line) implements GroupRule {

    /**
     * Validates and copies.
     *
     * @param name the recorded metric name
     * @param expr the PromQL expression
     * @param labels the labels added to the recorded series
     * @param line the 1-based line of {@code record:}, or 0
     * @throws ExpressionException if {@code expr} is not a valid (supported) PromQL expression
     * @throws IllegalArgumentException if {@code name} is not a metric name, or a label name is invalid or
     *     {@code __name__}
     */
    public RecordingRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(expr, "expr");
        Objects.requireNonNull(labels, "labels");
        if (!Sample.isValidMetricName(name)) {
            throw new IllegalArgumentException("invalid recording rule name: '" + name + "'");
        }
        labels.forEach((k, v) -> {
            if (k == null || !Labels.isValidName(k) || Labels.METRIC_NAME.equals(k)) {
                throw new IllegalArgumentException("recording rule " + name + ": invalid label name: '" + k + "'");
            }
            Objects.requireNonNull(v, () -> "recording rule " + name + ": value of label " + k);
        });
        labels = Map.copyOf(labels);
        try {
            Expression.parse(expr); // fails here, not at evaluation time
        } catch (ExpressionException e) {
            throw e.of("recording rule " + name);
        }
    }

    /**
     * Returns a recording rule not read from a file (line 0) with no extra labels.
     *
     * @param name the recorded metric name
     * @param expr the PromQL expression
     * @return the rule
     */
    public static RecordingRule of(String name, String expr) {
        return new RecordingRule(name, expr, Map.of(), 0);
    }

    /**
     * Returns a recording rule not read from a file (line 0).
     *
     * @param name the recorded metric name
     * @param expr the PromQL expression
     * @param labels the labels added to the recorded series
     * @return the rule
     */
    public static RecordingRule of(String name, String expr, Map<String, String> labels) {
        return new RecordingRule(name, expr, labels, 0);
    }
}
