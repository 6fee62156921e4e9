package dev.tocsin.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tocsin.core.rules.RecordingRule;
import dev.tocsin.core.testing.TestSource;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A subquery without a step steps at the evaluator's interval, as Prometheus at its global evaluation interval. */
class SubqueryDefaultStepTest {

    private static double pointsIn1m(Duration interval) {
        TestSource source = new TestSource("lb:8404", "haproxy").set(Sample.of("x", 1));
        RecordingRule points = RecordingRule.of("points", "count_over_time(x[1m:])");
        Rule probe = Rule.alert("Points").expr("points > 0").build();
        try (Evaluator ev = Evaluator.builder().source(source).recordingRule(points).rule(probe).interval(interval)
                .build()) {
            Instant t = Instant.parse("2026-11-27T12:00:00Z");
            for (int i = 0; i < 200; i++) {
                ev.evaluate(t);
                t = t.plus(interval);
            }
            return ev.alerts().get(0).value();
        }
    }

    @Test
    void theStepIsTheEvaluatorsInterval() {
        assertThat(pointsIn1m(Duration.ofSeconds(10))).isEqualTo(7); // t - 60 s to t: both ends, as Prometheus 2
        assertThat(pointsIn1m(Duration.ofSeconds(30))).isEqualTo(3);
        assertThat(pointsIn1m(Duration.ofSeconds(5))).isEqualTo(13);
    }

    @Test
    void nestedSubqueriesWithoutStepsAreHeldToTheLimitAtTheirRealSteps() {
        // 31 x 31 steps at the one-minute step assumed when the rule is built; 1801 x 1801 at a 1 s interval
        TestSource source = new TestSource("lb:8404", "haproxy").set(Sample.of("x", 1));
        Rule nested = Rule.alert("Nested").expr("max_over_time(max_over_time(x[30m:])[30m:]) > 0").build();
        try (Evaluator ev = Evaluator.builder().source(source).rule(nested).interval(Duration.ofSeconds(1)).build()) {
            ev.evaluate(Instant.parse("2026-11-27T12:00:00Z"));
            assertThat(((dev.tocsin.core.internal.DefaultEvaluator) ev).lastEvaluationErrors())
                    .singleElement().satisfies(e -> assertThat(e.getValue())
                            .contains("nested subqueries of 1801 x 1801 steps at the evaluation interval"));
        }
        try (Evaluator ev = Evaluator.builder().source(source).rule(nested).interval(Duration.ofMinutes(1)).build()) {
            ev.evaluate(Instant.parse("2026-11-27T12:00:00Z"));
            assertThat(((dev.tocsin.core.internal.DefaultEvaluator) ev).lastEvaluationErrors()).isEmpty();
        }
    }
}
