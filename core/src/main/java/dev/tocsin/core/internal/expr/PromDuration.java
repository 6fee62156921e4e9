package dev.tocsin.core.internal.expr;

import dev.tocsin.core.internal.template.GoFmt;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus durations ({@code model.ParseDuration}): units {@code y w d h m s ms} in that order, each at most once,
 * integers only; {@code 0} alone is zero. A year is 365 days.
 */
public final class PromDuration {

    private static final Pattern P = Pattern.compile(
            "^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$");
    private static final long[] UNIT_MILLIS = {
        365L * 24 * 3600_000, 7L * 24 * 3600_000, 24L * 3600_000, 3600_000L, 60_000L, 1000L, 1L};
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private PromDuration() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException with Prometheus's wording if it is not one
     */
    public static Duration parse(String s) {
        return Duration.ofMillis(parseMillis(s));
    }

    /**
     * Parses a duration into milliseconds exactly as Prometheus' {@code model.ParseDuration}, including its range: a
     * Go {@code time.Duration} counts nanoseconds in an int64, so a duration must stay under about 292 years
     * ({@code 292y} is accepted, {@code 293y} and {@code 292y52w} are not).
     *
     * @throws IllegalArgumentException with Prometheus's message ({@code empty duration string},
     *     {@code not a valid duration string: "..."}, {@code duration out of range})
     */
    public static long parseMillis(String s) {
        if ("0".equals(s)) {
            return 0;
        }
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("empty duration string");
        }
        Matcher m = P.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a valid duration string: " + GoFmt.quote(s));
        }
        long nanos = 0;
        boolean outOfRange = false;
        for (int i = 0; i < UNIT_MILLIS.length; i++) {
            String g = m.group(2 + 2 * i);
            if (g == null) {
                continue;
            }
            long n = atoi(g);
            // Go's checks, with its wrapping int64 arithmetic
            if (n > Long.MAX_VALUE / UNIT_MILLIS[i] / NANOS_PER_MILLI) {
                outOfRange = true;
            }
            nanos += n * NANOS_PER_MILLI * UNIT_MILLIS[i];
            if (nanos < 0) {
                outOfRange = true;
            }
        }
        if (outOfRange) {
            throw new IllegalArgumentException("duration out of range");
        }
        return nanos / NANOS_PER_MILLI;
    }

    /** Go's {@code strconv.Atoi} of a digit string, which gives the largest int64 when the number is larger. */
    private static long atoi(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Formats like Prometheus's {@code model.Duration.String()}: e.g. {@code 1m30s}, {@code 0s}, {@code 1d}; years and
     * weeks only when they divide what is left exactly ({@code 2w}, but {@code 8d} rather than {@code 1w1d}).
     */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        String[] units = {"y", "w", "d", "h", "m", "s", "ms"};
        for (int i = 0; i < UNIT_MILLIS.length; i++) {
            if (i < 2 && ms % UNIT_MILLIS[i] != 0) {
                continue; // "it is often easier to read 90d than 12w6d"
            }
            long v = ms / UNIT_MILLIS[i];
            if (v > 0) {
                sb.append(v).append(units[i]);
                ms -= v * UNIT_MILLIS[i];
            }
        }
        return sb.toString();
    }
}
