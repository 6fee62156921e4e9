package dev.tocsin.core.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code groups:} entry of a rule file.
 *
 * @param name the group's name
 * @param interval the group's evaluation interval; {@link Duration#ZERO} when not set (use the evaluator's)
 * @param labels the group's labels (already merged into every rule of the group)
 * @param limit the group's {@code limit} (0 = none); recorded, not enforced by Tocsin yet
 * @param alertingRules the alerting rules that were built, in file order
 * @param recordingRules the recording rules, in file order
 */
public record RuleGroup(String name, Duration interval, Map<String, String> labels, int limit,
                        List<AlertingRule> alertingRules, List<RecordingRule> recordingRules) {

    /** Validates and copies. */
    public RuleGroup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(interval, "interval");
        labels = Map.copyOf(labels);
        alertingRules = List.copyOf(alertingRules);
        recordingRules = List.copyOf(recordingRules);
    }

    /** Returns the group's alerting rules as {@link dev.tocsin.core.Rule}s, in file order. */
    public List<dev.tocsin.core.Rule> rules() {
        List<dev.tocsin.core.Rule> out = new ArrayList<>();
        alertingRules.forEach(r -> out.add(r.rule()));
        return List.copyOf(out);
    }
}
