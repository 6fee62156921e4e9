package dev.tocsin.core.rules;

import dev.tocsin.core.Rule;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
