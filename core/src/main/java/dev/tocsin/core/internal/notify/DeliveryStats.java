package dev.tocsin.core.internal.notify;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one delivery target. */
public final class DeliveryStats {
    /** Items (alerts or messages) delivered with a 2xx answer. */
    public final LongAdder sent = new LongAdder();
    /** Items whose delivery failed after the retry budget (or with a non-retryable answer). */
    public final LongAdder failed = new LongAdder();
    /** Items dropped because the queue was full, or still queued when close() gave up. */
    public final LongAdder dropped = new LongAdder();
    /** Retry attempts (requests repeated after a failure). */
    public final LongAdder retried = new LongAdder();
}
