package dev.tocsin.core.rules;

/**
 * One rule of a rule-file group: an {@link AlertingRule} or a {@link RecordingRule}.
 * {@link RuleGroup#rulesInFileOrder()} lists them in the order Prometheus evaluates them.
 */
public sealed interface GroupRule permits AlertingRule, RecordingRule {

    /**
     * Returns the rule's name: the alert name ({@code alert:}) or the recorded metric name ({@code record:}).
     *
     * @return the alert name or the recorded metric name
     */
    String name();

    /**
     * Returns the 1-based line of the rule's {@code alert:} or {@code record:} key in its file.
     *
     * @return the 1-based line (0 for a recording rule not read from a file)
     */
    int line();
}
