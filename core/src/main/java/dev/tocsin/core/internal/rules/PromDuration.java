package dev.tocsin.core.internal.rules;

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

    private PromDuration() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException with Prometheus's wording if it is not one
     */
    public static Duration parse(String s) {
        if ("0".equals(s)) {
            return Duration.ZERO;
        }
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("empty duration string");
        }
        Matcher m = P.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a valid duration string: \"" + s + "\"");
        }
        long total = 0;
        for (int i = 0; i < UNIT_MILLIS.length; i++) {
            String g = m.group(2 + 2 * i);
            if (g == null) {
                continue;
            }
            long v;
            try {
                v = Long.parseLong(g);
                total = Math.addExact(total, Math.multiplyExact(v, UNIT_MILLIS[i]));
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException("duration out of range: \"" + s + "\"");
            }
        }
        return Duration.ofMillis(total);
    }

    /** Formats like Prometheus's {@code model.Duration.String()}: e.g. {@code 1m30s}, {@code 0s}, {@code 1d}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        String[] units = {"y", "w", "d", "h", "m", "s", "ms"};
        for (int i = 0; i < UNIT_MILLIS.length; i++) {
            long v = ms / UNIT_MILLIS[i];
            if (v > 0) {
                sb.append(v).append(units[i]);
                ms -= v * UNIT_MILLIS[i];
            }
        }
        return sb.toString();
    }
}
