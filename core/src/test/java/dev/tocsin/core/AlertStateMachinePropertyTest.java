package dev.tocsin.core;

import dev.tocsin.core.testing.TestSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * Property test: the evaluator's alert state machine against a small reference model of Prometheus's rules
 * (plus Tocsin's hold of a failed source), over random sequences of present / absent / source-failure steps with
 * random gaps and random {@code for} / {@code keep_firing_for}.
 */
class AlertStateMachinePropertyTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration RETENTION = Duration.ofMinutes(15);
    static final Duration STALENESS = Duration.ofMinutes(5);

    enum Kind { PRESENT, ABSENT, FAIL }

    /**
     * A step: the time since the previous evaluation and what the source does. Encoded in one int to shrink. Gaps
     * are multiples of 15 s (or 1 s) so that the boundaries of for, keep_firing_for, staleness and retention are hit
     * exactly.
     */
    record Step(long deltaSeconds, Kind kind) {
        static Step decode(int x) {
            int d = x % 32;
            long delta = d < 16 ? 15L * (d + 1) : d - 15;
            return new Step(delta, Kind.values()[(x / 32) % 3]);
        }
    }

    /** The reference model: one alert instance, written from the reference's rules, not from the evaluator. */
    static final class Model {
        final Duration forD;
        final Duration kff;
        AlertState state; // null = no alert
        Instant activeAt;
        Instant firedAt;
        Instant resolvedAt;
        Instant keepSince;
        boolean lastGoodPresent;
        Instant lastGoodAt;
        /** The last step at which the alert existed, and how long it was PENDING while frozen (does not count). */
        Instant lastEvalAt;
        Duration frozen = Duration.ZERO;

        Model(Duration forD, Duration kff) {
            this.forD = forD;
            this.kff = kff;
        }

        List<AlertState> step(Instant ts, Kind kind) {
            List<AlertState> events = new ArrayList<>();
            boolean present;
            boolean held = false;
            if (kind == Kind.FAIL) {
                boolean fresh = lastGoodAt != null && Duration.between(lastGoodAt, ts).compareTo(STALENESS) <= 0;
                present = fresh && lastGoodPresent;
                held = present;
            } else {
                present = kind == Kind.PRESENT;
                lastGoodPresent = present;
                lastGoodAt = ts;
            }
            if (held && (state == AlertState.PENDING || state == AlertState.FIRING)) {
                if (state == AlertState.PENDING && lastEvalAt.isBefore(ts)) {
                    frozen = frozen.plus(Duration.between(lastEvalAt, ts));
                }
                lastEvalAt = ts;
                return events; // frozen
            }
            if (held) {
                present = false; // replayed data never starts an alert
            }
            if (present) {
                if (state == AlertState.PENDING || state == AlertState.FIRING) {
                    keepSince = null;
                } else {
                    state = AlertState.PENDING;
                    activeAt = ts;
                    frozen = Duration.ZERO;
                    firedAt = null;
                    resolvedAt = null;
                    keepSince = null;
                    if (!forD.isZero()) {
                        events.add(AlertState.PENDING);
                    }
                }
                lastEvalAt = ts;
                if (state == AlertState.PENDING && Duration.between(activeAt, ts).minus(frozen).compareTo(forD) >= 0) {
                    state = AlertState.FIRING;
                    firedAt = ts;
                    events.add(AlertState.FIRING);
                }
                return events;
            }
            if (state == AlertState.PENDING) {
                state = null;
            } else if (state == AlertState.FIRING) {
                if (!kff.isZero()) {
                    if (keepSince == null) {
                        keepSince = ts;
                    }
                    if (Duration.between(keepSince, ts).compareTo(kff) < 0) {
                        return events;
                    }
                }
                state = AlertState.RESOLVED;
                resolvedAt = ts;
                events.add(AlertState.RESOLVED);
            } else if (state == AlertState.RESOLVED && Duration.between(resolvedAt, ts).compareTo(RETENTION) > 0) {
                state = null;
            }
            return events;
        }
    }

    @Test
    void evaluatorMatchesTheReferenceModel() {
        qt().withExamples(400).withShrinkCycles(200)
                .forAll(lists().of(integers().between(0, 95)).ofSizeBetween(1, 60),
                        integers().between(0, 12), integers().between(0, 12))
                .checkAssert((codes, forSteps, kffSteps) -> {
                    List<Step> steps = codes.stream().map(Step::decode).collect(Collectors.toList());
                    check(steps, Duration.ofSeconds(30L * forSteps), Duration.ofSeconds(30L * kffSteps));
                });
    }

    static void check(List<Step> steps, Duration forD, Duration kff) {
        TestSource source = new TestSource("h:1", "j");
        try (Evaluator ev = Evaluator.builder().source(source)
                .rule(Rule.alert("A").condition(m -> m.series("x").stream().filter(s -> s.value() == 0)
                        .collect(Collectors.toList())).forDuration(forD).keepFiringFor(kff).build())
                .build()) {
            Model model = new Model(forD, kff);
            Instant ts = T0;
            int i = 0;
            for (Step s : steps) {
                ts = ts.plusSeconds(s.deltaSeconds());
                switch (s.kind()) {
                    case PRESENT: source.set(Sample.of("x", 0)); break;
                    case ABSENT: source.set(Sample.of("x", 1)); break;
                    default: source.fail(new IllegalStateException("down"));
                }
                List<AlertState> got = ev.evaluate(ts).stream().map(Alert::state).collect(Collectors.toList());
                List<AlertState> want = model.step(ts, s.kind());
                String where = "step " + i + " " + s + " at +" + Duration.between(T0, ts).getSeconds() + "s (for "
                        + forD + ", keep_firing_for " + kff + ", steps " + steps + ")";
                assertThat(got).as("transitions at " + where).isEqualTo(want);
                Optional<Alert> alert = ev.alerts().stream().findFirst();
                assertThat(alert.map(Alert::state).orElse(null)).as("state at " + where).isEqualTo(model.state);
                if (alert.isPresent()) {
                    Alert a = alert.get();
                    assertThat(a.activeAt()).as("activeAt at " + where).isEqualTo(model.activeAt);
                    assertThat(a.firedAt().orElse(null)).as("firedAt at " + where).isEqualTo(model.firedAt);
                    assertThat(a.resolvedAt().orElse(null)).as("resolvedAt at " + where)
                            .isEqualTo(model.resolvedAt);
                }
                i++;
            }
        }
    }
}
