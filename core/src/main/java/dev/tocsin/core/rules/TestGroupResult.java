package dev.tocsin.core.rules;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one {@code tests:} entry of a rule unit test file.
 *
 * @param index the entry's 0-based position in the file
 * @param name the entry's {@code name}, or {@code ""}
 * @param checks the {@code alert_rule_test} outcomes, in the order promtool checks them (by eval_time, then file order)
 * @param errors other failures of this entry ({@code promql_expr_test} failures, checks of rules Tocsin skipped),
 *     promtool-style
 */
public record TestGroupResult(int index, String name, List<AlertCheck> checks, List<String> errors) {

    /**
     * Validates and copies.
     *
     * @param index the entry's 0-based position in the file
     * @param name the entry's {@code name}, or {@code ""}
     * @param checks the {@code alert_rule_test} outcomes
     * @param errors other failures of this entry
     */
    public TestGroupResult {
        Objects.requireNonNull(name, "name");
        checks = List.copyOf(checks);
        errors = List.copyOf(errors);
    }

    /**
     * Returns whether every check passed and there was no other failure.
     *
     * @return true when the entry passed
     */
    public boolean passed() {
        return errors.isEmpty() && checks.stream().allMatch(AlertCheck::passed);
    }
}
