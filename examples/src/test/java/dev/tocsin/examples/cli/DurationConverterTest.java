package dev.tocsin.examples.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationConverterTest {

    @Test
    void parsesPrometheusAndIsoDurations() {
        assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationConverter.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(DurationConverter.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationConverter.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(DurationConverter.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(DurationConverter.parse("1w")).isEqualTo(Duration.ofDays(7));
        assertThat(DurationConverter.parse("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void rejectsMalformedZeroAndNegative() {
        for (String bad : new String[] {"", "5", "s", "5 s", "-5s", "5x", "PTxS", "99999999999999999999s", "0s",
                "PT0S", "PT-1S", "1.5s", "1h1h", "30s1m"}) {
            assertThatThrownBy(() -> DurationConverter.parse(bad)).as(bad)
                    .isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void atMostAYearSoThatNothingOverflows() {
        assertThat(DurationConverter.parse("365d")).isEqualTo(Duration.ofDays(365));
        assertThat(DurationConverter.parse("1y")).isEqualTo(Duration.ofDays(365));
        for (String tooLong : new String[] {"366d", "53w", "9223372036854775807ms", "1000000000w", "P106751991167D",
                "P366D"}) {
            assertThatThrownBy(() -> DurationConverter.parse(tooLong)).as(tooLong)
                    .isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessage("'" + tooLong + "' is longer than a year, the most accepted");
        }
    }

    @Test
    void atLeastAMillisecond() {
        assertThat(DurationConverter.parse("1ms")).isEqualTo(Duration.ofMillis(1));
        assertThatThrownBy(() -> DurationConverter.parse("PT0.0001S"))
                .isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("shorter than 1ms");
    }

    @Test
    void formatsTheWayItParses() {
        for (String s : new String[] {"500ms", "5s", "1m30s", "2h", "1h1m1s", "1500ms"}) {
            assertThat(DurationConverter.format(DurationConverter.parse(s))).isEqualTo(s);
        }
    }
}
