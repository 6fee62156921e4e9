package dev.tocsin.core.rules;

import java.util.Objects;

/**
 * A rule that {@link RuleFiles} left out because Tocsin cannot run it yet (only with
 * {@link RuleFiles.Options#skippingUnsupported() skipUnsupported}).
 *
 * @param group the group's name
 * @param name the rule's name ({@code alert:} or {@code record:})
 * @param line the 1-based line of the rule
 * @param reason why it was skipped, with the position inside the expression where relevant
 */
public record SkippedRule(String group, String name, int line, String reason) {

    /**
     * Validates the fields are present.
     *
     * @param group the group's name
     * @param name the rule's name
     * @param line the 1-based line of the rule
     * @param reason why it was skipped
     */
    public SkippedRule {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(reason, "reason");
    }
}
