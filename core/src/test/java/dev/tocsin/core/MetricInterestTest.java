package dev.tocsin.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricInterestTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** A source that records the interest of every call and returns only the wanted samples. */
    static final class FilteringSource implements MetricSource {
        final List<MetricInterest> calls = new ArrayList<>();
        final List<Sample> samples = List.of(
                Sample.of("backend_up", 0, "backend", "a"),
                Sample.of("server_up", 0, "backend", "a", "server", "s1"),
                Sample.of("queue", 7, "backend", "a"));

        @Override
        public String instance() {
            return "lb:1";
        }

        @Override
        public String job() {
            return "test";
        }

        @Override
        public List<Sample> collect() {
            return collect(MetricInterest.all());
        }

        @Override
        public List<Sample> collect(MetricInterest interest) {
            calls.add(interest);
            return samples.stream().filter(s -> interest.includes(s.labels().metricName())).toList();
        }
    }

    final FilteringSource source = new FilteringSource();
    Evaluator evaluator;

    @AfterEach
    void close() {
        if (evaluator != null) {
            evaluator.close();
        }
    }

    @Test
    void interestOfNamesIsExactAndImmutable() {
        MetricInterest i = MetricInterest.of(List.of("b", "a", "a"));
        assertThat(i.isAll()).isFalse();
        assertThat(i.names()).containsExactlyInAnyOrder("a", "b");
        assertThat(i.includes("a")).isTrue();
        assertThat(i.includes("c")).isFalse();
        assertThat(i).isEqualTo(MetricInterest.of(Set.of("a", "b"))).hasSameHashCodeAs(MetricInterest.of(Set.of("a", "b")));
        assertThat(i.toString()).isEqualTo("MetricInterest[a, b]");
        assertThatThrownBy(() -> i.names().add("x")).isInstanceOf(UnsupportedOperationException.class);

        assertThat(MetricInterest.all().isAll()).isTrue();
        assertThat(MetricInterest.all().includes("anything")).isTrue();
        assertThat(MetricInterest.all()).isNotEqualTo(MetricInterest.of(List.of()));
        assertThat(MetricInterest.of(List.of()).includes("a")).isFalse();
        assertThatThrownBy(() -> MetricInterest.of(java.util.Arrays.asList("a", null)))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void anExpressionRuleReadsItsSelectorsMetricNames() {
        Rule r = Rule.alert("X").expr("sum by (backend) (rate(req_total[1m])) > on(backend) backend_up * 2").build();
        assertThat(r.reads()).contains(Set.of("req_total", "backend_up"));
        assertThat(Rule.alert("X").expr("vector(1) > 0").build().reads()).contains(Set.of());
    }

    @Test
    void aSelectorWithoutAnExactNameReadsEverything() {
        assertThat(Rule.alert("X").expr("{__name__=~\"backend_.*\"} == 0").build().reads()).isEmpty();
        assertThat(Rule.alert("X").expr("count({job=\"a\"}) > 0").build().reads()).isEmpty();
    }

    @Test
    void javaCodeReadsEverythingUnlessItDeclaresWhat() {
        RuleCondition c = m -> m.series("backend_up");
        assertThat(Rule.alert("X").condition(c).build().reads()).isEmpty();
        assertThat(Rule.alert("X").condition(c).reads("backend_up").build().reads()).contains(Set.of("backend_up"));
        // a context reading undeclared metrics widens an expression rule to everything
        assertThat(Rule.alert("X").expr("backend_up == 0").context((l, m) -> Map.of()).build().reads()).isEmpty();
        assertThat(Rule.alert("X").expr("backend_up == 0").context((l, m) -> Map.of()).reads("server_up").build()
                .reads()).contains(Set.of("backend_up", "server_up"));
        assertThatThrownBy(() -> Rule.alert("X").condition(c).reads("not a name"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a name");
    }

    @Test
    void hostRulesReadEverythingAndHaveNoExpression() {
        Rule host = hostRule(Set.of());
        assertThat(host.reads()).isEqualTo(Optional.empty());
        assertThat(host.expr()).isEmpty();
    }

    @Test
    void templateQueriesAreReadLikeTheRulesOwnMetricsAndBuiltOnesReadEverything() {
        evaluator = Evaluator.builder().source(source).rule(Rule.alert("BackendDown").expr("backend_up == 0")
                .annotation("queue", "{{ with query \"sum(queue)\" }}{{ . | first | value }}{{ end }}").build())
                .build();
        List<Alert> first = evaluator.evaluate(T0);
        assertThat(source.calls).containsExactly(MetricInterest.of(List.of("backend_up", "queue")));
        assertThat(first).singleElement().satisfies(a -> assertThat(a.annotations()).containsEntry("queue", "7"));

        evaluator.addRule(Rule.alert("Built").expr("backend_up == 0")
                .annotation("x", "{{ query (printf \"%s\" \"server_up\") | len }}").build());
        List<Alert> second = evaluator.evaluate(T0.plusSeconds(5));
        assertThat(source.calls.get(1)).isEqualTo(MetricInterest.all());
        assertThat(second).filteredOn(a -> a.ruleName().equals("Built")).singleElement()
                .satisfies(a -> assertThat(a.annotations()).containsEntry("x", "1"));
    }

    @Test
    void theEvaluatorAsksSourcesForWhatItsRulesReadAndWidensWhenRulesAreAdded() {
        evaluator = Evaluator.builder().source(source).rule(Rule.alert("BackendDown").expr("backend_up == 0").build())
                .build();
        List<Alert> first = evaluator.evaluate(T0);
        assertThat(source.calls).containsExactly(MetricInterest.of(List.of("backend_up")));
        assertThat(first).extracting(Alert::ruleName).containsExactly("BackendDown");

        evaluator.addRule(Rule.alert("ServerDown").condition(m -> m.series("server_up")).reads("server_up").build());
        List<Alert> second = evaluator.evaluate(T0.plusSeconds(5));
        assertThat(source.calls.get(1)).isEqualTo(MetricInterest.of(List.of("backend_up", "server_up")));
        assertThat(second).extracting(Alert::ruleName).containsExactly("ServerDown");

        evaluator.addRule(Rule.alert("Queue").condition(m -> m.series("queue")).build());
        List<Alert> third = evaluator.evaluate(T0.plusSeconds(10));
        assertThat(source.calls.get(2)).isEqualTo(MetricInterest.all());
        assertThat(third).extracting(Alert::ruleName).containsExactly("Queue");

        evaluator.removeRule("Queue");
        evaluator.evaluate(T0.plusSeconds(15));
        assertThat(source.calls.get(3)).isEqualTo(MetricInterest.of(List.of("backend_up", "server_up")));
    }

    @Test
    void aRuleWhoseReadsThrowsMakesTheEvaluatorReadEverything() {
        Rule broken = new Rule() {
            @Override
            public String name() {
                return "Broken";
            }

            @Override
            public List<Sample> evaluate(MetricsView metrics) {
                return metrics.series("queue");
            }

            @Override
            public Optional<Set<String>> reads() {
                throw new IllegalStateException("boom");
            }
        };
        evaluator = Evaluator.builder().source(source).rule(broken).build();
        assertThat(evaluator.evaluate(T0)).extracting(Alert::ruleName).containsExactly("Broken");
        assertThat(source.calls).containsExactly(MetricInterest.all());
    }

    @Test
    void recordingRulesAddWhatTheirExpressionsRead() {
        evaluator = Evaluator.builder().source(source)
                .recordingRule(dev.tocsin.core.rules.RecordingRule.of("backend:queue:sum", "sum by (backend) (queue)"))
                .rule(Rule.alert("Queued").expr("backend:queue:sum > 5").build())
                .build();
        List<Alert> t = evaluator.evaluate(T0);
        assertThat(source.calls).containsExactly(MetricInterest.of(List.of("queue", "backend:queue:sum")));
        assertThat(t).extracting(a -> a.labels().get("backend")).containsExactly("a");
    }

    @Test
    void onDemandNamesAreWantedButMaySkipEveryRead() {
        MetricInterest i = MetricInterest.of(List.of("a"), List.of("b", "a", "c"));
        assertThat(i.names()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(i.onDemandNames()).containsExactlyInAnyOrder("b", "c");
        assertThat(i.includes("b")).isTrue();
        assertThat(i.isOnDemand("b")).isTrue();
        assertThat(i.isOnDemand("a")).as("also wanted in every read").isFalse();
        assertThat(i).isEqualTo(MetricInterest.of(Set.of("a"), Set.of("b", "c")))
                .hasSameHashCodeAs(MetricInterest.of(Set.of("a"), Set.of("b", "c")))
                .isNotEqualTo(MetricInterest.of(Set.of("a", "b", "c")));
        assertThat(i).hasToString("MetricInterest[a] on demand [b, c]");
        assertThat(MetricInterest.of(List.of("a"))).hasToString("MetricInterest[a]");
        assertThat(MetricInterest.all().onDemandNames()).isEmpty();
        assertThat(MetricInterest.of(List.of("a")).onDemandNames()).isEmpty();
        assertThatThrownBy(() -> MetricInterest.of(List.of(), java.util.Arrays.asList("a", null)))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void aNameReadOnDemandByOneRuleAndInEveryEvaluationByAnotherIsReadInEveryEvaluation() {
        Rule lazy = Rule.alert("Lazy").condition(m -> m.seriesMatching("server_up", java.util.Map.of("backend", "a")))
                .reads("backend_up").readsOnDemand("server_up", "server_status").build();
        assertThat(lazy.reads()).contains(Set.of("backend_up", "server_up", "server_status"));
        assertThat(lazy.readsOnDemand()).containsExactlyInAnyOrder("server_up", "server_status");
        Rule expr = Rule.alert("Expr").expr("server_up == 0").reads("queue").readsOnDemand("server_up", "queue",
                "server_status").build();
        assertThat(expr.reads()).contains(Set.of("queue", "server_up", "server_status"));
        assertThat(expr.readsOnDemand()).as("what the expression or a declared read reads is not on demand")
                .containsExactly("server_status");
        assertThatThrownBy(() -> Rule.alert("X").condition(m -> List.of()).readsOnDemand("not a name"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readsOnDemand");
        evaluator = Evaluator.builder().source(source).rule(lazy).build();
        // a source that knows nothing of on-demand names returns them anyway: the rule reads them as before
        assertThat(evaluator.evaluate(T0)).extracting(Alert::ruleName).containsExactly("Lazy");
        assertThat(source.calls.get(0)).isEqualTo(MetricInterest.of(List.of("backend_up"),
                List.of("server_up", "server_status")));
        evaluator.addRule(Rule.alert("Eager").expr("server_up == 0").build());
        evaluator.evaluate(T0.plusSeconds(5));
        assertThat(source.calls.get(1)).isEqualTo(MetricInterest.of(List.of("backend_up", "server_up"),
                List.of("server_status")));
    }

    @Test
    void onDemandNamesOfARuleThatReadsAnythingChangeNothing() {
        Rule any = Rule.alert("Any").condition(m -> List.of()).readsOnDemand("server_up").build();
        assertThat(any.reads()).contains(Set.of("server_up"));
        Rule host = hostRule(Set.of("server_up"));
        evaluator = Evaluator.builder().source(source).rule(any).rule(host).build();
        evaluator.evaluate(T0);
        assertThat(source.calls).containsExactly(MetricInterest.all());
    }

    /** A plain-Java rule named Host that fires nothing and declares only these on-demand names. */
    private static Rule hostRule(Set<String> onDemand) {
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
            public Set<String> readsOnDemand() {
                return onDemand;
            }
        };
    }
}
