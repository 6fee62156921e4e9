package dev.tocsin.haproxy.internal;

import java.time.Duration;

/** Human-readable durations for messages: {@code 5s}, {@code 250ms}, {@code 1.5s}. */
public final class Durations {

    private Durations() {
    }

    /** Formats a duration compactly. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms % 1000 == 0) {
            return (ms / 1000) + "s";
        }
        return String.format(java.util.Locale.ROOT, "%.3gs", ms / 1000.0);
    }
}
