package dev.tocsin.core;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

class LabelsTest {

    @Test
    void sortedValidatedAndEmptyValuesDropped() {
        Labels l = Labels.of("b", "2", "a", "1", "c", "");
        assertThat(l.size()).isEqualTo(2);
        assertThat(l.name(0)).isEqualTo("a");
        assertThat(l.get("c")).isEmpty();
        assertThat(l.has("c")).isFalse();
        assertThat(l.toString()).isEqualTo("{a=\"1\", b=\"2\"}");
        assertThatThrownBy(() -> Labels.of("1a", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1a");
        assertThatThrownBy(() -> Labels.of("a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Labels.of("a", "1", "a", "2")).hasMessageContaining("repeated");
    }

    @Test
    void anyUtf8ValueAndEscapingInToString() {
        Labels l = Labels.of("msg", "é \"q\"\n\\");
        assertThat(l.get("msg")).isEqualTo("é \"q\"\n\\");
        assertThat(l.toString()).isEqualTo("{msg=\"é \\\"q\\\"\\n\\\\\"}");
    }

    @Test
    void withWithoutAndDefaults() {
        Labels l = Labels.of("__name__", "up", "job", "x");
        assertThat(l.withoutMetricName()).isEqualTo(Labels.of("job", "x"));
        assertThat(l.metricName()).isEqualTo("up");
        assertThat(l.with("a", "1")).isEqualTo(Labels.of("__name__", "up", "a", "1", "job", "x"));
        assertThat(l.with("job", "")).isEqualTo(Labels.of("__name__", "up"));
        Labels d = Labels.of("instance", "h:1", "job", "default");
        assertThat(l.withDefaults(d)).isEqualTo(Labels.of("__name__", "up", "instance", "h:1", "job", "x"));
        Labels full = Labels.of("instance", "i", "job", "j");
        assertThat(full.withDefaults(d)).isSameAs(full);
    }

    @Test
    void propertiesAgreeWithASortedMap() {
        qt().forAll(lists().of(integers().between(0, 20)).ofSizeBetween(0, 12),
                        strings().basicLatinAlphabet().ofLengthBetween(0, 5))
                .checkAssert((keys, value) -> {
                    java.util.TreeMap<String, String> m = new java.util.TreeMap<>();
                    Labels.Builder b = Labels.builder();
                    for (int k : keys) {
                        String name = "l" + k;
                        b.put(name, value + k);
                        m.put(name, value + k);
                    }
                    Labels l = b.build();
                    assertThat(l.asMap()).isEqualTo(m);
                    assertThat(Labels.of(m)).isEqualTo(l).hasSameHashCodeAs(l);
                    for (Map.Entry<String, String> e : m.entrySet()) {
                        assertThat(l.get(e.getKey())).isEqualTo(e.getValue());
                        assertThat(l.without(e.getKey()).has(e.getKey())).isFalse();
                        assertThat(l.without(e.getKey()).with(e.getKey(), e.getValue())).isEqualTo(l);
                    }
                    Labels extra = Labels.of("zz", "1", "l3", "other");
                    Labels merged = l.withDefaults(extra);
                    assertThat(merged.get("zz")).isEqualTo("1");
                    assertThat(merged.get("l3")).isEqualTo(m.getOrDefault("l3", "other"));
                });
    }
}
