package dev.tocsin.haproxy;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The strict exposition-format parser that {@link ExporterParityIT} judges the exporter's output with. */
class PromTextTest {

    @Test
    void parsesNamesLabelsEscapesAndGoFloats() {
        Map<String, Double> m = PromText.parse("# HELP x y\n# TYPE x gauge\n"
                + "x 1\n"
                + "y{b=\"2\",a=\"q\\\"u\\\\o\\nte\"} 1.2808192e+07\n"
                + "z{code=\"5xx\",} -Inf 1700000000000\n"
                + "w NaN\n\n");
        assertThat(m).containsOnlyKeys("x{}", "y{a=\"q\\\"u\\\\o\\nte\",b=\"2\"}", "z{code=\"5xx\"}", "w{}");
        assertThat(m.get("y{a=\"q\\\"u\\\\o\\nte\",b=\"2\"}")).isEqualTo(12808192.0);
        assertThat(m.get("z{code=\"5xx\"}")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(m.get("w{}")).isNaN();
        assertThat(PromText.labelsOf("y{a=\"q\\\"u\\\\o\\nte\",b=\"2\"}"))
                .containsExactly(Map.entry("a", "q\"u\\o\nte"), Map.entry("b", "2"));
        assertThat(PromText.nameOf("z{code=\"5xx\"}")).isEqualTo("z");
    }

    @Test
    void rejectsMalformedLinesNamingTheLine() {
        assertThatThrownBy(() -> PromText.parse("x 1\nx{a=\"b\\t\"} 1")).hasMessageStartingWith("line 2: unknown escape");
        assertThatThrownBy(() -> PromText.parse("x{a=\"b} 1")).hasMessageContaining("unexpected end of line");
        assertThatThrownBy(() -> PromText.parse("x{a=\"1\",a=\"2\"} 1")).hasMessageContaining("duplicate label a");
        assertThatThrownBy(() -> PromText.parse("x 1\nx 2")).hasMessageContaining("duplicate series x{}");
        assertThatThrownBy(() -> PromText.parse("x one")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> PromText.parse("x 1 2 3")).hasMessageContaining("value [timestamp]");
        assertThatThrownBy(() -> PromText.parse("1x 1")).hasMessageContaining("metric name");
        assertThatThrownBy(() -> PromText.parse("x{a=\"1\"}1")).hasMessageContaining("space before the value");
    }
}
