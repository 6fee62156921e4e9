package dev.tocsin.core;

import dev.tocsin.core.rules.RecordingRule;
import dev.tocsin.core.rules.RuleFiles;
import dev.tocsin.core.rules.RuleGroups;
import dev.tocsin.core.testing.TestSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/** Recording rules in the evaluator: ordering, labels, staleness, failures, history, removal. */
class RecordingRulesTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final TestSource source = new TestSource("lb1:8404", "haproxy", "haproxy_up");
    Evaluator evaluator;

    @AfterEach
    void close() {
        if (evaluator != null) {
            evaluator.close();
        }
    }

    static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    static Sample up(String backend, double v) {
        return Sample.of("backend_up", v, "backend", backend);
    }

    /** A Java rule that fires nothing and keeps what it saw of {@code metric} at each evaluation. */
    static final class Probe {
        final List<List<Sample>> seen = new ArrayList<>();
        final Rule rule;

        Probe(String name, String metric) {
            rule = Rule.alert(name).condition(m -> {
                seen.add(List.copyOf(m.series(metric)));
                return List.of();
            }).build();
        }

        List<Sample> last() {
            return seen.get(seen.size() - 1);
        }
    }

    /** A notifier that adds every notification to {@code sent}. */
    static Notifier collecting(List<Notification> sent) {
        return new Notifier() {
            @Override
            public void accept(Notification n) {
                sent.add(n);
            }

            @Override
            public void close() {
            }
        };
    }

    static Map<Labels, Double> values(List<Sample> samples) {
        Map<Labels, Double> out = new HashMap<>();
        samples.forEach(s -> out.put(s.labels(), s.value()));
        return out;
    }

    @Test
    void theOutputIsNamedAfterTheRuleCarriesItsLabelsAndIsSeenByTheRulesAfterItInTheSameEvaluation() {
        Probe after = new Probe("After", "job:backend_up:sum");
        evaluator = Evaluator.builder().source(source)
                .recordingRule(RecordingRule.of("job:backend_up:sum", "sum by (job, instance) (backend_up)",
                        Map.of("team", "lb", "instance", "")))
                .rule(after.rule)
                .build();
        source.set(up("a", 1), up("b", 1), up("c", 0));

        evaluator.evaluate(at(0));

        assertThat(values(after.last())).containsExactly(
                Map.entry(Labels.of("__name__", "job:backend_up:sum", "job", "haproxy", "team", "lb"), 2.0));
    }

    @Test
    void aRuleListedBeforeTheRecordingRuleSeesThePreviousEvaluationsSample() {
        Probe before = new Probe("Before", "total");
        Probe after = new Probe("After", "total");
        evaluator = Evaluator.builder().source(source)
                .rule(before.rule)
                .recordingRule(RecordingRule.of("total", "sum(backend_up)"))
                .rule(after.rule)
                .build();
        source.set(up("a", 1));
        evaluator.evaluate(at(0));
        source.set(up("a", 1), up("b", 1));
        evaluator.evaluate(at(60));

        assertThat(before.seen.get(0)).isEmpty();
        assertThat(after.seen.get(0)).extracting(Sample::value).containsExactly(1.0);
        assertThat(before.seen.get(1)).extracting(Sample::value).containsExactly(1.0);
        assertThat(after.seen.get(1)).extracting(Sample::value).containsExactly(2.0);
    }

    @Test
    void aSeriesTheRuleStopsProducingIsGoneAtOnceForTheRulesAfterItAndForRanges() {
        Probe after = new Probe("After", "down");
        evaluator = Evaluator.builder().source(source)
                .recordingRule(RecordingRule.of("down", "backend_up == 0"))
                .rule(after.rule)
                .rule(Rule.alert("Seen").expr("count_over_time(down[10m])").build())
                .build();
        source.set(up("a", 0));
        evaluator.evaluate(at(0));
        evaluator.evaluate(at(60));
        source.set(up("a", 1));
        evaluator.evaluate(at(120));
        evaluator.evaluate(at(180));

        assertThat(after.seen.get(1)).hasSize(1);
        assertThat(after.seen.get(2)).isEmpty();
        Alert seen = evaluator.alerts().stream().filter(a -> a.ruleName().equals("Seen")).findFirst().orElseThrow();
        assertThat(seen.value()).isEqualTo(2.0); // the samples at 0 and 60 s, none after the staleness marker
    }

    @Test
    void rangeFunctionsReadTheRecordedHistory() {
        evaluator = Evaluator.builder().source(source)
                .recordingRule(RecordingRule.of("requests:sum", "sum(requests_total)"))
                .rule(Rule.alert("Rate").expr("rate(requests:sum[5m])").build())
                .build();
        for (int i = 0; i <= 5; i++) {
            source.set(Sample.of("requests_total", 60.0 * i, "backend", "a"),
                    Sample.of("requests_total", 120.0 * i, "backend", "b"));
            evaluator.evaluate(at(60L * i));
        }

        assertThat(evaluator.alerts()).singleElement().satisfies(a -> assertThat(a.value()).isEqualTo(3.0));
    }

    @Test
    void nanSamplesAreRecorded() {
        Probe after = new Probe("After", "ratio");
        evaluator = Evaluator.builder().source(source)
                .recordingRule(RecordingRule.of("ratio", "errors / requests"))
                .rule(after.rule)
                .build();
        source.set(Sample.of("errors", 0, "backend", "a"), Sample.of("requests", 0, "backend", "a"));

        evaluator.evaluate(at(0));

        assertThat(after.last()).singleElement().satisfies(s -> assertThat(s.value()).isNaN());
    }

    @Test
    void duplicateOutputSeriesFailTheRuleForTheCycleAndNothingElse() {
        Probe after = new Probe("After", "up:recorded");
        evaluator = Evaluator.builder().source(source)
                .recordingRule(RecordingRule.of("up:recorded", "backend_up", Map.of("backend", "")))
                .recordingRule(RecordingRule.of("up:count", "count(backend_up)"))
                .rule(after.rule)
                .rule(Rule.alert("Down").expr("backend_up == 0").build())
                .build();
        source.set(up("a", 1));
        evaluator.evaluate(at(0));
        source.set(up("a", 1), up("b", 0));

        List<Alert> transitions = evaluator.evaluate(at(60));

        // the failed rule wrote nothing: its sample of the previous evaluation is still seen through the lookback
        assertThat(values(after.last())).containsExactly(
                Map.entry(Labels.of("__name__", "up:recorded", "instance", "lb1:8404", "job", "haproxy"), 1.0));
        assertThat(transitions).extracting(Alert::ruleName).containsExactly("Down");
        assertThat(((dev.tocsin.core.internal.DefaultEvaluator) evaluator).lastEvaluationErrors())
                .containsExactly(Map.entry("up:recorded",
                        "vector contains metrics with the same labelset after applying rule labels"));
        // ... until it is more than 5 minutes old
        evaluator.evaluate(at(361));
        assertThat(after.last()).isEmpty();
    }

    @Test
    void aRecordingRuleFailingAtRunTimeNeverStopsTheOtherRulesNorThrows() {
        evaluator = Evaluator.builder().source(source)
                .recordingRule(RecordingRule.of("broken",
                        "label_replace(backend_up, \"backend\", \"\", \"backend\", \".*\")"))
                .rule(Rule.alert("Down").expr("backend_up == 0").build())
                .build();
        source.set(up("a", 0), up("b", 0));

        List<Alert> transitions = evaluator.evaluate(at(0));

        assertThat(transitions).hasSize(2).allSatisfy(a -> assertThat(a.state()).isEqualTo(AlertState.FIRING));
        assertThat(((dev.tocsin.core.internal.DefaultEvaluator) evaluator).lastEvaluationErrors())
                .extracting(Map.Entry::getKey).containsExactly("broken");
    }

    @Test
    void removingARecordingRuleRemovesItsSeriesAtOnce() {
        Probe after = new Probe("After", "total");
        evaluator = Evaluator.builder().source(source)
                .recordingRule(RecordingRule.of("total", "sum(backend_up)"))
                .rule(after.rule)
                .build();
        source.set(up("a", 1));
        evaluator.evaluate(at(0));

        assertThat(evaluator.removeRecordingRule("nope")).isFalse();
        assertThat(evaluator.removeRecordingRule("total")).isTrue();
        evaluator.evaluate(at(60));

        assertThat(after.last()).isEmpty();
        assertThat(evaluator.recordingRules()).isEmpty();
        assertThat(evaluator.rules()).extracting(Rule::name).containsExactly("After");

        evaluator.addRecordingRule(RecordingRule.of("total", "sum(backend_up) * 10"));
        evaluator.evaluate(at(120));
        assertThat(after.last()).isEmpty(); // added after the probe: seen one evaluation later
        evaluator.evaluate(at(180));
        assertThat(after.last()).extracting(Sample::value).containsExactly(10.0);
    }

    @Test
    void ruleGroupsRegisterAlertingAndRecordingRulesInFileOrder() {
        RuleGroups file = RuleFiles.parse("r.yml", """
                groups:
                  - name: g
                    rules:
                      - alert: Early
                        expr: total > 1
                      - record: total
                        expr: sum(backend_up)
                      - alert: Late
                        expr: total > 1
                """);
        evaluator = Evaluator.builder().source(source).ruleGroups(file).build();
        source.set(up("a", 1), up("b", 1));

        assertThat(evaluator.evaluate(at(0))).extracting(Alert::ruleName).containsExactly("Late");
        assertThat(evaluator.evaluate(at(60))).extracting(Alert::ruleName).containsExactly("Early");
        assertThat(evaluator.rules()).extracting(Rule::name).containsExactly("Early", "Late");
        assertThat(evaluator.recordingRules()).extracting(RecordingRule::name).containsExactly("total");
        assertThat(file.rulesInFileOrder()).extracting(r -> r.name()).containsExactly("Early", "total", "Late");
    }

    @Test
    void withAlertingRulesGivesFileRulesRunbooksAndKeepsTheirGroups() {
        RuleGroups file = RuleFiles.parse("r.yml", """
                groups:
                  - name: g
                    interval: 1m
                    limit: 5
                    labels:
                      team: edge
                    rules:
                      - alert: Early
                        expr: total > 1
                      - record: total
                        expr: sum(backend_up)
                      - alert: Late
                        expr: total > 1
                """);
        dev.tocsin.core.Runbook runbook = dev.tocsin.core.Runbook.builder("Late").summary("Too many").build();
        RuleGroups changed = file.withAlertingRules(
                r -> r.name().equals("Late") ? Rule.from(r).runbook(runbook).build() : r);

        assertThat(changed.rulesInFileOrder()).extracting(r -> r.name()).containsExactly("Early", "total", "Late");
        assertThat(changed.rulesInFileOrder()).extracting(r -> r.line()).containsExactly(8, 10, 12);
        dev.tocsin.core.rules.RuleGroup g = changed.groups().get(0);
        assertThat(g.interval()).isEqualTo(java.time.Duration.ofMinutes(1));
        assertThat(g.limit()).isEqualTo(5);
        assertThat(g.labels()).containsEntry("team", "edge");
        assertThat(g.alertingRules().get(0)).isSameAs(file.groups().get(0).alertingRules().get(0));
        assertThat(file.rules().get(1).runbook()).as("the original is not changed").isEmpty();

        evaluator = Evaluator.builder().source(source).ruleGroups(changed).build();
        source.set(up("a", 1), up("b", 1));
        evaluator.evaluate(at(0));
        List<Alert> second = evaluator.evaluate(at(60));
        assertThat(second).extracting(Alert::ruleName).containsExactly("Early");
        assertThat(evaluator.alerts()).filteredOn(a -> a.ruleName().equals("Late")).singleElement()
                .satisfies(a -> {
                    assertThat(a.runbook()).contains(runbook);
                    assertThat(a.labels().get("team")).isEqualTo("edge");
                });

        assertThatThrownBy(() -> file.withAlertingRules(r -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("withAlertingRules: the change returned null for rule Early (r.yml, line 8);"
                        + " return the rule to keep it");
    }

    @Test
    void aGroupIntervalPacesItsRulesAsPrometheusPacesTheGroup() {
        RuleGroups file = RuleFiles.parse("r.yml", """
                groups:
                  - name: slow
                    interval: 1m
                    rules:
                      - record: total
                        expr: sum(backend_up)
                      - alert: Up
                        expr: backend_up > 0
                  - name: fast
                    rules:
                      - alert: TotalSeen
                        expr: total > 0
                """);
        Probe probe = new Probe("Probe", "total");
        evaluator = Evaluator.builder().source(source).interval(java.time.Duration.ofSeconds(15))
                .ruleGroups(file).rule(probe.rule).build();
        source.set(up("a", 0));
        assertThat(evaluator.evaluate(at(0))).isEmpty(); // the first evaluation runs every group
        assertThat(probe.last()).extracting(Sample::value).containsExactly(0.0);
        source.set(up("a", 1));
        for (long t = 15; t < 60; t += 15) {
            // "slow" is not due: no alert from it, its recorded series keeps its last value; "fast" runs
            assertThat(evaluator.evaluate(at(t))).as("at %d s", t).isEmpty();
            assertThat(probe.last()).extracting(Sample::value).containsExactly(0.0);
        }
        assertThat(evaluator.evaluate(at(60))).extracting(Alert::ruleName).containsExactly("Up", "TotalSeen");
        assertThat(probe.last()).extracting(Sample::value).containsExactly(1.0);
        source.set(up("a", 0));
        assertThat(evaluator.evaluate(at(75))).as("Up stays firing until its group runs again").isEmpty();
        assertThat(evaluator.alerts()).extracting(Alert::ruleName).containsExactlyInAnyOrder("Up", "TotalSeen");
        // an evaluation a little early (within half the evaluator's interval) still runs the group
        assertThat(evaluator.evaluate(T0.plusMillis(119_000))).extracting(Alert::ruleName, Alert::state)
                .containsExactlyInAnyOrder(tuple("Up", AlertState.RESOLVED), tuple("TotalSeen", AlertState.RESOLVED));
    }

    @Test
    void betweenItsGroupsRunsARuleSendsItsAlertsAgainUnlessItsLastRunFailed() {
        RuleGroups file = RuleFiles.parse("r.yml", """
                groups:
                  - name: slow
                    interval: 1m
                    rules:
                      - alert: Relabelled
                        expr: label_replace(backend_up, "backend", "x", "", "") > 0
                """);
        List<Notification> sent = new ArrayList<>();
        evaluator = Evaluator.builder().source(source).interval(java.time.Duration.ofSeconds(15)).ruleGroups(file)
                .notifier(collecting(sent)).build();
        source.set(up("a", 1));
        evaluator.evaluate(at(0));
        evaluator.evaluate(at(15));
        assertThat(sent.get(1).active()).as("not due, its last run fine: sent again").hasSize(1);
        // two series relabelled to the same label set: the run at 60 s fails, its alerts stay unsent
        source.set(up("a", 1), up("b", 1));
        evaluator.evaluate(at(60));
        evaluator.evaluate(at(75));
        assertThat(sent.get(2).active()).as("the failed run").isEmpty();
        assertThat(sent.get(3).active()).as("not due after a failed run").isEmpty();
        assertThat(evaluator.alerts()).extracting(Alert::ruleName).containsExactly("Relabelled");
    }

    @Test
    void aGroupLimitFailsTheRulesThatProduceMoreAndDropsTheAlertsSilently() {
        RuleGroups file = RuleFiles.parse("r.yml", """
                groups:
                  - name: g
                    limit: 2
                    rules:
                      - alert: Down
                        expr: backend_up == 0
                      - record: down
                        expr: backend_up == 0
                """);
        List<Notification> sent = new ArrayList<>();
        Probe probe = new Probe("Probe", "down");
        evaluator = Evaluator.builder().source(source).ruleGroups(file).rule(probe.rule)
                .notifier(collecting(sent)).build();
        source.set(up("a", 0), up("b", 0));
        assertThat(evaluator.evaluate(at(0))).hasSize(2);
        assertThat(probe.last()).hasSize(2);

        source.set(up("a", 0), up("b", 0), up("c", 0));
        List<Alert> transitions = evaluator.evaluate(at(60));

        assertThat(transitions).isEmpty(); // no RESOLVED: Prometheus drops the alerts without notifying
        assertThat(evaluator.alerts()).extracting(Alert::ruleName).doesNotContain("Down");
        assertThat(sent.get(1).active()).isEmpty();
        assertThat(probe.last()).hasSize(2); // nothing written: the previous samples are still seen
        assertThat(((dev.tocsin.core.internal.DefaultEvaluator) evaluator).lastEvaluationErrors()).containsExactly(
                Map.entry("Down", "exceeded limit of 2 with 3 alerts"),
                Map.entry("down", "exceeded limit of 2 with 3 series"));

        source.set(up("a", 0));
        assertThat(evaluator.evaluate(at(120))).singleElement()
                .satisfies(a -> assertThat(a.activeAt()).isEqualTo(at(120)));
        assertThat(probe.last()).hasSize(1);
    }

    @Test
    void seriesRecordedFromAFailedSourcesHeldDataHoldTheAlertsBuiltOnThemLikeTheHeldDataItself() {
        evaluator = Evaluator.builder().source(source)
                .recordingRule(RecordingRule.of("down", "backend_up == 0"))
                .rule(Rule.alert("ViaRecorded").expr("down").forDuration(java.time.Duration.ofMinutes(2)).build())
                .rule(Rule.alert("Direct").expr("backend_up == 0").forDuration(java.time.Duration.ofMinutes(2))
                        .build())
                .build();
        source.set(up("a", 0));
        evaluator.evaluate(at(0));
        source.fail(new IllegalStateException("down"));
        for (int i = 1; i <= 4; i++) {
            evaluator.evaluate(at(60L * i));
            // held: neither promoted to FIRING after 'for' nor resolved
            assertThat(evaluator.alerts()).extracting(Alert::ruleName, Alert::state).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple("ViaRecorded", AlertState.PENDING),
                    org.assertj.core.groups.Tuple.tuple("Direct", AlertState.PENDING));
        }
        // back: the four minutes it was held do not count towards for (the condition was not observed), so the two
        // minutes are met one minute after the source answers again (0-60 s and 240-300 s... observed: 60 s, then 120 s)
        source.set(up("a", 0));
        evaluator.evaluate(at(300));
        assertThat(evaluator.alerts()).extracting(Alert::state).containsOnly(AlertState.PENDING);
        evaluator.evaluate(at(360));
        assertThat(evaluator.alerts()).extracting(Alert::state).containsOnly(AlertState.FIRING);
    }

    @Test
    void aRecordingRuleIsCheckedWhenCreated() {
        assertThatThrownBy(() -> RecordingRule.of("x", "sum(")).isInstanceOf(ExpressionException.class);
        assertThatThrownBy(() -> RecordingRule.of("1x", "up")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1x");
        assertThatThrownBy(() -> RecordingRule.of("x", "up", Map.of("__name__", "y")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("__name__");
        assertThatThrownBy(() -> RecordingRule.of("x", "up", Map.of("a-b", "y")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a-b");
    }

    /** Property: what a recording rule records equals what its expression evaluates to (as an alert's value). */
    @Test
    void theRecordedValueEqualsTheExpressionsValue() {
        List<String> exprs = List.of("backend_up", "backend_up * 2 - 1", "sum by (backend) (backend_up)",
                "backend_up / (backend_up - 1)", "-backend_up", "max(backend_up)");
        qt().withExamples(200)
                .forAll(lists().of(integers().between(-3, 3)).ofSizeBetween(1, 6), integers().between(0, 5))
                .checkAssert((vals, e) -> {
                    String expr = exprs.get(e);
                    Probe probe = new Probe("Probe", "rec");
                    List<Sample> in = new ArrayList<>();
                    for (int i = 0; i < vals.size(); i++) {
                        in.add(up("b" + i, vals.get(i)));
                    }
                    source.set(in);
                    try (Evaluator ev = Evaluator.builder().source(source)
                            .recordingRule(RecordingRule.of("rec", expr))
                            .rule(probe.rule)
                            .rule(Rule.alert("Direct").expr(expr).build())
                            .build()) {
                        ev.evaluate(at(0));
                        Map<Labels, Double> recorded = new HashMap<>();
                        probe.last().forEach(s -> recorded.put(s.labels().toBuilder().remove("__name__").build(),
                                s.value()));
                        Map<Labels, Double> direct = new HashMap<>();
                        ev.alerts().forEach(a -> direct.put(a.labels().toBuilder().remove("alertname").build(),
                                a.value()));
                        assertThat(recorded).isEqualTo(direct); // Double.equals: NaN equals NaN here
                        assertThat(recorded).hasSize(expr.startsWith("max") ? 1 : vals.size());
                    }
                });
    }

    @Test
    void anAggregationSharedBetweenRulesIsRecomputedAfterARecordingRuleWritesWhatItReads() {
        // the same PromQL text before and after the recording rule: the second must see the freshly written series
        evaluator = Evaluator.builder().source(source)
                .rule(Rule.alert("Before").expr("count(backend_up:sum) == 1").build())
                .recordingRule(RecordingRule.of("backend_up:sum", "sum(backend_up)", Map.of()))
                .rule(Rule.alert("After").expr("count(backend_up:sum) == 1").build())
                .build();
        source.set(up("a", 1));

        List<Alert> alerts = evaluator.evaluate(at(0));

        assertThat(evaluator.alerts()).extracting(Alert::ruleName).containsExactly("After");
        assertThat(alerts).extracting(Alert::ruleName).containsExactly("After");
    }
}
