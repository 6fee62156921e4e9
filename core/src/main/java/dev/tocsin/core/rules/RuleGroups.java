package dev.tocsin.core.rules;

import dev.tocsin.core.Rule;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The content of one rule file.
 *
 * @param file the file name as given to the loader
 * @param groups the groups, in file order
 * @param skipped the rules left out because Tocsin cannot run them yet (empty unless
 *     {@link RuleFiles.Options#skippingUnsupported()} was set)
 */
public record RuleGroups(String file, List<RuleGroup> groups, List<SkippedRule> skipped) {

    /**
     * Validates and copies.
     *
     * @param file the file name as given to the loader
     * @param groups the groups, in file order
     * @param skipped the rules left out
     */
    public RuleGroups {
        Objects.requireNonNull(file, "file");
        groups = List.copyOf(groups);
        skipped = List.copyOf(skipped);
    }

    /**
     * Returns every alerting rule of every group, in file order, ready for {@code Evaluator.Builder.rules(...)}. To
     * register the recording rules too, in file order, use {@code Evaluator.Builder.ruleGroups(...)}.
     *
     * @return the alerting rules (immutable)
     */
    public List<Rule> rules() {
        List<Rule> out = new ArrayList<>();
        groups.forEach(g -> out.addAll(g.rules()));
        return List.copyOf(out);
    }

    /**
     * Returns every recording rule of every group, in file order.
     *
     * @return the recording rules (immutable)
     */
    public List<RecordingRule> recordingRules() {
        List<RecordingRule> out = new ArrayList<>();
        groups.forEach(g -> out.addAll(g.recordingRules()));
        return List.copyOf(out);
    }

    /**
     * Returns a copy in which every alerting rule is replaced by what {@code change} returns for it (return the rule
     * itself to keep it), with the groups, their intervals, labels and limits, the recording rules and the file order
     * kept: the way to give rules from a file their runbooks (or other changes that {@link Rule#from(Rule)} makes)
     * and still register them with {@code Evaluator.Builder.ruleGroups(...)}:
     *
     * <pre>{@code
     * Runbook runbook = Runbook.fromResource(MyApp.class, "/runbooks/AppServerDown.md");
     * RuleGroups withRunbooks = RuleFiles.load(path).withAlertingRules(rule -> rule.name().equals("AppServerDown")
     *         ? Rule.from(rule).runbook(runbook).build() : rule);
     * }</pre>
     *
     * @param change called once per alerting rule, in file order
     * @return the changed copy (this instance is not changed)
     * @throws IllegalArgumentException if {@code change} returns {@code null} (naming the rule and its line)
     */
    public RuleGroups withAlertingRules(UnaryOperator<Rule> change) {
        Objects.requireNonNull(change, "change");
        List<RuleGroup> changed = new ArrayList<>();
        for (RuleGroup g : groups) {
            List<AlertingRule> alerting = new ArrayList<>();
            List<GroupRule> inOrder = new ArrayList<>();
            for (GroupRule r : g.rulesInFileOrder()) {
                if (r instanceof AlertingRule) {
                    AlertingRule a = (AlertingRule) r;
                    Rule replaced = change.apply(a.rule());
                    if (replaced == null) {
                        throw new IllegalArgumentException("withAlertingRules: the change returned null for rule "
                                + a.name() + " (" + file + ", line " + a.line() + "); return the rule to keep it");
                    }
                    AlertingRule b = replaced == a.rule() ? a : new AlertingRule(replaced, a.line());
                    alerting.add(b);
                    inOrder.add(b);
                } else {
                    inOrder.add(r);
                }
            }
            changed.add(new RuleGroup(g.name(), g.interval(), g.labels(), g.limit(), alerting, g.recordingRules(),
                    inOrder));
        }
        return new RuleGroups(file, changed, skipped);
    }

    /**
     * Returns every alerting and recording rule of every group, in file order (the order they are evaluated in).
     *
     * @return the rules (immutable)
     */
    public List<GroupRule> rulesInFileOrder() {
        List<GroupRule> out = new ArrayList<>();
        groups.forEach(g -> out.addAll(g.rulesInFileOrder()));
        return List.copyOf(out);
    }
}
