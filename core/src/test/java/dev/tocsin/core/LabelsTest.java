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
    void withoutMetricNameOfALargeSetHasTheHashOfItsPairs() {
        // more than 64 names and values after the metric name: beyond the table of powers of 31
        java.util.TreeMap<String, String> m = new java.util.TreeMap<>();
        for (int i = 0; i < 40; i++) {
            m.put("l" + i, "v" + i);
        }
        java.util.TreeMap<String, String> named = new java.util.TreeMap<>(m);
        named.put("__name__", "metric_a");
        Labels nameless = Labels.of(named).withoutMetricName();
        assertThat(nameless).isEqualTo(Labels.of(m)).hasSameHashCodeAs(Labels.of(m));
        assertThat(nameless.hashCode()).isEqualTo(flat(m).hashCode());
        assertThat(nameless.metricName()).isEmpty();
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

    /** The flat name/value list of a sorted model. */
    private static java.util.List<String> flat(java.util.SortedMap<String, String> m) {
        java.util.List<String> f = new java.util.ArrayList<>();
        m.forEach((k, v) -> {
            f.add(k);
            f.add(v);
        });
        return f;
    }

    private static int compareFlat(java.util.List<String> a, java.util.List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** Every way of building a set (builder, with/without chains, defaults) behaves as the same sorted map. */
    @Test
    void everyConstructionPathAgreesWithTheModel() {
        String[] names = {"__name__", "A", "Zed", "_a", "a", "backend", "job", "__x", "_"};
        qt().forAll(lists().of(integers().between(0, names.length - 1)).ofSizeBetween(0, 8),
                        lists().of(integers().between(0, names.length - 1)).ofSizeBetween(0, 8),
                        integers().between(0, 3))
                .checkAssert((keys, others, variant) -> {
                    java.util.TreeMap<String, String> m = new java.util.TreeMap<>();
                    java.util.TreeMap<String, String> o = new java.util.TreeMap<>();
                    Labels.Builder b = Labels.builder();
                    Labels chained = Labels.empty();
                    for (int k : keys) {
                        String v = "v" + (k + variant);
                        m.put(names[k], v);
                        b.put(names[k], v);
                        chained = chained.with(names[k], v);
                    }
                    for (int k : others) {
                        o.put(names[k], "w" + k);
                    }
                    Labels built = b.build();
                    // the same set, reached through a set with a different metric name / via defaults
                    Labels viaOtherName = built.with("__name__", "zz").with("__name__", m.getOrDefault("__name__",
                            "")).withDefaults(Labels.empty());
                    Labels viaDefaults = built.withoutMetricName().withDefaults(m.containsKey("__name__")
                            ? Labels.of("__name__", m.get("__name__")) : Labels.empty());
                    for (Labels l : java.util.List.of(built, chained, viaOtherName, viaDefaults, Labels.of(m))) {
                        assertThat(l.asMap()).isEqualTo(m);
                        assertThat(l.size()).isEqualTo(m.size());
                        assertThat(l.isEmpty()).isEqualTo(m.isEmpty());
                        assertThat(l.hashCode()).isEqualTo(flat(m).hashCode());
                        assertThat(l).isEqualTo(built).hasSameHashCodeAs(built);
                        assertThat(l.compareTo(built)).isZero();
                        assertThat(l.toString()).isEqualTo(built.toString());
                        assertThat(l.metricName()).isEqualTo(m.getOrDefault("__name__", ""));
                        int i = 0;
                        for (Map.Entry<String, String> e : m.entrySet()) {
                            assertThat(l.name(i)).isEqualTo(e.getKey());
                            assertThat(l.value(i)).isEqualTo(e.getValue());
                            i++;
                        }
                        for (String n : names) {
                            assertThat(l.get(n)).isEqualTo(m.getOrDefault(n, ""));
                            assertThat(l.has(n)).isEqualTo(m.containsKey(n));
                            java.util.TreeMap<String, String> w = new java.util.TreeMap<>(m);
                            w.remove(n);
                            assertThat(l.without(n).asMap()).isEqualTo(w);
                            assertThat(l.without(n)).isEqualTo(Labels.of(w)).hasSameHashCodeAs(Labels.of(w));
                            w.put(n, "new");
                            assertThat(l.with(n, "new").asMap()).isEqualTo(w);
                            assertThat(l.with(n, "new")).isEqualTo(Labels.of(w)).hasSameHashCodeAs(Labels.of(w));
                        }
                        java.util.TreeMap<String, String> nameless = new java.util.TreeMap<>(m);
                        nameless.remove("__name__");
                        assertThat(l.withoutMetricName()).isEqualTo(Labels.of(nameless))
                                .hasSameHashCodeAs(Labels.of(nameless));
                        assertThat(l.withoutMetricName().hashCode()).isEqualTo(flat(nameless).hashCode());
                        Labels other = Labels.of(o);
                        assertThat(Integer.signum(l.compareTo(other)))
                                .isEqualTo(Integer.signum(compareFlat(flat(m), flat(o))));
                        assertThat(l.equals(other)).isEqualTo(m.equals(o));
                        java.util.TreeMap<String, String> d = new java.util.TreeMap<>(o);
                        d.putAll(m);
                        assertThat(l.withDefaults(other).asMap()).isEqualTo(d);
                        assertThat(l.withDefaults(other)).isEqualTo(Labels.of(d)).hasSameHashCodeAs(Labels.of(d));
                        assertThat(l.toBuilder().build()).isEqualTo(l);
                    }
                });
    }

    @Test
    void nullArgumentsAreNamedInTheException() {
        Labels l = Labels.of("a", "b");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Labels.of(null, "x"))
                .isInstanceOf(NullPointerException.class).hasMessage("label name at position 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> l.with("a", null))
                .isInstanceOf(NullPointerException.class).hasMessage("value");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> l.get(null))
                .isInstanceOf(NullPointerException.class).hasMessage("name");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> l.without((String) null))
                .isInstanceOf(NullPointerException.class).hasMessage("name");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> l.withDefaults(null))
                .isInstanceOf(NullPointerException.class).hasMessage("defaults");
    }
}
