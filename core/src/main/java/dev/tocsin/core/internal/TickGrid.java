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
 * <p>As in Prometheus ({@code evalTimestamp += (missed + 1) * interval}), a tick takes the latest grid time that is
 * not after the wall clock (with a small tolerance for a timer that fires early by the wall clock: 1 ms plus 1 % of
 * the interval), never one already used, so grid times missed while an evaluation overran are skipped and no
 * evaluation is in the future. When no such grid time exists (the wall clock was stepped back, or a test froze it),
 * the grid starts again from the current time, as the evaluator followed the clock before. Not thread-safe: one
 * scheduling thread uses it.
 */
final class TickGrid {

    private final long intervalNanos;
    /** How far after the wall clock a grid time may be and still be taken. */
    private final long toleranceNanos;
    /** The time of grid point 0, or {@code null} before the first tick. */
    private Instant origin;
    /** The index of the last grid point used. */
    private long last;
    /** Grid times skipped because an evaluation overran (or the clock jumped forward), see {@link #takeSkipped}. */
    private long skipped;

    TickGrid(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.intervalNanos = interval.toNanos();
        this.toleranceNanos = Math.min(intervalNanos / 2, 1_000_000 + intervalNanos / 100);
    }

    /** Returns the evaluation time of a tick that fires at wall-clock time {@code now}. */
    Instant next(Instant now) {
        if (origin != null) {
            try {
                long since = nanosBetween(origin, now);
                long k = Math.max(last + 1, Math.floorDiv(since + toleranceNanos, intervalNanos));
                Instant t = at(k);
                if (nanosBetween(now, t) <= toleranceNanos) {
                    skipped += k - last - 1;
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
     * (the first grid time after {@code now} when the evaluation overran), at most one interval and the tolerance.
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
        // a tick that read the clock a little early waits a little more than an interval; a grid far ahead of the
        // clock (stepped back) does not stall the evaluator: next() then starts a new grid
        return Math.min(d, intervalNanos + toleranceNanos);
    }

    /** Returns how many grid times were skipped since the last call, and starts counting again. */
    long takeSkipped() {
        long n = skipped;
        skipped = 0;
        return n;
    }

    private Instant at(long k) {
        return origin.plusNanos(Math.multiplyExact(k, intervalNanos));
    }

    /** {@code b - a} in nanoseconds; {@link ArithmeticException} beyond about 292 years (the callers start over). */
    private static long nanosBetween(Instant a, Instant b) {
        return Duration.between(a, b).toNanos();
    }
}
