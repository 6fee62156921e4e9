package dev.tocsin.core;

import dev.tocsin.core.internal.expr.BoundedRegex;
import dev.tocsin.core.testing.RecordingListener;
import dev.tocsin.core.testing.SmallStack;
import dev.tocsin.core.testing.TestSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EvaluatorTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final TestSource source = new TestSource("lb1:8404", "haproxy", "haproxy_up");
    final RecordingListener listener = new RecordingListener();
    final List<Notification> notifications = new ArrayList<>();
    Evaluator evaluator;

    /** Java condition: series of {@code metric} whose value is 0. */
    static RuleCondition isZero(String metric) {
        return m -> m.series(metric).stream().filter(s -> s.value() == 0).collect(Collectors.toList());
    }

    static Sample up(String backend, double v) {
        return Sample.of("backend_up", v, "backend", backend);
    }

    Evaluator build(Rule... rules) {
        Evaluator.Builder b = Evaluator.builder().source(source).listener(listener)
                .notifier(new Notifier() {
                    @Override
                    public void accept(Notification n) {
                        notifications.add(n);
                    }

                    @Override
                    public void close() {
                    }
                });
        for (Rule r : rules) {
            b.rule(r);
        }
        evaluator = b.build();
        return evaluator;
    }

    @AfterEach
    void close() {
        if (evaluator != null) {
            evaluator.close();
        }
    }

    static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void forZeroFiresInTheSameEvaluationWithOnlyAFiringTransition() {
        build(Rule.alert("Down").condition(isZero("backend_up")).label("severity", "critical").build());
        source.set(up("app", 0), up("web", 1));

        List<Alert> t = evaluator.evaluate(at(0));

        assertThat(t).hasSize(1);
        Alert a = t.get(0);
        assertThat(a.state()).isEqualTo(AlertState.FIRING);
        assertThat(a.labels()).isEqualTo(Labels.of("alertname", "Down", "backend", "app", "instance", "lb1:8404",
                "job", "haproxy", "severity", "critical"));
        assertThat(a.activeAt()).isEqualTo(at(0));
        assertThat(a.firedAt()).contains(at(0));
        assertThat(a.resolvedAt()).isEmpty();
        assertThat(listener.events()).containsExactly(a);
    }

    @Test
    void pendingUntilForElapsesThenFiringKeepingActiveAt() {
        build(Rule.alert("Down").condition(isZero("backend_up")).forDuration(Duration.ofMinutes(1)).build());
        source.set(up("app", 0));

        assertThat(evaluator.evaluate(at(0))).singleElement()
                .satisfies(a -> assertThat(a.state()).isEqualTo(AlertState.PENDING));
        assertThat(evaluator.evaluate(at(30))).isEmpty();
        assertThat(evaluator.alerts()).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo(AlertState.PENDING);
            assertThat(a.activeAt()).isEqualTo(at(0));
        });
        assertThat(evaluator.evaluate(at(59))).isEmpty();
        List<Alert> t = evaluator.evaluate(at(60));
        assertThat(t).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo(AlertState.FIRING);
            assertThat(a.activeAt()).isEqualTo(at(0));
            assertThat(a.firedAt()).contains(at(60));
        });
    }

    @Test
    void pendingIsDroppedAtOnceWithoutTransitionAndForRestarts() {
        build(Rule.alert("Down").condition(isZero("backend_up")).forDuration(Duration.ofMinutes(1)).build());
        source.set(up("app", 0));
        evaluator.evaluate(at(0));
        source.set(up("app", 1));
        assertThat(evaluator.evaluate(at(30))).isEmpty();
        assertThat(evaluator.alerts()).isEmpty();
        source.set(up("app", 0));
        assertThat(evaluator.evaluate(at(45))).singleElement()
                .satisfies(a -> assertThat(a.activeAt()).isEqualTo(at(45)));
        assertThat(evaluator.evaluate(at(90))).isEmpty();
        assertThat(evaluator.evaluate(at(105))).singleElement()
                .satisfies(a -> assertThat(a.state()).isEqualTo(AlertState.FIRING));
    }

    @Test
    void firingResolvesAndIsRetainedFifteenMinutes() {
        build(Rule.alert("Down").condition(isZero("backend_up")).build());
        source.set(up("app", 0));
        evaluator.evaluate(at(0));
        source.set(up("app", 1));

        assertThat(evaluator.evaluate(at(10))).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo(AlertState.RESOLVED);
            assertThat(a.resolvedAt()).contains(at(10));
            assertThat(a.firedAt()).contains(at(0));
        });
        assertThat(evaluator.evaluate(at(10 + 15 * 60))).isEmpty();
        assertThat(evaluator.alerts()).singleElement()
                .satisfies(a -> assertThat(a.state()).isEqualTo(AlertState.RESOLVED));
        assertThat(notifications.get(notifications.size() - 1).active()).hasSize(1);
        evaluator.evaluate(at(10 + 15 * 60 + 1));
        assertThat(evaluator.alerts()).isEmpty();
        assertThat(notifications.get(notifications.size() - 1).active()).isEmpty();
    }

    @Test
    void retainedResolvedAlertThatReturnsStartsFresh() {
        build(Rule.alert("Down").condition(isZero("backend_up")).forDuration(Duration.ofSeconds(20)).build());
        source.set(up("app", 0));
        evaluator.evaluate(at(0));
        evaluator.evaluate(at(20));
        source.set(up("app", 1));
        evaluator.evaluate(at(30));
        source.set(up("app", 0));
        List<Alert> t = evaluator.evaluate(at(40));
        assertThat(t).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo(AlertState.PENDING);
            assertThat(a.activeAt()).isEqualTo(at(40));
            assertThat(a.firedAt()).isEmpty();
            assertThat(a.resolvedAt()).isEmpty();
        });
        assertThat(evaluator.evaluate(at(50))).isEmpty();
        assertThat(evaluator.evaluate(at(60))).singleElement()
                .satisfies(a -> assertThat(a.firedAt()).contains(at(60)));
    }

    @Test
    void keepFiringForHoldsAFiringAlertAndResetsWhenTheSeriesReturns() {
        build(Rule.alert("Down").condition(isZero("backend_up")).keepFiringFor(Duration.ofSeconds(30)).build());
        source.set(up("app", 0));
        evaluator.evaluate(at(0));
        source.set(up("app", 1));
        assertThat(evaluator.evaluate(at(10))).isEmpty(); // keepFiringSince = 10
        assertThat(evaluator.evaluate(at(39))).isEmpty();
        source.set(up("app", 0));
        assertThat(evaluator.evaluate(at(45))).isEmpty(); // back: reset
        source.set(up("app", 1));
        assertThat(evaluator.evaluate(at(50))).isEmpty(); // keepFiringSince = 50
        assertThat(evaluator.evaluate(at(79))).isEmpty();
        assertThat(evaluator.evaluate(at(80))).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo(AlertState.RESOLVED);
            assertThat(a.resolvedAt()).contains(at(80));
        });
    }

    @Test
    void keepFiringForDoesNotApplyToPending() {
        build(Rule.alert("Down").condition(isZero("backend_up")).forDuration(Duration.ofMinutes(1))
                .keepFiringFor(Duration.ofMinutes(5)).build());
        source.set(up("app", 0));
        evaluator.evaluate(at(0));
        source.set(up("app", 1));
        evaluator.evaluate(at(10));
        assertThat(evaluator.alerts()).isEmpty();
    }

    @Test
    void labelAssemblyDropsNameRuleLabelsWinEmptyRemovedAlertnameLast() {
        build(Rule.alert("Down").condition(m -> List.of(Sample.of("backend_up", 0, "backend", "app",
                        "severity", "low", "team", "x", "alertname", "spoofed")))
                .label("severity", "critical").label("team", "").label("alertname", "Other").build());
        Alert a = evaluator.evaluate(at(0)).get(0);
        assertThat(a.labels()).isEqualTo(Labels.of("alertname", "Down", "backend", "app", "severity", "critical"));
        assertThat(a.labels().has("__name__")).isFalse();
    }

    @Test
    void duplicateLabelSetsFailThatRulesEvaluationOnly() {
        Rule dup = Rule.alert("Dup").condition(m -> List.of(Sample.of("a", 0, "x", "1"), Sample.of("b", 0, "x", "1")))
                .build();
        Rule ok = Rule.alert("Ok").condition(isZero("backend_up")).build();
        build(dup, ok);
        source.set(up("app", 0));
        List<Alert> t = evaluator.evaluate(at(0));
        assertThat(t).extracting(Alert::ruleName).containsExactly("Ok");
    }

    @Test
    void failingRuleChangesNothingAndOthersGoOn() {
        boolean[] fail = {false};
        Rule flaky = Rule.alert("Flaky").condition(m -> {
            if (fail[0]) {
                throw new IllegalStateException("boom");
            }
            return isZero("backend_up").evaluate(m);
        }).build();
        build(flaky, Rule.alert("Other").condition(isZero("backend_up")).build());
        source.set(up("app", 0));
        evaluator.evaluate(at(0));
        fail[0] = true;
        source.set(up("app", 1));
        List<Alert> t = evaluator.evaluate(at(10));
        assertThat(t).extracting(Alert::ruleName).containsExactly("Other");
        assertThat(evaluator.alerts()).filteredOn(a -> a.ruleName().equals("Flaky")).singleElement()
                .satisfies(a -> assertThat(a.state()).isEqualTo(AlertState.FIRING));
    }

    @Test
    void aRegexThatBacktracksOrRecursesWithoutEndFailsOnlyItsRule() throws Exception {
        // java.util.regex would take ages on the first and overflow the stack on the second; RE2 does neither
        build(Rule.alert("Backtracks").expr("backend_up{backend=~\"(.*a){20}\"} == 0").build(),
                Rule.alert("Recurses").expr("backend_up{backend=~\"(a|b)*\"} == 0").build(),
                Rule.alert("Other").expr("backend_up == 0").build());
        source.set(up("a".repeat(44) + "c", 0), up("ab".repeat(200_000), 0));
        // on a small stack, so that (a|b)* overflows it whatever the runner's -Xss
        List<Alert> t = SmallStack.call(() -> evaluator.evaluate(at(0)));
        assertThat(t).extracting(Alert::ruleName).containsExactly("Other", "Other");
        // and it keeps failing alone, evaluation after evaluation
        assertThat(SmallStack.call(() -> evaluator.evaluate(at(10)))).isEmpty();
        assertThat(evaluator.alerts()).extracting(Alert::ruleName).containsOnly("Other");
    }

    @Test
    void theRegexBudgetOfARuleEvaluationCoversItsTemplatesAndFailsItWhole() {
        // each match of "a.*b" over a 1,300-character value reads about 850,000 characters; ten alerts need more than
        // this budget, so the rule fails as a whole: no alert gets an error text in place of its annotation
        long before = BoundedRegex.evaluationStepsForTests(5_000_000);
        try {
            build(Rule.alert("Heavy").expr("backend_up == 0")
                            .annotation("m", "{{ if match \"a.*b\" $labels.backend }}y{{ else }}n{{ end }}").build(),
                    Rule.alert("Other").expr("backend_up == 0").build());
            List<Sample> down = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                down.add(up("a".repeat(1300) + i, 0));
            }
            source.set(down.toArray(new Sample[0]));
            List<Alert> t = evaluator.evaluate(at(0));
            assertThat(t).extracting(Alert::ruleName).containsOnly("Other").hasSize(10);
            // a new evaluation gets a new budget; with the real one, every alert is there with its annotation
            BoundedRegex.evaluationStepsForTests(before);
            assertThat(evaluator.evaluate(at(10))).extracting(Alert::ruleName).containsOnly("Heavy").hasSize(10);
            assertThat(evaluator.alerts()).filteredOn(a -> a.ruleName().equals("Heavy"))
                    .extracting(a -> a.annotations().get("m")).containsOnly("n");
        } finally {
            BoundedRegex.evaluationStepsForTests(before);
        }
    }

    @Test
    void listenerExceptionsAreIsolated() {
        RecordingListener second = new RecordingListener();
        evaluator = Evaluator.builder().source(source)
                .listener(a -> {
                    throw new RuntimeException("listener bug");
                })
                .listener(second)
                .rule(Rule.alert("Down").condition(isZero("backend_up")).build()).build();
        source.set(up("app", 0));
        assertThat(evaluator.evaluate(at(0))).hasSize(1);
        assertThat(second.events()).hasSize(1);
    }

    @Test
    void sourceLabelsAddedUnlessPresentAndHealthSeriesPublished() {
        List<MetricsView> seen = new ArrayList<>();
        build(Rule.alert("Probe").condition(m -> {
            seen.add(m);
            return List.of();
        }).build());
        source.set(up("app", 1), Sample.of("backend_up", 1, "backend", "web", "instance", "other:1"));
        evaluator.evaluate(at(0));
        MetricsView m = seen.get(0);
        assertThat(m.series("backend_up")).extracting(Sample::labels).containsExactlyInAnyOrder(
                Labels.of("__name__", "backend_up", "backend", "app", "instance", "lb1:8404", "job", "haproxy"),
                Labels.of("__name__", "backend_up", "backend", "web", "instance", "other:1", "job", "haproxy"));
        assertThat(m.series("haproxy_up")).containsExactly(
                new Sample(Labels.of("__name__", "haproxy_up", "instance", "lb1:8404", "job", "haproxy"), 1));
    }

    @Test
    void failedSourceHoldsItsAlertsAndHealthDropsAtOnce() {
        build(Rule.alert("Down").condition(isZero("backend_up")).build(),
                Rule.alert("Slow").condition(isZero("backend_up")).forDuration(Duration.ofMinutes(1)).build(),
                Rule.alert("HaproxyDown").condition(isZero("haproxy_up")).build());
        source.set(up("app", 0));
        evaluator.evaluate(at(0));
        source.fail(new IllegalStateException("connection refused"));

        List<Alert> t = evaluator.evaluate(at(10));
        assertThat(t).extracting(Alert::ruleName).containsExactly("HaproxyDown");
        // Slow stays pending (frozen) although its for has elapsed while the source is down
        assertThat(evaluator.evaluate(at(70))).isEmpty();
        assertThat(evaluator.alerts()).extracting(a -> a.ruleName() + ":" + a.state()).containsExactlyInAnyOrder(
                "Down:FIRING", "Slow:PENDING", "HaproxyDown:FIRING");

        // past the staleness limit (5 min after the last good read) the series count as gone
        List<Alert> late = evaluator.evaluate(at(301));
        assertThat(late).extracting(a -> a.ruleName() + ":" + a.state()).containsExactly("Down:RESOLVED");

        source.set(up("app", 0));
        List<Alert> back = evaluator.evaluate(at(310));
        assertThat(back).extracting(a -> a.ruleName() + ":" + a.state())
                .containsExactlyInAnyOrder("Down:FIRING", "Slow:PENDING", "HaproxyDown:RESOLVED");
    }

    /**
     * A rule over a range holds too: while its source fails, the range is read as of the last good read, so the alert
     * neither fades out when no sample enters the window (it used to resolve one range into the outage) nor moves.
     */
    @Test
    void failedSourceHoldsARangeRulesAlert() {
        build(Rule.alert("Busy").expr("rate(req_total[1m]) > 1").build());
        for (int i = 0; i <= 6; i++) {
            source.set(Sample.of("req_total", 100.0 * i));
            evaluator.evaluate(at(10 * i));
        }
        assertThat(evaluator.alerts()).extracting(a -> a.ruleName() + ":" + a.state()).containsExactly("Busy:FIRING");
        double before = evaluator.alerts().get(0).value();
        source.fail(new IllegalStateException("connection refused"));
        for (int i = 7; i <= 25; i++) { // three minutes down: three ranges
            assertThat(evaluator.evaluate(at(10 * i))).as("at %d s", 10 * i).isEmpty();
        }
        assertThat(evaluator.alerts()).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo(AlertState.FIRING);
            assertThat(a.value()).isEqualTo(before);
        });
        // back, and flat: the rate falls to 0 and the alert resolves on real data
        source.set(Sample.of("req_total", 600));
        for (int i = 26; i <= 40; i++) {
            evaluator.evaluate(at(10 * i));
        }
        assertThat(evaluator.alerts()).extracting(a -> a.ruleName() + ":" + a.state())
                .containsExactly("Busy:RESOLVED");
    }

    @Test
    void failedSourceNeverStartsAnAlert() {
        build(Rule.alert("High").condition(m -> m.series("load").stream().filter(s -> s.value() > 5)
                .collect(Collectors.toList())).build());
        source.set(Sample.of("load", 1));
        evaluator.evaluate(at(0));
        source.fail(new IllegalStateException("timeout"));
        assertThat(evaluator.evaluate(at(10))).isEmpty();
        assertThat(evaluator.alerts()).isEmpty();
    }

    @Test
    void withoutHoldAFailedSourceResolvesLikePrometheus() {
        evaluator = Evaluator.builder().source(source).holdOnSourceFailure(false)
                .rule(Rule.alert("Down").condition(isZero("backend_up")).build()).build();
        source.set(up("app", 0));
        evaluator.evaluate(at(0));
        source.fail(new IllegalStateException("refused"));
        assertThat(evaluator.evaluate(at(10))).singleElement()
                .satisfies(a -> assertThat(a.state()).isEqualTo(AlertState.RESOLVED));
    }

    @Test
    void notificationsCarryTransitionsAndSendableAlertsOnly() {
        build(Rule.alert("Down").condition(isZero("backend_up")).build(),
                Rule.alert("Slow").condition(isZero("backend_up")).forDuration(Duration.ofMinutes(1)).build());
        source.set(up("app", 0));
        evaluator.evaluate(at(0));
        Notification n = notifications.get(0);
        assertThat(n.time()).isEqualTo(at(0));
        assertThat(n.transitions()).extracting(Alert::state)
                .containsExactlyInAnyOrder(AlertState.FIRING, AlertState.PENDING);
        assertThat(n.active()).extracting(Alert::ruleName).containsExactly("Down");
    }

    @Test
    void addAndRemoveRules() {
        build();
        source.set(up("app", 0));
        assertThat(evaluator.evaluate(at(0))).isEmpty();
        evaluator.addRule(Rule.alert("Down").condition(isZero("backend_up")).build());
        assertThat(evaluator.evaluate(at(5))).hasSize(1);
        assertThat(evaluator.removeRule("Down")).isTrue();
        assertThat(evaluator.alerts()).isEmpty();
        assertThat(evaluator.rules()).isEmpty();
        assertThat(evaluator.evaluate(at(10))).isEmpty();
        assertThat(evaluator.removeRule("Down")).isFalse();
    }

    @Test
    void runbookAndContextAreAttached() {
        Runbook rb = Runbook.builder("Down").summary("s").diagnosisStep("look").build();
        build(Rule.alert("Down").condition(isZero("backend_up")).runbook(rb)
                .context((labels, m) -> Map.of("why", "backend " + labels.get("backend"))).build());
        source.set(up("app", 0));
        Alert a = evaluator.evaluate(at(0)).get(0);
        assertThat(a.runbook()).contains(rb);
        assertThat(a.context()).containsEntry("why", "backend app");
    }

    @Test
    void invalidConfigurationIsRejected() {
        assertThatThrownBy(() -> Rule.alert("").condition(isZero("x")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alert name");
        assertThat(Rule.alert("HaproxyBackendMaxActiveSession>80%").condition(isZero("x")).build().name())
                .isEqualTo("HaproxyBackendMaxActiveSession>80%");
        assertThatThrownBy(() -> Rule.alert("A").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly one");
        assertThatThrownBy(() -> Rule.alert("A").condition(isZero("x")).label("bad-label", "v").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad-label");
        assertThatThrownBy(() -> Rule.alert("A").forDuration(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Evaluator.builder().source(source).source(new TestSource("lb1:8404", "haproxy"))
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("share");
        Evaluator e = Evaluator.builder().build();
        e.close();
        assertThatThrownBy(() -> e.evaluate(at(0))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void ruleWhoseRunbookThrowsIsRejectedAtRegistration() {
        Rule bad = new Rule() {
            @Override
            public String name() {
                return "Bad";
            }

            @Override
            public List<Sample> evaluate(MetricsView metrics) {
                return List.of();
            }

            @Override
            public java.util.Optional<Runbook> runbook() {
                throw new IllegalStateException("boom");
            }
        };
        build();
        assertThatThrownBy(() -> evaluator.addRule(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Bad").hasMessageContaining("runbook");
    }

    @Test
    void contextWithNullEntriesOrFailuresDoesNotStopOtherRules() {
        Map<String, String> withNull = new java.util.HashMap<>();
        withNull.put(null, "x");
        withNull.put("ok", "1");
        withNull.put("nullValue", null);
        build(Rule.alert("Nulls").condition(isZero("backend_up")).context((l, m) -> withNull).build(),
                Rule.alert("Throws").condition(isZero("backend_up")).context((l, m) -> {
                    throw new IllegalStateException("context bug");
                }).build(),
                Rule.alert("Other").condition(isZero("backend_up")).build());
        source.set(up("app", 0));
        List<Alert> t = evaluator.evaluate(at(0));
        assertThat(t).extracting(Alert::ruleName).containsExactly("Nulls", "Throws", "Other");
        assertThat(t.get(0).context()).containsExactly(Map.entry("ok", "1"));
        assertThat(t.get(1).context()).isEmpty();
    }

    @Test
    void aRuleWhoseEvaluationFailsSendsNothingThatCycle() {
        boolean[] fail = {false};
        build(Rule.alert("Flaky").condition(m -> {
            if (fail[0]) {
                throw new IllegalStateException("query failed");
            }
            return isZero("backend_up").evaluate(m);
        }).build());
        source.set(up("app", 0));
        evaluator.evaluate(at(0));
        assertThat(notifications.get(0).active()).hasSize(1);
        fail[0] = true;
        evaluator.evaluate(at(10));
        assertThat(notifications.get(1).active()).isEmpty();
        assertThat(evaluator.alerts()).singleElement()
                .satisfies(a -> assertThat(a.state()).isEqualTo(AlertState.FIRING));
    }

    @Test
    void heldSourceFreezesJavaRulesThatBuildNewSamples() {
        // the condition derives new samples (an extra label) from the source's series
        build(Rule.alert("Derived").forDuration(Duration.ofSeconds(30)).condition(m -> m.series("backend_up")
                .stream().filter(s -> s.value() == 0)
                .map(s -> new Sample(s.labels().with("derived", "yes"), s.value()))
                .collect(Collectors.toList())).build());
        source.set(up("app", 0));
        assertThat(evaluator.evaluate(at(0))).singleElement()
                .satisfies(a -> assertThat(a.state()).isEqualTo(AlertState.PENDING));
        source.fail(new IllegalStateException("down"));
        assertThat(evaluator.evaluate(at(30))).isEmpty();
        assertThat(evaluator.alerts()).singleElement()
                .satisfies(a -> assertThat(a.state()).isEqualTo(AlertState.PENDING));
    }

    @Test
    void alertsAreOrderedByRuleThenLabels() {
        build(Rule.alert("B").condition(isZero("backend_up")).build(),
                Rule.alert("A").condition(isZero("backend_up")).build());
        source.set(up("zeta", 0), up("alpha", 0));
        evaluator.evaluate(at(0));
        assertThat(evaluator.alerts()).extracting(a -> a.ruleName() + "/" + a.labels().get("backend"))
                .containsExactly("B/alpha", "B/zeta", "A/alpha", "A/zeta");
    }

    @Test
    void aSlowSourceDoesNotDelayTheOthers() {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        MetricSource slow = new MetricSource() {
            @Override
            public String instance() {
                return "slow:1";
            }

            @Override
            public String job() {
                return "haproxy";
            }

            @Override
            public String healthMetric() {
                return "haproxy_up";
            }

            @Override
            public List<Sample> collect() throws Exception {
                release.await();
                return List.of();
            }
        };
        evaluator = Evaluator.builder().source(source).source(slow).interval(Duration.ofMillis(200))
                .rule(Rule.alert("Down").condition(isZero("backend_up")).build())
                .rule(Rule.alert("HaproxyDown").condition(isZero("haproxy_up")).build()).build();
        source.set(up("app", 0));
        try {
            long start = System.nanoTime();
            List<Alert> t = evaluator.evaluate(at(0));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(t).extracting(a -> a.ruleName() + ":" + a.labels().get("instance"))
                    .containsExactlyInAnyOrder("Down:lb1:8404", "HaproxyDown:slow:1");
            assertThat(tookMillis).as("bounded by the interval, not by the slow source").isLessThan(10_000);
            // the next cycle does not start a second read of the still-busy source
            assertThat(evaluator.evaluate(at(5))).isEmpty();
        } finally {
            release.countDown();
        }
    }

    @Test
    void aRuleExposesTheExpressionItWasBuiltWith() {
        Rule promql = Rule.alert("Down").expr("haproxy_backend_up  ==  0").build();
        Rule java = Rule.alert("Down").condition(isZero("backend_up")).build();

        assertThat(promql.expr()).contains("haproxy_backend_up  ==  0");
        assertThat(java.expr()).isEmpty();
    }
}
