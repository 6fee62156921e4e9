package dev.tocsin.core;

import dev.tocsin.core.source.ForwardingMetricSource;
import dev.tocsin.core.testing.TestSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EvaluationStatsTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    Evaluator evaluator;

    @AfterEach
    void close() {
        if (evaluator != null) {
            evaluator.close();
        }
    }

    @Test
    void emptyBeforeTheFirstEvaluationThenOnePerEvaluation() {
        TestSource source = new TestSource("lb1:8404", "haproxy", "haproxy_up");
        source.set(Sample.of("backend_up", 1, "backend", "a"), Sample.of("backend_up", 0, "backend", "b"),
                Sample.of("other", 3));
        evaluator = Evaluator.builder().source(source)
                .rule(Rule.alert("Down").expr("backend_up == 0").build()).build();

        assertThat(evaluator.lastEvaluation()).isEmpty();
        evaluator.evaluate(T0);
        EvaluationStats first = evaluator.lastEvaluation().orElseThrow();
        assertThat(first.time()).isEqualTo(T0);
        // the expression reads backend_up only: the source still gave all three, plus the health series
        assertThat(first.series()).isEqualTo(4);

        source.set(Sample.of("backend_up", 1, "backend", "a"));
        evaluator.evaluate(T0.plusSeconds(5));
        EvaluationStats second = evaluator.lastEvaluation().orElseThrow();
        assertThat(second.time()).isEqualTo(T0.plusSeconds(5));
        assertThat(second.series()).isEqualTo(2);
    }

    @Test
    void eachPhaseCountsWhereItsTimeWent() {
        // a slow source (300 ms) and a slow rule (40 ms): each sleep counts in its own phase; were the source's time
        // counted in the rules' phase (or not at all), the rules would not be shorter than the sources
        TestSource fast = new TestSource("slow:1", "test");
        fast.set(Sample.of("x", 0));
        MetricSource slowSource = new ForwardingMetricSource(fast) {
            @Override
            public List<Sample> collect(MetricInterest interest) throws Exception {
                Thread.sleep(300);
                return super.collect(interest);
            }
        };
        Rule slowRule = Rule.alert("Slow").reads("x").condition(m -> {
            try {
                Thread.sleep(40);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return m.series("x");
        }).build();
        evaluator = Evaluator.builder().source(slowSource).rule(slowRule).build();

        evaluator.evaluate(T0);

        EvaluationStats s = evaluator.lastEvaluation().orElseThrow();
        assertThat(s.sources()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(s.rules()).isGreaterThanOrEqualTo(Duration.ofMillis(40));
        assertThat(s.rules()).isLessThan(s.sources());
        assertThat(s.total()).isGreaterThanOrEqualTo(Duration.ofMillis(340));
        assertThat(s.series()).isEqualTo(2); // x and the health series up
    }

    @Test
    void aFailingSourceStillFinishesTheEvaluation() {
        TestSource broken = new TestSource("broken:1", "test");
        broken.fail(new IllegalStateException("boom"));
        evaluator = Evaluator.builder().source(broken).rule(Rule.alert("Down").expr("up == 0").build()).build();

        evaluator.evaluate(T0);

        EvaluationStats s = evaluator.lastEvaluation().orElseThrow();
        assertThat(s.series()).isEqualTo(1); // up 0
        assertThat(evaluator.alerts()).hasSize(1);
    }

    @Test
    void checksItsFields() {
        assertThatThrownBy(() -> new EvaluationStats(T0, Duration.ofMillis(-1), Duration.ZERO, Duration.ZERO,
                Duration.ZERO, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> new EvaluationStats(T0, Duration.ZERO, Duration.ZERO, Duration.ZERO,
                Duration.ZERO, -1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("series");
        assertThatThrownBy(() -> new EvaluationStats(null, Duration.ZERO, Duration.ZERO, Duration.ZERO,
                Duration.ZERO, 0)).isInstanceOf(NullPointerException.class).hasMessageContaining("time");
    }
}
