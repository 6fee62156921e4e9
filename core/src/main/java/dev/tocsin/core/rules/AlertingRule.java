package dev.tocsin.core.rules;

import dev.tocsin.core.Rule;

import java.util.Objects;

/**
 * An alerting rule read from a rule file: the built {@link Rule} (group labels merged in) and where it was written.
 *
 * @param rule the rule, ready to register with an evaluator
 * @param line the 1-based line of the rule's {@code alert:} key
 */
public record AlertingRule(Rule rule, int line) implements GroupRule {

    /**
     * Validates the rule is present.
     *
     * @param rule the rule
     * @param line the 1-based line of the rule's {@code alert:} key
     */
    public AlertingRule {
        Objects.requireNonNull(rule, "rule");
    }

    /** Returns the alert name. */
    @Override
    public String name() {
        return rule.name();
    }
}
