package dev.tocsin.haproxy.internal;

import java.time.Duration;

/**
 * A point in monotonic time ({@link System#nanoTime()}) by which an exchange must be complete. Inside a scrape
 * ({@link #beginScrape}) no deadline lies beyond the scrape's own: its attempts and retries share one budget.
 */
public final class Deadline {

    /** The current thread's scrape: {deadline in nanos, budget in nanos}, or null outside one. */
    private static final ThreadLocal<long[]> SCRAPE = new ThreadLocal<>();

    private final long deadlineNanos;
    private final Duration budget;
    /** The scrape's budget when it is what this deadline ends at, else null. */
    private final Duration scrapeBudget;

    private Deadline(long deadlineNanos, Duration budget, Duration scrapeBudget) {
        this.deadlineNanos = deadlineNanos;
        this.budget = budget;
        this.scrapeBudget = scrapeBudget;
    }

    /**
     * Starts a scrape on this thread: until {@link #endScrape}, every deadline ends at the latest {@code budget}
     * from now.
     */
    public static void beginScrape(Duration budget) {
        SCRAPE.set(new long[] {System.nanoTime() + budget.toNanos(), budget.toNanos()});
    }

    /** Ends this thread's scrape. */
    public static void endScrape() {
        SCRAPE.remove();
    }

    /** Returns the nanoseconds left of this thread's scrape ({@code Long.MAX_VALUE} outside one; negative after). */
    public static long scrapeRemainingNanos() {
        long[] s = SCRAPE.get();
        return s == null ? Long.MAX_VALUE : s[0] - System.nanoTime();
    }

    /** Returns a deadline {@code budget} from now, or the scrape's when that is earlier. */
    public static Deadline after(Duration budget) {
        long d = System.nanoTime() + budget.toNanos();
        long[] s = SCRAPE.get();
        if (s != null && s[0] - d < 0) {
            return new Deadline(s[0], budget, Duration.ofNanos(s[1]));
        }
        return new Deadline(d, budget, null);
    }

    /** Returns the milliseconds left, at least 1 while time remains, 0 once expired. */
    public long remainingMillis() {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return 0;
        }
        return Math.max(1, left / 1_000_000L);
    }

    /** Returns whether this deadline is the scrape's (its budget leaves less than the exchange's own timeout). */
    public boolean scrapeBound() {
        return scrapeBudget != null;
    }

    /** Returns whether the deadline has passed. */
    public boolean expired() {
        return deadlineNanos - System.nanoTime() <= 0;
    }

    /**
     * Returns the exception to throw on expiry: "timeout after 5s while reading the response", or, when the scrape's
     * budget ran out first, "timeout: the scrape's budget of 7s (connect and read timeouts, retries included) ran out
     * while reading the response".
     */
    public FetchException timeout(String whileDoing) {
        if (scrapeBudget != null) {
            return new FetchException("timeout: the scrape's budget of " + Durations.format(scrapeBudget)
                    + " (connect and read timeouts, retries included) ran out while " + whileDoing, false, null);
        }
        return new FetchException("timeout after " + Durations.format(budget) + " while " + whileDoing, false, null);
    }
}
