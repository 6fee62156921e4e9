package dev.tocsin.haproxy.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves by hand (for the HAProxy source's circuit breaker and {@code show info} backoff). */
public final class MutableClock extends Clock {

    /** The current instant; tests set it or {@link #advance} it. */
    public volatile Instant now = Instant.parse("2024-01-01T00:00:00Z");

    /**
     * Moves the clock forward.
     *
     * @param d how far
     */
    public void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
