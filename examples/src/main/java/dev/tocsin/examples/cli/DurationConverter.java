package dev.tocsin.examples.cli;

import dev.tocsin.core.internal.expr.PromDuration;
import picocli.CommandLine;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * Parses a positive duration of at most a year, written the Prometheus way ({@code 500ms}, {@code 5s}, {@code 1m30s},
 * {@code 2h}, {@code 1d}: units from the largest, each once) or in ISO-8601 ({@code PT5S}).
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    /** The longest duration accepted: a year (an interval or a timeout beyond it is a mistake, and no overflow). */
    static final Duration MAX = Duration.ofDays(365);

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
            // Prometheus' syntax and rules: units from largest to smallest, each once (1m30s, not 1h1h)
            try {
                d = Duration.ofMillis(PromDuration.parseMillis(value));
            } catch (IllegalArgumentException e) {
                if (e.getMessage().contains("out of range")) {
                    throw tooLong(value);
                }
                throw bad(value);
            }
        }
        if (d.isNegative() || d.isZero()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a positive duration");
        }
        if (d.compareTo(MAX) > 0) {
            throw tooLong(value);
        }
        if (d.compareTo(Duration.ofMillis(1)) < 0) {
            throw new CommandLine.TypeConversionException("'" + value + "' is shorter than 1ms, the least accepted");
        }
        return d;
    }

    private static CommandLine.TypeConversionException tooLong(String value) {
        return new CommandLine.TypeConversionException("'" + value + "' is longer than a year, the most accepted");
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
