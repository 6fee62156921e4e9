package dev.tocsin.core.internal;

import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Tells when host code called on the evaluation thread (an {@link dev.tocsin.core.AlertListener} or a
 * {@link dev.tocsin.core.Notifier}) took long enough to delay evaluations, so that the host hears which one:
 * at most one warning per callback per {@link #REPORT_EVERY_NANOS}, counting the slow calls in between. Durations are
 * measured on {@link System#nanoTime()}: they are work done, not the evaluation clock's time.
 *
 * <p>Only used on the evaluation thread (under the evaluation lock); not thread-safe.
 */
final class SlowCalls {

    /** The longest a call may take before it is reported, whatever the interval. */
    static final long MAX_THRESHOLD_NANOS = 1_000_000_000L;
    /** The shortest threshold: a 1 ms interval does not make every call "slow". */
    static final long MIN_THRESHOLD_NANOS = 10_000_000L;
    /** How often one callback is reported at most. */
    static final long REPORT_EVERY_NANOS = 60_000_000_000L;
    /** The most callbacks remembered (their list is fixed; a bound all the same). */
    private static final int MAX_TRACKED = 64;

    private final long thresholdNanos;
    private final Map<Object, long[]> reported = new IdentityHashMap<>();
    /** Callbacks called at least once: a first call pays for class loading and is not reported. */
    private final Map<Object, Boolean> called = new IdentityHashMap<>();

    /** Reports calls that take a quarter of {@code interval} or more (between 10 ms and 1 s). */
    SlowCalls(Duration interval) {
        this(thresholdFor(interval));
    }

    /** Reports calls that take {@code thresholdNanos} or more (for tests). */
    SlowCalls(long thresholdNanos) {
        this.thresholdNanos = thresholdNanos;
    }

    /** A quarter of the interval, between {@link #MIN_THRESHOLD_NANOS} and {@link #MAX_THRESHOLD_NANOS}. */
    static long thresholdFor(Duration interval) {
        long quarter = interval.compareTo(Duration.ofDays(1)) > 0 ? Long.MAX_VALUE : interval.toNanos() / 4;
        return Math.max(MIN_THRESHOLD_NANOS, Math.min(MAX_THRESHOLD_NANOS, quarter));
    }

    /** Returns the threshold in nanoseconds. */
    long thresholdNanos() {
        return thresholdNanos;
    }

    /**
     * Records one call of {@code callback} that took {@code elapsedNanos}, ending at {@code nowNanos}
     * ({@link System#nanoTime()}), and returns the warning to log, or {@code null} when there is none: the call was
     * quick, or this callback was reported less than a minute ago (then the call is counted for its next warning).
     *
     * @param what what the callback is, for the message (e.g. "alert listener")
     */
    String record(Object callback, String what, long elapsedNanos, long nowNanos) {
        if (called.size() < MAX_TRACKED && called.putIfAbsent(callback, Boolean.TRUE) == null) {
            // (beyond MAX_TRACKED callbacks the others get no such grace: the set stays bounded and never forgets)
            return null; // the first call loads and compiles the callback's code (the command line's printer: 0.5 s)
        }
        if (elapsedNanos < thresholdNanos) {
            return null;
        }
        long[] state = reported.get(callback); // {last report time, slow calls since}
        if (state != null && nowNanos - state[0] < REPORT_EVERY_NANOS) {
            state[1]++;
            return null;
        }
        long since = state == null ? 0 : state[1];
        if (state == null) {
            if (reported.size() >= MAX_TRACKED) {
                reported.clear();
            }
            state = new long[2];
            reported.put(callback, state);
        }
        state[0] = nowNanos;
        state[1] = 0;
        return what + " " + callback.getClass().getName() + " took " + (elapsedNanos / 1_000_000) + " ms on the"
                + " evaluation thread (slow from " + (thresholdNanos / 1_000_000) + " ms)"
                + (since > 0 ? ", and " + since + " more slow call" + (since == 1 ? "" : "s") + " since the last"
                        + " report" : "")
                + ": evaluations wait for it; hand slow work (network, disk, locks) to an executor of your own";
    }
}
