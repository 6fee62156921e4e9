package dev.tocsin.core.internal.notify;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Formats instants as Go's {@code time.RFC3339Nano} in UTC: trailing zeros of the fraction trimmed, {@code Z}. */
public final class Rfc3339 {

    /** Go's zero time, which Alertmanager puts in {@code endsAt} of firing alerts in webhook messages. */
    public static final String GO_ZERO_TIME = "0001-01-01T00:00:00Z";

    private Rfc3339() {
    }

    /** Returns e.g. {@code 2026-11-25T18:00:00.123Z} or {@code 2026-11-25T18:00:00Z}. */
    public static String format(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(30);
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            // Go refuses to marshal these; ISO form keeps them readable rather than failing.
            return instant.toString();
        }
        pad(sb, year, 4).append('-');
        pad(sb, t.getMonthValue(), 2).append('-');
        pad(sb, t.getDayOfMonth(), 2).append('T');
        pad(sb, t.getHour(), 2).append(':');
        pad(sb, t.getMinute(), 2).append(':');
        pad(sb, t.getSecond(), 2);
        int nanos = instant.getNano();
        if (nanos != 0) {
            int digits = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                digits--;
            }
            sb.append('.');
            pad(sb, nanos, digits);
        }
        return sb.append('Z').toString();
    }

    /**
     * Returns e.g. {@code 2026-11-25T18:00:00.123Z} or {@code 2026-11-25T18:00:00.000Z}: always three fraction digits,
     * the nanoseconds below them cut off, as the Alertmanager API's {@code strfmt.DateTime} marshals (Go's
     * {@code 2006-01-02T15:04:05.000Z07:00}): the form in which Prometheus posts {@code startsAt}/{@code endsAt}.
     */
    public static String formatMillis(Instant instant) {
        String whole = format(Instant.ofEpochSecond(instant.getEpochSecond()));
        if (!whole.endsWith("Z") || whole.length() != 20) {
            return instant.toString(); // a year Go cannot marshal: readable rather than failing
        }
        StringBuilder sb = new StringBuilder(24).append(whole, 0, 19).append('.');
        return pad(sb, instant.getNano() / 1_000_000, 3).append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder sb, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }
}
