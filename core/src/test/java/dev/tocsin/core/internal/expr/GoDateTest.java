package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** PromQL's date functions as Prometheus 2.42 (Go's time package) computes them, for every input. */
class GoDateTest {

    private static final List<String> FUNCTIONS = List.of("day_of_month", "day_of_week", "day_of_year",
            "days_in_month", "hour", "minute", "month", "year");

    /** Each row: a value, then the eight functions in {@link #FUNCTIONS} order, as promtool 2.42 printed them. */
    @ParameterizedTest
    @CsvSource({
        "NaN, 4, 0, 339, 31, 15, 30, 12, 292277026596",
        "Infinity, 4, 0, 339, 31, 15, 30, 12, 292277026596",
        "-Infinity, 4, 0, 339, 31, 15, 30, 12, 292277026596",
        "1e21, 4, 0, 339, 31, 15, 30, 12, 292277026596",
        "-1e21, 4, 0, 339, 31, 15, 30, 12, 292277026596",
        "1e15, 5, 0, 187, 31, 1, 46, 7, 31690708",
        "-1e15, 29, 0, 180, 30, 22, 13, 6, -31686769",
        "-62135596801, 31, 0, 366, 31, 23, 59, 12, 0",
        "253402300800, 1, 6, 1, 31, 0, 0, 1, 10000",
        "-86401, 30, 2, 364, 31, 23, 59, 12, 1969",
        "9.3e18, 4, 0, 339, 31, 15, 30, 12, 292277026596",
        "1700000000.9, 14, 2, 318, 30, 22, 13, 11, 2023"})
    void asPromtool(double value, long dom, long dow, long doy, long dim, long hour, long minute, long month,
                    long year) {
        long[] expected = {dom, dow, doy, dim, hour, minute, month, year};
        long secs = GoDate.goInt64(value);
        for (int i = 0; i < FUNCTIONS.size(); i++) {
            assertThat(GoDate.of(FUNCTIONS.get(i), secs)).as("%s(%s)", FUNCTIONS.get(i), value)
                    .isEqualTo((double) expected[i]);
        }
    }

    @Test
    void goInt64IsAmd64sConversion() {
        assertThat(GoDate.goInt64(Double.NaN)).isEqualTo(Long.MIN_VALUE);
        assertThat(GoDate.goInt64(Double.POSITIVE_INFINITY)).isEqualTo(Long.MIN_VALUE);
        assertThat(GoDate.goInt64(0x1p63)).isEqualTo(Long.MIN_VALUE);
        assertThat(GoDate.goInt64(-0x1p63)).isEqualTo(Long.MIN_VALUE);
        assertThat(GoDate.goInt64(-1.9)).isEqualTo(-1);
        assertThat(GoDate.goInt64(0x1p62)).isEqualTo(1L << 62);
    }

    /** Within java.time's range Go's calendar is the proleptic Gregorian one. */
    @Test
    void agreesWithJavaTimeWithinItsRange() {
        qt().forAll(longs().between(-50_000_000_000_000L, 50_000_000_000_000L)).checkAssert(secs -> {
            ZonedDateTime t = Instant.ofEpochSecond(secs).atZone(ZoneOffset.UTC);
            long[] java = {t.getDayOfMonth(), t.getDayOfWeek().getValue() % 7, t.getDayOfYear(),
                t.toLocalDate().lengthOfMonth(), t.getHour(), t.getMinute(), t.getMonthValue(), t.getYear()};
            for (int i = 0; i < FUNCTIONS.size(); i++) {
                assertThat(GoDate.of(FUNCTIONS.get(i), secs)).as("%s(%d)", FUNCTIONS.get(i), secs)
                        .isEqualTo((double) java[i]);
            }
        });
    }
}
