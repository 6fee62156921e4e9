package dev.tocsin.core.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * The evaluation times of a started evaluator: whole intervals from its first tick, as a Prometheus rule group
 * evaluates at aligned timestamps rather than at whatever time its timer happened to fire. With the wall-clock time of
 * each tick instead, a tick that fires a few microseconds "early" by the wall clock (the timer runs on
 * {@link System#nanoTime()}) measures {@code now - activeAt} as 5.999 s where {@code for} is 6 s, and the alert fires
 * one interval late; on the grid it fires at exactly {@code for}.
 *
 * <p>A tick takes the grid time nearest to its wall-clock time, and never one already used. Ticks missed while an
 * evaluation overran are skipped (the next tick is the next grid time after now), as Prometheus skips missed
 * iterations, and so is a clock stepped forward. When the wall clock is more than an interval behind the grid (it was
 * stepped back, or a test froze it), the grid starts again from the current time. Not thread-safe: one scheduling thread uses it.
 */
final class TickGrid {

    private final long intervalNanos;
    /** The time of grid point 0, or {@code null} before the first tick. */
    private Instant origin;
    /** The index of the last grid point used. */
    private long last;

    TickGrid(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.intervalNanos = interval.toNanos();
    }

    /** Returns the evaluation time of a tick that fires at wall-clock time {@code now}. */
    Instant next(Instant now) {
        if (origin != null) {
            try {
                long since = nanosBetween(origin, now);
                long k = Math.max(last + 1, Math.floorDiv(since + intervalNanos / 2, intervalNanos));
                Instant t = at(k);
                if (Math.abs(nanosBetween(now, t)) <= intervalNanos) {
                    last = k;
                    return t;
                }
            } catch (ArithmeticException | java.time.DateTimeException e) {
                // beyond what an Instant holds: start again from now
            }
        }
        origin = now;
        last = 0;
        return now;
    }

    /**
     * Returns how long to wait from wall-clock time {@code now} until the next grid time after the last one used
     * (the first grid time after {@code now} when the evaluation overran), at most two intervals.
     */
    long delayNanos(Instant now) {
        if (origin == null) {
            return 0;
        }
        long d;
        try {
            d = nanosBetween(now, at(last + 1));
        } catch (ArithmeticException | java.time.DateTimeException e) {
            return intervalNanos;
        }
        if (d < 0) {
            d = Math.floorMod(d, intervalNanos); // skip the missed ticks
        }
        // an early tick waits a little more than an interval; a clock stepped back does not stall the evaluator
        return Math.min(d, 2 * intervalNanos);
    }

    private Instant at(long k) {
        return origin.plusNanos(Math.multiplyExact(k, intervalNanos));
    }

    /** {@code b - a} in nanoseconds, saturated (a clock stepped by centuries does not overflow). */
    private static long nanosBetween(Instant a, Instant b) {
        try {
            return Duration.between(a, b).toNanos();
        } catch (ArithmeticException e) {
            return b.isAfter(a) ? Long.MAX_VALUE / 4 : Long.MIN_VALUE / 4;
        }
    }
}
