package dev.tocsin.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AlertTest {

    private static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");
    private static final Labels LABELS = Labels.of("alertname", "R", "backend", "app");

    @Test
    void aBuiltSnapshotHoldsWhatWasGivenAndCopiesItsMaps() {
        Map<String, String> annotations = new HashMap<>(Map.of("summary", "down"));
        Alert a = Alert.builder("R", LABELS, AlertState.FIRING, T0).annotations(annotations).value(2)
                .firedAt(T0.plusSeconds(60)).build();
        annotations.put("summary", "changed");
        assertThat(a.annotations()).containsExactly(Map.entry("summary", "down"));
        assertThat(a.value()).isEqualTo(2);
        assertThat(a.firedAt()).contains(T0.plusSeconds(60));
        assertThat(a.resolvedAt()).isEmpty();
        assertThat(a.runbook()).isEmpty();
        assertThat(a.context()).isEmpty();
        Alert resolved = a.toBuilder().state(AlertState.RESOLVED).resolvedAt(T0.plusSeconds(120)).build();
        assertThat(resolved.firedAt()).isEqualTo(a.firedAt());
        assertThat(resolved.resolvedAt()).contains(T0.plusSeconds(120));
        assertThat(resolved.toBuilder().build()).isEqualTo(resolved);
    }

    @Test
    void alertnameIsAddedWhenMissingAndMustBeTheRulesName() {
        assertThat(Alert.builder("R", Labels.of("backend", "app"), AlertState.PENDING, T0).build().labels())
                .isEqualTo(LABELS);
        assertThatThrownBy(() -> Alert.builder("R", Labels.of("alertname", "Other"), AlertState.PENDING, T0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the alertname label (Other) is not the rule's name (R)");
    }

    @Test
    void theTimesMustFitTheState() {
        assertThatThrownBy(() -> Alert.builder("R", LABELS, AlertState.FIRING, T0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FIRING alert has a firing time");
        assertThatThrownBy(() -> Alert.builder("R", LABELS, AlertState.FIRING, T0).firedAt(T0).resolvedAt(T0)
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no resolution time");
        assertThatThrownBy(() -> Alert.builder("R", LABELS, AlertState.RESOLVED, T0).firedAt(T0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RESOLVED alert has a resolution");
        assertThatThrownBy(() -> Alert.builder("R", LABELS, AlertState.PENDING, T0).firedAt(T0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PENDING alert has neither");
    }

    @Test
    void nullsAreRefusedByName() {
        assertThatThrownBy(() -> Alert.builder(null, LABELS, AlertState.PENDING, T0))
                .isInstanceOf(NullPointerException.class).hasMessage("ruleName");
        assertThatThrownBy(() -> Alert.builder("R", LABELS, AlertState.PENDING, null))
                .isInstanceOf(NullPointerException.class).hasMessage("activeAt");
        assertThatThrownBy(() -> Alert.builder("R", LABELS, AlertState.PENDING, T0).runbook(null))
                .isInstanceOf(NullPointerException.class).hasMessage("runbook");
    }
}
