package dev.tocsin.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tocsin.core.testing.TestSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A Java rule that declared what it reads sees only that, whatever the sources returned (for other rules, or because
 * they ignore the interest): the same with a test source as with a source that filters by interest.
 */
class DeclaredReadsTest {

    private static final Instant T = Instant.parse("2026-11-27T12:00:00Z");

    @Test
    void aConditionSeesOnlyTheMetricsItDeclared() {
        TestSource source = new TestSource("lb:8404", "haproxy").set(Sample.of("x", 1), Sample.of("y", 2));
        AtomicReference<List<Sample>> seenY = new AtomicReference<>();
        AtomicReference<List<Sample>> seenYMatching = new AtomicReference<>();
        AtomicReference<List<Sample>> seenX = new AtomicReference<>();
        Rule declared = Rule.alert("Declared").reads("x").condition(m -> {
            seenX.set(m.series("x"));
            seenY.set(m.series("y"));
            seenYMatching.set(m.seriesMatching("y", Map.of()));
            return List.of();
        }).build();
        Rule other = Rule.alert("Other").expr("y > 100").build(); // y is read for another rule
        try (Evaluator ev = Evaluator.builder().source(source).rule(declared).rule(other).build()) {
            ev.evaluate(T);
        }
        assertThat(seenX.get()).hasSize(1);
        assertThat(seenY.get()).isEmpty();
        assertThat(seenYMatching.get()).isEmpty();
    }

    @Test
    void aContextSeesOnlyTheMetricsItsRuleDeclared() {
        TestSource source = new TestSource("lb:8404", "haproxy").set(Sample.of("x", 1), Sample.of("y", 2));
        Rule rule = Rule.alert("WithContext").expr("x > 0").reads("z")
                .context((labels, m) -> Map.of("y", String.valueOf(m.series("y").size()),
                        "x", String.valueOf(m.series("x").size())))
                .build();
        try (Evaluator ev = Evaluator.builder().source(source).rule(rule).build()) {
            ev.evaluate(T);
            assertThat(ev.alerts()).singleElement().satisfies(a -> assertThat(a.context())
                    .containsEntry("y", "0").containsEntry("x", "1"));
        }
    }

    @Test
    void withoutDeclaredReadsEverythingIsSeen() {
        TestSource source = new TestSource("lb:8404", "haproxy").set(Sample.of("x", 1), Sample.of("y", 2));
        AtomicReference<List<Sample>> seenY = new AtomicReference<>();
        Rule rule = Rule.alert("Any").condition(m -> {
            seenY.set(m.series("y"));
            return List.of();
        }).build();
        try (Evaluator ev = Evaluator.builder().source(source).rule(rule).build()) {
            ev.evaluate(T);
        }
        assertThat(seenY.get()).hasSize(1);
    }
}
