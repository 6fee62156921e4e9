package dev.tocsin.core;

import dev.tocsin.core.internal.DefaultEvaluator;
import dev.tocsin.core.internal.expr.Expression;
import dev.tocsin.core.rules.RecordingRule;
import dev.tocsin.core.testing.TestSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ALERTS} and {@code ALERTS_FOR_STATE} series the evaluator writes for pending and firing alerts, and
 * {@code timestamp()} of live and recorded series.
 */
class AlertSeriesTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final TestSource source = new TestSource("lb1:8404", "haproxy");
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

    /** A Java rule that fires nothing and keeps what it saw of {@code metric} (declared read) at each evaluation. */
    static final class Probe {
        final List<Map<Labels, Double>> seen = new ArrayList<>();
        final Rule rule;

        Probe(String name, String metric) {
            rule = Rule.alert(name).reads(metric).condition(m -> {
                Map<Labels, Double> v = new HashMap<>();
                m.series(metric).forEach(s -> v.put(s.labels(), s.value()));
                seen.add(v);
                return List.of();
            }).build();
        }

        Map<Labels, Double> last() {
            return seen.get(seen.size() - 1);
        }
    }

    static Labels alerts(String state, String backend) {
        return Labels.of("__name__", "ALERTS", "alertname", "Down", "alertstate", state, "backend", backend,
                "instance", "lb1:8404", "job", "haproxy", "severity", "critical");
    }

    static Labels forState(String backend) {
        return Labels.of("__name__", "ALERTS_FOR_STATE", "alertname", "Down", "backend", backend,
                "instance", "lb1:8404", "job", "haproxy", "severity", "critical");
    }

    static Rule down() {
        return Rule.alert("Down").expr("backend_up == 0").forDuration(Duration.ofMinutes(1))
                .label("severity", "critical").build();
    }

    Map<Labels, Double> query(String expr, Instant at) {
        Map<Labels, Double> out = new HashMap<>();
        ((DefaultEvaluator) evaluator).query(Expression.parse(expr), at).samples()
                .forEach(s -> out.put(s.labels(), s.value()));
        return out;
    }

    @Test
    void pendingThenFiringAlertsAreWrittenForTheRulesAfterTheirRuleAndGoStaleWhenTheAlertResolves() {
        Probe before = new Probe("Before", "ALERTS");
        Probe after = new Probe("After", "ALERTS");
        Probe since = new Probe("Since", "ALERTS_FOR_STATE");
        evaluator = Evaluator.builder().source(source).rule(before.rule).rule(down()).rule(after.rule)
                .rule(since.rule).build();
        source.set(up("a", 0), up("b", 1));
        evaluator.evaluate(at(0));
        assertThat(before.last()).isEmpty();
        assertThat(after.last()).containsExactly(Map.entry(alerts("pending", "a"), 1.0));
        assertThat(since.last()).containsExactly(Map.entry(forState("a"), (double) T0.getEpochSecond()));

        evaluator.evaluate(at(60));
        // the rule before Down sees the previous evaluation's series; the pending one is stale now
        assertThat(before.last()).containsExactly(Map.entry(alerts("pending", "a"), 1.0));
        assertThat(after.last()).containsExactly(Map.entry(alerts("firing", "a"), 1.0));
        assertThat(since.last()).containsExactly(Map.entry(forState("a"), (double) T0.getEpochSecond()));

        source.set(up("a", 1), up("b", 1));
        evaluator.evaluate(at(120));
        assertThat(evaluator.alerts()).extracting(Alert::state).containsExactly(AlertState.RESOLVED);
        // a resolved alert writes nothing
        assertThat(after.last()).isEmpty();
        assertThat(since.last()).isEmpty();
        assertThat(before.last()).containsExactly(Map.entry(alerts("firing", "a"), 1.0));
        evaluator.evaluate(at(180));
        assertThat(before.last()).isEmpty();
    }

    @Test
    void aRangeOverAlertsSeesPastStatesAndTheStalenessMarker() {
        evaluator = Evaluator.builder().source(source).rule(down())
                .rule(Rule.alert("Flapped").expr("count_over_time(ALERTS{alertname=\"Down\"}[10m])").build())
                .build();
        source.set(up("a", 0));
        evaluator.evaluate(at(0));
        evaluator.evaluate(at(60));
        evaluator.evaluate(at(120));
        source.set(up("a", 1));
        evaluator.evaluate(at(180));

        assertThat(evaluator.alerts()).filteredOn(a -> a.ruleName().equals("Flapped"))
                .extracting(a -> a.labels().get("alertstate"), Alert::value)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("pending", 1.0),
                        org.assertj.core.groups.Tuple.tuple("firing", 2.0));
    }

    @Test
    void nothingIsWrittenWhileNoRuleReadsTheAlertSeries() {
        evaluator = Evaluator.builder().source(source).rule(down()).build();
        source.set(up("a", 0));
        evaluator.evaluate(at(0));
        assertThat(query("ALERTS", at(0))).isEmpty();

        Probe reader = new Probe("Reader", "ALERTS");
        evaluator.addRule(reader.rule);
        evaluator.evaluate(at(60));
        assertThat(reader.last()).containsExactly(Map.entry(alerts("firing", "a"), 1.0));

        // once nobody reads them again, they are dropped
        evaluator.removeRule("Reader");
        evaluator.evaluate(at(120));
        assertThat(query("ALERTS", at(120))).isEmpty();
    }

    @Test
    void aRemovedRulesAlertSeriesAreGoneAtTheNextEvaluation() {
        Probe reader = new Probe("Reader", "ALERTS");
        evaluator = Evaluator.builder().source(source).rule(reader.rule).rule(down()).build();
        source.set(up("a", 0));
        evaluator.evaluate(at(0));
        evaluator.evaluate(at(60));
        assertThat(reader.last()).containsExactly(Map.entry(alerts("pending", "a"), 1.0));

        evaluator.removeRule("Down");
        evaluator.evaluate(at(120));
        assertThat(reader.last()).isEmpty();
    }

    @Test
    void aRuleReadingAlertsStillGetsEveryMetricItNeedsFromTheSources() {
        MetricInterestTest.FilteringSource filtering = new MetricInterestTest.FilteringSource();
        evaluator = Evaluator.builder().source(filtering).rule(down())
                .rule(Rule.alert("Paged").expr("ALERTS{alertstate=\"firing\"} unless on(backend) queue > 10")
                        .build())
                .build();
        evaluator.evaluate(at(0));
        evaluator.evaluate(at(60));

        MetricInterest asked = filtering.calls.get(filtering.calls.size() - 1);
        assertThat(asked.includes("backend_up")).isTrue();
        assertThat(asked.includes("queue")).isTrue();
        assertThat(asked.includes("server_up")).isFalse();
        assertThat(evaluator.alerts()).filteredOn(a -> a.ruleName().equals("Paged"))
                .extracting(a -> a.labels().get("backend"), Alert::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", AlertState.FIRING));
    }

    @Test
    void timestampOfALiveSeriesIsJustBeforeTheEvaluationAndOfARecordedSeriesTheEvaluationThatWroteIt() {
        evaluator = Evaluator.builder().source(source)
                .recordingRule(RecordingRule.of("backends:up", "sum(backend_up)"))
                .build();
        source.set(up("a", 1));
        evaluator.evaluate(at(0));
        evaluator.evaluate(at(60));

        // a source's sample lands 1 ms before the evaluation that reads it, as a scrape before a rule evaluation
        assertThat(query("timestamp(backend_up)", at(90)).values()).containsExactly(89.999 + T0.getEpochSecond());
        assertThat(query("timestamp(backends:up)", at(90)).values()).containsExactly(60.0 + T0.getEpochSecond());
        assertThat(query("timestamp(backends:up * 2)", at(90)).values())
                .containsExactly(90.0 + T0.getEpochSecond());
    }
}
