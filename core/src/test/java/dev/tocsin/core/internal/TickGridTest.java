package dev.tocsin.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The times at which a started evaluator evaluates: a grid of whole intervals, whatever its timer's jitter. */
class TickGridTest {

    private static final Instant T0 = Instant.parse("2026-11-27T11:14:08.041614815Z");

    /**
     * A timer that fires each tick a little early by the wall clock (within the tolerance) or late by up to an
     * interval, and sometimes whole intervals late (an evaluation overran): every evaluation time is the first one plus
     * a whole number of intervals, strictly increasing, never after the wall clock (beyond the tolerance), the latest
     * such grid time (missed ones are skipped); and the delay asked for ends at the next grid time after the last one
     * used, or the first one after now when that is past.
     */
    @Test
    void evaluationTimesStayOnTheGridWhateverTheJitter() {
        qt().withExamples(500).forAll(
                integers().between(1, 60_000),
                lists().of(integers().between(-1_000, 1_000)).ofSizeBetween(1, 100),
                lists().of(integers().between(0, 3)).ofSizeBetween(1, 100))
                .checkAssert((ms, jitters, overruns) -> {
                    long interval = ms * 1_000_000L;
                    long tolerance = Math.min(interval / 2, 1_000_000 + interval / 100);
                    TickGrid grid = new TickGrid(Duration.ofMillis(ms));
                    assertThat(grid.next(T0)).isEqualTo(T0);
                    long k = 0;
                    Instant last = T0;
                    for (int i = 0; i < jitters.size(); i++) {
                        long skip = overruns.get(i % overruns.size());
                        int j = jitters.get(i);
                        // early: up to the tolerance; late: up to just under an interval
                        long jitter = j < 0 ? j * tolerance / 1_000 : j * (interval - 1) / 1_000;
                        Instant fired = T0.plusNanos((k + 1 + skip) * interval + jitter);
                        Instant t = grid.next(fired);
                        long since = Duration.between(T0, t).toNanos();
                        assertThat(since % interval).as("on the grid").isZero();
                        assertThat(t).isAfter(last);
                        long ahead = Duration.between(fired, t).toNanos();
                        assertThat(ahead).as("never after the clock").isLessThanOrEqualTo(tolerance);
                        assertThat(-ahead).as("the latest grid time").isLessThan(interval);
                        k = since / interval;
                        last = t;
                        long delay = grid.delayNanos(fired);
                        Instant next = T0.plusNanos((k + 1) * interval);
                        assertThat(delay).isBetween(0L, interval + tolerance);
                        if (!next.isBefore(fired)) {
                            assertThat(fired.plusNanos(delay)).isEqualTo(next);
                        } else {
                            assertThat(Duration.between(T0, fired.plusNanos(delay)).toNanos() % interval).isZero();
                        }
                    }
                });
    }

    /** The case that was one interval late: a 6 s {@code for} at 2 s fires at exactly 6 s, not 8 s. */
    @Test
    void aTimerFiringMicrosecondsEarlyKeepsTheNominalTime() {
        TickGrid grid = new TickGrid(Duration.ofSeconds(2));
        Instant pending = grid.next(T0);
        Instant t = pending;
        for (int i = 1; i <= 3; i++) {
            t = grid.next(T0.plusSeconds(2L * i).minusNanos(866_432));
        }
        assertThat(Duration.between(pending, t)).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void anOverrunSkipsToTheNextGridTimeAfterNow() {
        TickGrid grid = new TickGrid(Duration.ofSeconds(5));
        grid.next(T0);
        // the evaluation took 12 s: the next tick waits for T0 + 15 s, 3 s away
        assertThat(grid.delayNanos(T0.plusSeconds(12))).isEqualTo(Duration.ofSeconds(3).toNanos());
        assertThat(grid.next(T0.plusSeconds(15))).isEqualTo(T0.plusSeconds(15));
        assertThat(grid.takeSkipped()).as("T0 + 5 s and T0 + 10 s").isEqualTo(2);
        assertThat(grid.takeSkipped()).isZero();
        assertThat(grid.delayNanos(T0.plusSeconds(15).plusMillis(40))).isEqualTo(Duration.ofMillis(4_960).toNanos());
    }

    /** As Prometheus: a late tick evaluates at the latest grid time before now, never at one in the future. */
    @Test
    void aLateTickTakesTheLatestGridTimeNotTheNearest() {
        TickGrid grid = new TickGrid(Duration.ofSeconds(10));
        grid.next(T0);
        assertThat(grid.next(T0.plusSeconds(16))).isEqualTo(T0.plusSeconds(10));
        assertThat(grid.next(T0.plusSeconds(29).plusMillis(500))).isEqualTo(T0.plusSeconds(20));
        assertThat(grid.next(T0.plusSeconds(30).minusMillis(2))).as("early within the tolerance")
                .isEqualTo(T0.plusSeconds(30));
    }

    @Test
    void aFrozenClockRepeatsItsTimeAndNeverGoesBack() {
        TickGrid grid = new TickGrid(Duration.ofMillis(20));
        for (int i = 0; i < 5; i++) {
            assertThat(grid.next(T0)).isEqualTo(T0);
            assertThat(grid.delayNanos(T0)).isEqualTo(Duration.ofMillis(20).toNanos());
        }
    }

    @Test
    void aSteppedClockStartsANewGridAndNoWaitIsLongerThanAnInterval() {
        TickGrid grid = new TickGrid(Duration.ofSeconds(5));
        grid.next(T0);
        grid.next(T0.plusSeconds(5));
        Instant back = T0.minus(Duration.ofHours(1)).plusMillis(123);
        assertThat(grid.delayNanos(back)).as("capped at one interval and the tolerance")
                .isEqualTo(Duration.ofMillis(5_051).toNanos());
        assertThat(grid.next(back)).as("stepped back: a new grid").isEqualTo(back);
        assertThat(grid.next(back.plusSeconds(5).plusMillis(2))).isEqualTo(back.plusSeconds(5));
        // stepped forward: the ticks in between are skipped, the grid stays
        assertThat(grid.next(back.plus(Duration.ofDays(2)).plusMillis(7))).isEqualTo(back.plus(Duration.ofDays(2)));
        assertThat(grid.next(Instant.MAX)).isEqualTo(Instant.MAX);
        assertThat(grid.delayNanos(Instant.MAX)).isEqualTo(Duration.ofSeconds(5).toNanos());
        assertThat(grid.next(Instant.MIN)).isEqualTo(Instant.MIN);
    }

    @Test
    void theIntervalMustBePositive() {
        for (Duration d : List.of(Duration.ZERO, Duration.ofMillis(-1))) {
            assertThatThrownBy(() -> new TickGrid(d)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("interval must be positive");
        }
    }
}
