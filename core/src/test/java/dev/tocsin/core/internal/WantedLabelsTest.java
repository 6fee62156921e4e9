package dev.tocsin.core.internal;

import dev.tocsin.core.Labels;
import dev.tocsin.core.MetricsView;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.maps;

class WantedLabelsTest {

    private static final Labels SERVER = Labels.of("__name__", "haproxy_server_up", "backend", "app",
            "server", "s1", "instance", "h:1");

    @Test
    void matchesWhenEveryWantedLabelHasItsValue() {
        assertThat(WantedLabels.of(Map.of("backend", "app", "server", "s1")).test(SERVER)).isTrue();
        assertThat(WantedLabels.of(Map.of("backend", "app", "server", "s2")).test(SERVER)).isFalse();
        assertThat(WantedLabels.of(Map.of("backend", "app", "job", "haproxy")).test(SERVER)).isFalse();
        assertThat(WantedLabels.of(Map.of()).test(SERVER)).isTrue();
    }

    @Test
    void anEmptyWantedValueMatchesAnAbsentLabelAsPrometheusDoes() {
        assertThat(WantedLabels.of(Map.of("job", "")).test(SERVER)).isTrue();
        assertThat(WantedLabels.of(Map.of("backend", "")).test(SERVER)).isFalse();
    }

    @Test
    void aMapWhoseSizeDisagreesWithItsEntriesIsReadByItsEntries() {
        // as a map changed by another thread between size() and the iteration would look
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("backend", "app");
        entries.put("server", "s2");
        Map<String, String> sizeLies = new java.util.AbstractMap<>() {
            @Override
            public java.util.Set<Map.Entry<String, String>> entrySet() {
                return entries.entrySet();
            }

            @Override
            public int size() {
                return 1;
            }
        };
        assertThat(WantedLabels.of(sizeLies).test(SERVER)).as("both entries are tested").isFalse();
        entries.put("server", "s1");
        assertThat(WantedLabels.of(sizeLies).test(SERVER)).isTrue();
    }

    @Test
    void nullNamesAndValuesAreRefusedWithTheirName() {
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("backend", null);
        assertThatThrownBy(() -> WantedLabels.of(nullValue)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("backend");
        Map<String, String> nullName = new HashMap<>();
        nullName.put(null, "app");
        assertThatThrownBy(() -> WantedLabels.of(nullName)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> WantedLabels.of(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void givesTheSameAnswerAsTheMapTestOfMetricsView() {
        Gen<Map<String, String>> wanted = maps().of(integers().between(0, 4).map(i -> "l" + i),
                integers().between(0, 2).map(i -> i == 0 ? "" : "v" + i)).ofSizeBetween(0, 4);
        qt().forAll(wanted, wanted).checkAssert((w, have) -> {
            Labels labels = Labels.of(new LinkedHashMap<>(have));
            assertThat(WantedLabels.of(w).test(labels)).isEqualTo(MetricsView.matches(labels, w));
        });
    }
}
