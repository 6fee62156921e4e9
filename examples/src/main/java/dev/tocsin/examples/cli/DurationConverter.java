package dev.tocsin.examples.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a positive duration written the Prometheus way ({@code 500ms}, {@code 5s}, {@code 1m30s}, {@code 2h},
 * {@code 1d}) or in ISO-8601 ({@code PT5S}).
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d|w))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /**
     * Returns the duration.
     *
     * @throws CommandLine.TypeConversionException if it is malformed, zero or negative
     */
    static Duration parse(String value) {
        Duration d;
        if (value.startsWith("P") || value.startsWith("p")) {
            try {
                d = Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw bad(value);
            }
        } else {
            if (!WHOLE.matcher(value).matches()) {
                throw bad(value);
            }
            d = Duration.ZERO;
            Matcher m = PART.matcher(value);
            try {
                while (m.find()) {
                    long n = Long.parseLong(m.group(1));
                    Duration unit;
                    switch (m.group(2)) {
                        case "ms": unit = Duration.ofMillis(n); break;
                        case "s": unit = Duration.ofSeconds(n); break;
                        case "m": unit = Duration.ofMinutes(n); break;
                        case "h": unit = Duration.ofHours(n); break;
                        case "d": unit = Duration.ofDays(n); break;
                        default: unit = Duration.ofDays(Math.multiplyExact(n, 7)); break;
                    }
                    d = d.plus(unit);
                }
            } catch (ArithmeticException | NumberFormatException e) {
                throw bad(value);
            }
        }
        if (d.isNegative() || d.isZero()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a positive duration");
        }
        return d;
    }

    private static CommandLine.TypeConversionException bad(String value) {
        return new CommandLine.TypeConversionException("'" + value
                + "' is not a duration (examples: 500ms, 5s, 1m30s, PT5S)");
    }

    /** Returns the duration the way it is written on the command line, e.g. {@code 1m30s} or {@code 500ms}. */
    static String format(Duration d) {
        if (d.toMillisPart() != 0 || d.isZero()) {
            return d.toMillis() + "ms";
        }
        StringBuilder sb = new StringBuilder();
        long h = d.toHours();
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (d.toMinutesPart() > 0) {
            sb.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0) {
            sb.append(d.toSecondsPart()).append('s');
        }
        return sb.toString();
    }
}
