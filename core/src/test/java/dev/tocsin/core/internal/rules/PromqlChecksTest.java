package dev.tocsin.core.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Expected sample values read as promtool's YAML library (yaml.v2) reads a plain scalar into a float64. */
class PromqlChecksTest {

    /** Each checked against promtool 2.42 ({@code exp_samples: [{value: ...}]} of a matching {@code vector(...)}). */
    @ParameterizedTest
    @CsvSource({"0x10, 16", "0o20, 16", "020, 16", "016, 14", "08, 8", "0b10000, 16", "-0x10, -16", "1_000, 1000",
        "-010, -8", "0xFFFFFFFFFFFFFFFF, 18446744073709551615", ".5, 0.5", "1e2, 100", "1e21, 1e21", "+5, 5", "0, 0",
        ".inf, Infinity", "-.Inf, -Infinity"})
    void yamlNumbers(String text, double expected) {
        assertThat(PromqlChecks.yamlFloat(text)).as(text).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0x", "1.2.3", "--1", "0xG", "Inf", "NaN", "0b2", ""})
    void notYamlNumbers(String text) {
        assertThatThrownBy(() -> PromqlChecks.yamlFloat(text)).isInstanceOf(NumberFormatException.class);
    }
}
