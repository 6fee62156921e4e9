package dev.tocsin.core.internal.notify;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

class Rfc3339Test {

    @Test
    void printsLikeGoRfc3339Nano() {
        assertThat(Rfc3339.format(Instant.parse("2026-11-25T18:00:00.123Z"))).isEqualTo("2026-11-25T18:00:00.123Z");
        assertThat(Rfc3339.format(Instant.parse("2026-11-25T18:00:00Z"))).isEqualTo("2026-11-25T18:00:00Z");
        assertThat(Rfc3339.format(Instant.parse("2026-01-02T03:04:05.120Z"))).isEqualTo("2026-01-02T03:04:05.12Z");
        assertThat(Rfc3339.format(Instant.parse("2026-01-02T03:04:05.000000001Z")))
                .isEqualTo("2026-01-02T03:04:05.000000001Z");
        assertThat(Rfc3339.format(Instant.parse("0001-01-01T00:00:00Z"))).isEqualTo(Rfc3339.GO_ZERO_TIME);
    }

    @Test
    void roundTripsAndNeverHasTrailingZeros() {
        qt().forAll(longs().between(-62135596800L, 253402300799L), integers().between(0, 999_999_999))
                .checkAssert((s, n) -> {
                    Instant t = Instant.ofEpochSecond(s, n);
                    String f = Rfc3339.format(t);
                    assertThat(Instant.parse(f)).isEqualTo(t);
                    // the fraction, if any, has no trailing zero
                    assertThat(f).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{0,8}[1-9])?Z");
                });
    }

    /** The Alertmanager API's form (Prometheus' payload): three digits always, the rest cut off (not rounded). */
    @Test
    void millisecondsAsTheAlertmanagerApiMarshals() {
        assertThat(Rfc3339.formatMillis(Instant.parse("2026-11-27T11:30:25.427171378Z")))
                .isEqualTo("2026-11-27T11:30:25.427Z");
        assertThat(Rfc3339.formatMillis(Instant.parse("2026-11-27T11:30:25.999999999Z")))
                .isEqualTo("2026-11-27T11:30:25.999Z");
        assertThat(Rfc3339.formatMillis(Instant.parse("2026-11-27T11:30:25Z"))).isEqualTo("2026-11-27T11:30:25.000Z");
        assertThat(Rfc3339.formatMillis(Instant.parse("1969-12-31T23:59:59.5Z"))).isEqualTo("1969-12-31T23:59:59.500Z");
        qt().forAll(longs().between(-62135596800L, 253402300799L), integers().between(0, 999_999_999))
                .checkAssert((s, n) -> {
                    Instant t = Instant.ofEpochSecond(s, n);
                    String f = Rfc3339.formatMillis(t);
                    assertThat(f).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
                    assertThat(Instant.parse(f)).isEqualTo(Instant.ofEpochSecond(s, n - n % 1_000_000));
                });
    }
}
