package dev.tocsin.core.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code groups:} entry of a rule file.
 *
 * @param name the group's name
 * @param interval the group's evaluation interval; {@link Duration#ZERO} when not set (use the evaluator's)
 * @param labels the group's labels (already merged into every rule of the group)
 * @param limit the group's {@code limit} (0 = none): the most alerts an alerting rule, or series a recording rule,
 *     may produce in one evaluation (enforced when registered with {@code Evaluator.Builder.ruleGroups})
 * @param alertingRules the alerting rules that were built, in file order
 * @param recordingRules the recording rules, in file order
 * @param rulesInFileOrder every rule of both lists, in file order (the order Prometheus evaluates them in)
 */
public record RuleGroup(String name, Duration interval, Map<String, String> labels, int limit,
                        List<AlertingRule> alertingRules, List<RecordingRule> recordingRules,
                        List<GroupRule> rulesInFileOrder) {

    /**
     * Validates and copies.
     *
     * @param name the group's name
     * @param interval the group's evaluation interval; {@link Duration#ZERO} when not set
     * @param labels the group's labels
     * @param limit the group's {@code limit} (0 = none)
     * @param alertingRules the alerting rules, in file order
     * @param recordingRules the recording rules, in file order
     * @param rulesInFileOrder every rule of both lists, in file order
     * @throws IllegalArgumentException if {@code rulesInFileOrder} does not hold exactly the rules of both lists, or
     *     the interval or the limit is negative
     * @throws NullPointerException if an argument or an element is null (naming the argument)
     */
    public RuleGroup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("group " + name + ": interval must not be negative: " + interval);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("group " + name + ": limit must not be negative: " + limit);
        }
        labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
        alertingRules = List.copyOf(Objects.requireNonNull(alertingRules, "alertingRules"));
        recordingRules = List.copyOf(Objects.requireNonNull(recordingRules, "recordingRules"));
        rulesInFileOrder = List.copyOf(Objects.requireNonNull(rulesInFileOrder, "rulesInFileOrder"));
        List<GroupRule> a = new ArrayList<>();
        List<GroupRule> r = new ArrayList<>();
        for (GroupRule g : rulesInFileOrder) {
            (g instanceof AlertingRule ? a : r).add(g);
        }
        if (!a.equals(alertingRules) || !r.equals(recordingRules)) {
            throw new IllegalArgumentException("group " + name + ": rulesInFileOrder must list exactly the alerting "
                    + "and recording rules, each list's order kept");
        }
    }

    /**
     * Creates a group whose file order is derived from the rules' {@code line}s (an alerting rule first on a tie).
     *
     * @param name the group's name
     * @param interval the group's evaluation interval; {@link Duration#ZERO} when not set
     * @param labels the group's labels
     * @param limit the group's {@code limit} (0 = none)
     * @param alertingRules the alerting rules, in file order
     * @param recordingRules the recording rules, in file order
     */
    public RuleGroup(String name, Duration interval, Map<String, String> labels, int limit,
                     List<AlertingRule> alertingRules, List<RecordingRule> recordingRules) {
        this(name, interval, labels, limit, alertingRules, recordingRules, byLine(alertingRules, recordingRules));
    }

    private static List<GroupRule> byLine(List<AlertingRule> alerting, List<RecordingRule> recording) {
        List<GroupRule> out = new ArrayList<>(alerting);
        out.addAll(recording);
        out.sort(Comparator.comparingInt(GroupRule::line)); // stable: alerting first on a tie
        return out;
    }

    /**
     * Returns the group's alerting rules as {@link dev.tocsin.core.Rule}s, in file order.
     *
     * @return the rules (immutable)
     */
    public List<dev.tocsin.core.Rule> rules() {
        List<dev.tocsin.core.Rule> out = new ArrayList<>();
        alertingRules.forEach(r -> out.add(r.rule()));
        return List.copyOf(out);
    }
}
