package dev.tocsin.haproxy.internal;

import java.time.Duration;

/** A point in monotonic time ({@link System#nanoTime()}) by which an exchange must be complete. */
public final class Deadline {

    private final long deadlineNanos;
    private final Duration budget;

    private Deadline(long deadlineNanos, Duration budget) {
        this.deadlineNanos = deadlineNanos;
        this.budget = budget;
    }

    /** Returns a deadline {@code budget} from now. */
    public static Deadline after(Duration budget) {
        return new Deadline(System.nanoTime() + budget.toNanos(), budget);
    }

    /** Returns the milliseconds left, at least 1 while time remains, 0 once expired. */
    public long remainingMillis() {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return 0;
        }
        return Math.max(1, left / 1_000_000L);
    }

    /** Returns whether the deadline has passed. */
    public boolean expired() {
        return deadlineNanos - System.nanoTime() <= 0;
    }

    /** Returns the exception to throw on expiry: "timeout after 5s while reading the response". */
    public FetchException timeout(String whileDoing) {
        return new FetchException("timeout after " + Durations.format(budget) + " while " + whileDoing, false, null);
    }
}
