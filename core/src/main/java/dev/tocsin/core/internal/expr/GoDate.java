package dev.tocsin.core.internal.expr;

/**
 * PromQL's date functions as Prometheus 2.42 computes them: {@code time.Unix(int64(v), 0).UTC()} and Go's calendar
 * arithmetic of that era (Go 1.19/1.20), ported so that every input gives Prometheus' answer: within Java's time range
 * the usual proleptic Gregorian calendar, and for NaN, the infinities and values beyond int64 seconds the dates Go
 * wraps them to (amd64 converts them all to the smallest int64; NaN is year 292277026596, December 4th, 15:30).
 */
final class GoDate {

    private static final long SECONDS_PER_DAY = 86_400;
    private static final long SECONDS_PER_WEEK = 7 * SECONDS_PER_DAY;
    private static final long DAYS_PER_400_YEARS = 365 * 400 + 97;
    private static final long DAYS_PER_100_YEARS = 365 * 100 + 24;
    private static final long DAYS_PER_4_YEARS = 365 * 4 + 1;
    /** Go's {@code absoluteZeroYear}: the year absolute time counts from (a year that is 1 modulo 400). */
    private static final long ABSOLUTE_ZERO_YEAR = -292_277_022_399L;
    /** Go's {@code unixToInternal + internalToAbsolute}: Unix seconds to absolute seconds (wrapping). */
    private static final long UNIX_TO_ABSOLUTE = (1969 * 365 + 1969 / 4 - 1969 / 100 + 1969 / 400) * SECONDS_PER_DAY
            + 9_223_371_966_579_724_800L;
    private static final int[] DAYS_BEFORE = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};

    private GoDate() {
    }

    /** Go's {@code int64(v)} on amd64: truncation, and the smallest int64 for NaN and what does not fit. */
    static long goInt64(double v) {
        if (Double.isNaN(v) || v >= 0x1p63 || v < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) v;
    }

    /**
     * Returns {@code function} (one of {@code day_of_month day_of_week day_of_year days_in_month hour minute month
     * year}) of the Unix time {@code seconds}, as Prometheus does.
     */
    static double of(String function, long seconds) {
        long abs = seconds + UNIX_TO_ABSOLUTE; // an unsigned count of seconds, as Go's Time.abs()
        switch (function) {
            case "hour":
                return Long.remainderUnsigned(abs, SECONDS_PER_DAY) / 3600;
            case "minute":
                return Long.remainderUnsigned(abs, 3600) / 60;
            case "day_of_week":
                return Long.remainderUnsigned(abs + SECONDS_PER_DAY, SECONDS_PER_WEEK) / SECONDS_PER_DAY;
            default:
                break;
        }
        long[] date = date(abs);
        long year = date[0];
        switch (function) {
            case "day_of_month":
                return date[2];
            case "day_of_year":
                return date[3] + 1;
            case "month":
                return date[1];
            case "days_in_month":
                return date[1] == 2 ? (isLeap(year) ? 29 : 28) : DAYS_BEFORE[(int) date[1]] - DAYS_BEFORE[(int) date[1] - 1];
            case "year":
                return year;
            default:
                throw new IllegalArgumentException("not a date function: " + function);
        }
    }

    /** Go's {@code absDate}: {year, month (1-12), day (1-31), day of the year (0-365)} of an absolute time. */
    private static long[] date(long abs) {
        long d = Long.divideUnsigned(abs, SECONDS_PER_DAY);
        long n = d / DAYS_PER_400_YEARS; // d < 2^47: signed arithmetic from here on
        long y = 400 * n;
        d -= DAYS_PER_400_YEARS * n;
        n = d / DAYS_PER_100_YEARS;
        n -= n >> 2;
        y += 100 * n;
        d -= DAYS_PER_100_YEARS * n;
        n = d / DAYS_PER_4_YEARS;
        y += 4 * n;
        d -= DAYS_PER_4_YEARS * n;
        n = d / 365;
        n -= n >> 2;
        y += n;
        d -= 365 * n;
        long year = y + ABSOLUTE_ZERO_YEAR;
        long yday = d;
        long day = yday;
        if (isLeap(year)) {
            if (day > 31 + 29 - 1) {
                day--;
            } else if (day == 31 + 29 - 1) {
                return new long[] {year, 2, 29, yday};
            }
        }
        int month = (int) (day / 31);
        int end = DAYS_BEFORE[month + 1];
        int begin;
        if (day >= end) {
            month++;
            begin = end;
        } else {
            begin = DAYS_BEFORE[month];
        }
        return new long[] {year, month + 1, day - begin + 1, yday};
    }

    private static boolean isLeap(long year) {
        return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    }
}
