package dev.tocsin.core.rules;

import dev.tocsin.core.TocsinParseException;

import java.util.Optional;

/**
 * A rule file (or a rule unit test file) that cannot be loaded: names the file, the 1-based line and column, and,
 * where known, the group and rule. An error inside an expression or template also gives the position within it.
 */
public final class RuleFileException extends TocsinParseException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final String group;
    private final String rule;

    /**
     * Creates an exception.
     *
     * @param file the file name as given to the loader
     * @param line 1-based line, 0 when unknown
     * @param column 1-based column, 0 when unknown
     * @param group the group's name, or {@code ""} when not inside a group
     * @param rule the rule's name, or {@code ""} when not inside a rule
     * @param detail what is wrong
     */
    public RuleFileException(String file, int line, int column, String group, String rule, String detail) {
        super("rule file '" + file + "'", line, column, context(group, rule) + detail);
        this.file = file;
        this.group = group == null ? "" : group;
        this.rule = rule == null ? "" : rule;
    }

    private static String context(String group, String rule) {
        StringBuilder sb = new StringBuilder();
        if (group != null && !group.isEmpty()) {
            sb.append("group \"").append(group).append("\", ");
        }
        if (rule != null && !rule.isEmpty()) {
            sb.append("rule \"").append(rule).append("\", ");
        }
        return sb.toString();
    }

    /**
     * Returns the file name as given to the loader.
     *
     * @return the file name
     */
    public String file() {
        return file;
    }

    /**
     * Returns the group's name, if the error is inside a group.
     *
     * @return the group's name, or empty
     */
    public Optional<String> group() {
        return group.isEmpty() ? Optional.empty() : Optional.of(group);
    }

    /**
     * Returns the rule's name, if the error is inside a rule.
     *
     * @return the rule's name, or empty
     */
    public Optional<String> rule() {
        return rule.isEmpty() ? Optional.empty() : Optional.of(rule);
    }
}
