package dev.tocsin.core.rules;

import java.util.Map;
import java.util.Objects;

/**
 * A recording rule read from a rule file. Tocsin represents it but does not evaluate it yet (see
 * {@code docs/rule-files.md}).
 *
 * @param name the recorded metric name ({@code record:})
 * @param expr the PromQL expression, as written
 * @param labels the labels added to the recorded series (group labels merged in; rule labels win)
 * @param line the 1-based line of the rule's {@code record:} key
 */
public record RecordingRule(String name, String expr, Map<String, String> labels, int line) {

    /** Validates and copies. */
    public RecordingRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(expr, "expr");
        labels = Map.copyOf(labels);
    }
}
