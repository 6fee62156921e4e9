package dev.tocsin.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tocsin.core.testing.TestSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/** {@link Rule#from(Rule)}: a copy of a rule (a preset, say) with some settings changed. */
class RuleFromTest {

    private static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

    private static final Runbook RUNBOOK = Runbook.builder("Down").summary("s").diagnosisStep("look").build();

    private static final Rule PRESET = Rule.alert("Down").expr("svc_up == 0").forDuration(Duration.ofMinutes(1))
            .keepFiringFor(Duration.ofSeconds(30)).label("severity", "critical").label("team", "edge")
            .annotation("summary", "{{ $labels.instance }} is down").runbook(RUNBOOK)
            .context((labels, m) -> Map.of("seen", "yes")).reads("extra_metric").build();

    @Test
    void aCopyKeepsEverythingButWhatIsChanged() {
        Rule copy = Rule.from(PRESET).forDuration(Duration.ofMinutes(2)).label("severity", "warning").build();
        assertThat(copy.name()).isEqualTo("Down");
        assertThat(copy.expr()).isEqualTo(PRESET.expr());
        assertThat(copy.forDuration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(copy.keepFiringFor()).isEqualTo(Duration.ofSeconds(30));
        assertThat(copy.labels()).containsExactly(Map.entry("severity", "warning"), Map.entry("team", "edge"));
        assertThat(copy.annotations()).isEqualTo(PRESET.annotations());
        assertThat(copy.runbook()).containsSame(RUNBOOK);
        assertThat(copy.reads()).isEqualTo(PRESET.reads());
        // the original is untouched
        assertThat(PRESET.forDuration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(PRESET.labels()).containsEntry("severity", "critical");
    }

    @Test
    void theCopyIsEvaluatedWithItsOwnForAndKeepsTheContext() throws Exception {
        Rule copy = Rule.from(PRESET).forDuration(Duration.ofMinutes(2)).build();
        TestSource source = new TestSource("lb:8404", "haproxy").set(Sample.of("svc_up", 0));
        try (Evaluator ev = Evaluator.builder().source(source).rule(copy).build()) {
            assertThat(ev.evaluate(T0)).extracting(Alert::state).containsExactly(AlertState.PENDING);
            assertThat(ev.evaluate(T0.plus(Duration.ofMinutes(1)))).isEmpty();
            List<Alert> fired = ev.evaluate(T0.plus(Duration.ofMinutes(2)));
            assertThat(fired).singleElement().satisfies(a -> {
                assertThat(a.state()).isEqualTo(AlertState.FIRING);
                assertThat(a.annotations()).containsEntry("summary", "lb:8404 is down");
                assertThat(a.context()).containsEntry("seen", "yes");
                assertThat(a.runbook()).containsSame(RUNBOOK);
            });
        }
    }

    @Test
    void anExpressionOrAConditionReplacesTheOther() throws Exception {
        Rule byCondition = Rule.from(PRESET).forDuration(Duration.ZERO)
                .condition(m -> m.series("svc_up").stream().filter(s -> s.value() == 1).collect(Collectors.toList()))
                .build();
        assertThat(byCondition.expr()).isEmpty();
        Rule backToExpr = Rule.from(byCondition).expr("svc_up == 1").build();
        assertThat(backToExpr.expr()).contains("svc_up == 1");
        TestSource source = new TestSource("lb:8404", "haproxy").set(Sample.of("svc_up", 1));
        try (Evaluator ev = Evaluator.builder().source(source).rule(byCondition).build()) {
            assertThat(ev.evaluate(T0)).extracting(Alert::state).containsExactly(AlertState.FIRING);
        }
        // the new condition reads svc_up, which the preset did not declare (its reads were its context's): the copy
        // does not keep them, or its condition would see nothing
        assertThat(byCondition.reads()).isEmpty();
        Rule narrowed = Rule.from(PRESET).condition(m -> m.series("svc_up")).reads("svc_up").build();
        assertThat(narrowed.reads()).contains(java.util.Set.of("svc_up"));
        // a fresh builder still refuses both
        assertThatThrownBy(() -> Rule.alert("Both").expr("up").condition(m -> List.of()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one of");
    }

    @Test
    void aHostImplementationIsCopiedThroughItsMethods() throws Exception {
        Rule host = new Rule() {
            @Override
            public String name() {
                return "HostRule";
            }

            @Override
            public List<Sample> evaluate(MetricsView metrics) {
                return metrics.series("svc_up").stream().filter(s -> s.value() == 0).collect(Collectors.toList());
            }

            @Override
            public Map<String, String> annotations() {
                return Map.of("summary", "down");
            }

            @Override
            public Map<String, String> context(Labels alertLabels, MetricsView metrics) {
                return Map.of("from", "host");
            }

            @Override
            public Optional<Set<String>> reads() {
                return Optional.of(Set.of("svc_up"));
            }
        };
        Rule copy = Rule.from(host).forDuration(Duration.ofSeconds(10)).build();
        assertThat(copy.reads()).contains(Set.of("svc_up"));
        TestSource source = new TestSource("lb:8404", "haproxy").set(Sample.of("svc_up", 0));
        try (Evaluator ev = Evaluator.builder().source(source).rule(copy).build()) {
            assertThat(ev.evaluate(T0)).extracting(Alert::state).containsExactly(AlertState.PENDING);
            assertThat(ev.evaluate(T0.plusSeconds(10))).singleElement().satisfies(a -> {
                assertThat(a.state()).isEqualTo(AlertState.FIRING);
                assertThat(a.annotations()).containsEntry("summary", "down");
                assertThat(a.context()).containsEntry("from", "host");
            });
        }
    }

    @Test
    void delegatingToAnExpressionRuleFailsWithAMessageThatSaysWhatToDo() {
        assertThatThrownBy(() -> PRESET.evaluate(Mockito.mock(MetricsView.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rule Down: an expression rule is evaluated by the evaluator itself")
                .hasMessageContaining("Rule.from(rule)");
    }

    @Test
    void aHostImplementationsOnDemandReadsStayOnDemand() {
        Rule declared = host(Optional.of(Set.of("svc_up", "server_up")), Set.of("server_up"));
        Rule copy = Rule.from(declared).build();
        assertThat(copy.reads()).isEqualTo(declared.reads());
        assertThat(copy.readsOnDemand()).isEqualTo(Set.of("server_up"));
        // reading anything stays reading anything: the on-demand names must not narrow it
        Rule anything = host(Optional.empty(), Set.of("server_up"));
        assertThat(Rule.from(anything).build().reads()).isEmpty();
    }

    private static Rule host(Optional<Set<String>> reads, Set<String> onDemand) {
        return new Rule() {
            @Override
            public String name() {
                return "Host";
            }

            @Override
            public List<Sample> evaluate(MetricsView metrics) {
                return List.of();
            }

            @Override
            public Optional<Set<String>> reads() {
                return reads;
            }

            @Override
            public Set<String> readsOnDemand() {
                return onDemand;
            }
        };
    }

    @Test
    void anExpressionErrorNamesItsRule() {
        assertThatThrownBy(() -> Rule.alert("MyAlert").expr("sum((").build())
                .isInstanceOf(ExpressionException.class)
                .hasMessageStartingWith("expression of rule MyAlert at line 1, column ")
                .satisfies(e -> assertThat(((ExpressionException) e).column()).isPositive());
        assertThatThrownBy(() -> dev.tocsin.core.rules.RecordingRule.of("my:rec", "rate(x[5m]"))
                .isInstanceOf(ExpressionException.class)
                .hasMessageStartingWith("expression of recording rule my:rec at line 1, column ");
    }

    @Test
    void aTemplateErrorNamesItsAnnotationAndRule() {
        assertThatThrownBy(() -> Rule.alert("X").expr("up == 0").annotation("summary", "{{ $labels.x ").build())
                .isInstanceOf(TemplateException.class)
                .hasMessage("template 'annotation \"summary\" of rule X' at line 1, column 1: unclosed action");
    }

    @Test
    void anyNonEmptyAlertNameIsAcceptedAsByPromtool() {
        // promtool check rules accepts alert: " " (checked with Prometheus 2.42)
        assertThat(Rule.alert(" ").expr("up == 0").build().name()).isEqualTo(" ");
        assertThat(dev.tocsin.core.rules.RuleFiles.parse("r.yml", "groups:\n- name: g\n  rules:\n  - alert: ' '\n"
                + "    expr: up == 0\n").rules()).singleElement().satisfies(r -> assertThat(r.name()).isEqualTo(" "));
        assertThatThrownBy(() -> Rule.alert("").expr("up == 0").build()).hasMessageContaining("must not be empty");
    }
}
