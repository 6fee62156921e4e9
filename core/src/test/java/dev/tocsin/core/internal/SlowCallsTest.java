package dev.tocsin.core.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SlowCallsTest {

    private static final long MS = 1_000_000L;

    private static final class SlowListener {
    }

    @Test
    void thresholdIsAQuarterOfTheIntervalBetweenTenMillisecondsAndOneSecond() {
        assertThat(SlowCalls.thresholdFor(Duration.ofSeconds(5))).isEqualTo(1000 * MS);
        assertThat(SlowCalls.thresholdFor(Duration.ofSeconds(1))).isEqualTo(250 * MS);
        assertThat(SlowCalls.thresholdFor(Duration.ofMillis(100))).isEqualTo(25 * MS);
        assertThat(SlowCalls.thresholdFor(Duration.ofMillis(1))).isEqualTo(10 * MS);
        assertThat(SlowCalls.thresholdFor(Duration.ofDays(365))).isEqualTo(1000 * MS);
    }

    @Test
    void quickCallsAreNotReported() {
        SlowCalls slow = new SlowCalls(100 * MS);
        assertThat(slow.record(new SlowListener(), "alert listener", 99 * MS, 0)).isNull();
    }

    /** Calls each callback once, quickly: a first call is never reported (it loads the callback's classes). */
    private static void warmUp(SlowCalls slow, Object... callbacks) {
        for (Object c : callbacks) {
            assertThat(slow.record(c, "warm-up", 0, 0)).isNull();
        }
    }

    @Test
    void aSlowFirstCallIsNotReportedTheNextIs() {
        SlowCalls slow = new SlowCalls(100 * MS);
        SlowListener listener = new SlowListener();
        assertThat(slow.record(listener, "alert listener", 600 * MS, 0)).isNull();
        assertThat(slow.record(listener, "alert listener", 250 * MS, MS)).contains("took 250 ms");
    }

    @Test
    void manyCallbacksInTurnAreStillReported() {
        SlowCalls slow = new SlowCalls(100 * MS);
        SlowListener[] many = new SlowListener[100];
        for (int i = 0; i < many.length; i++) {
            many[i] = new SlowListener();
        }
        int reports = 0;
        for (int round = 0; round < 3; round++) {
            for (SlowListener l : many) {
                reports += slow.record(l, "alert listener", 200 * MS, round * 61_000 * MS) != null ? 1 : 0;
            }
        }
        // at most one report a minute each, and only the first 64 get a first call's grace
        assertThat(reports).isEqualTo(64 * 2 + 36 * 3);
    }

    @Test
    void aSlowCallIsReportedWithTheCallbackItsTimeAndTheAdvice() {
        SlowCalls slow = new SlowCalls(100 * MS);
        SlowListener listener = new SlowListener();
        warmUp(slow, listener);
        assertThat(slow.record(listener, "alert listener", 250 * MS, 0))
                .isEqualTo("alert listener " + SlowListener.class.getName() + " took 250 ms on the evaluation thread"
                        + " (slow from 100 ms): evaluations wait for it; hand slow work (network, disk, locks) to an"
                        + " executor of your own");
    }

    @Test
    void oneCallbackIsReportedAtMostOnceAMinuteWithTheSlowCallsInBetweenCounted() {
        SlowCalls slow = new SlowCalls(100 * MS);
        SlowListener listener = new SlowListener();
        warmUp(slow, listener);
        long t = 5_000 * MS;
        assertThat(slow.record(listener, "alert listener", 200 * MS, t)).isNotNull();
        assertThat(slow.record(listener, "alert listener", 200 * MS, t + 1_000 * MS)).isNull();
        assertThat(slow.record(listener, "alert listener", 50 * MS, t + 2_000 * MS)).isNull(); // quick: not counted
        assertThat(slow.record(listener, "alert listener", 300 * MS, t + 59_999 * MS)).isNull();
        assertThat(slow.record(listener, "alert listener", 400 * MS, t + 60_000 * MS))
                .contains("took 400 ms").contains(", and 2 more slow calls since the last report:");
        assertThat(slow.record(listener, "alert listener", 400 * MS, t + 61_000 * MS)).isNull();
        assertThat(slow.record(listener, "alert listener", 400 * MS, t + 120_000 * MS))
                .contains(", and 1 more slow call since the last report:");
    }

    @Test
    void eachCallbackHasItsOwnMinute() {
        SlowCalls slow = new SlowCalls(100 * MS);
        SlowListener a = new SlowListener();
        SlowListener b = new SlowListener();
        warmUp(slow, a, b);
        assertThat(slow.record(a, "alert listener", 200 * MS, 0)).isNotNull();
        assertThat(slow.record(b, "notifier", 200 * MS, 0)).startsWith("notifier ");
        assertThat(slow.record(a, "alert listener", 200 * MS, 10 * MS)).isNull();
    }

    @Test
    void nanoTimeMayBeNegative() {
        SlowCalls slow = new SlowCalls(100 * MS);
        SlowListener listener = new SlowListener();
        warmUp(slow, listener);
        long t = Long.MIN_VALUE / 2;
        assertThat(slow.record(listener, "alert listener", 200 * MS, t)).isNotNull();
        assertThat(slow.record(listener, "alert listener", 200 * MS, t + MS)).isNull();
        assertThat(slow.record(listener, "alert listener", 200 * MS, t + 60_000 * MS)).isNotNull();
    }
}
