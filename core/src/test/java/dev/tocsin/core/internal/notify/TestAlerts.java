package dev.tocsin.core.internal.notify;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Notification;
import dev.tocsin.core.Runbook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Hand-made alerts and notifications for notifier tests. */
public final class TestAlerts {

    private TestAlerts() {
    }

    public static Labels labels(String rule, String backend) {
        return Labels.of("alertname", rule, "backend", backend, "severity", "critical");
    }

    public static Alert pending(String rule, String backend, Instant activeAt) {
        return Alert.builder(rule, labels(rule, backend), AlertState.PENDING, activeAt)
                .annotations(Map.of("summary", "backend " + backend + " down")).build();
    }

    public static Alert firing(String rule, String backend, Instant activeAt, Instant firedAt) {
        return Alert.builder(rule, labels(rule, backend), AlertState.FIRING, activeAt)
                .annotations(Map.of("summary", "backend " + backend + " down", "description", "no server up"))
                .firedAt(firedAt).runbook(runbook(rule)).context(Map.of("down_servers", "s1 (DOWN)")).build();
    }

    public static Alert resolved(Alert firing, Instant resolvedAt) {
        return firing.toBuilder().state(AlertState.RESOLVED).resolvedAt(resolvedAt).build();
    }

    public static Runbook runbook(String rule) {
        return Runbook.builder(rule).summary("A backend has no server able to take traffic.")
                .meaning("All servers down.").impactPoint("Requests fail with 503.")
                .diagnosisStep("Check the HAProxy stats page.").diagnosisStep("Check the servers' health checks.")
                .diagnosisStep("Look at recent deploys.").diagnosisStep("Check the network.")
                .mitigationStep("Restart the servers.").build();
    }

    public static Notification notification(Instant time, Duration interval, List<Alert> transitions,
                                            List<Alert> active) {
        return new Notification(time, interval, transitions, active);
    }
}
