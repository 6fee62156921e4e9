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
        return new Alert(rule, labels(rule, backend), Map.of("summary", "backend " + backend + " down"),
                AlertState.PENDING, 0, activeAt, null, null, null, Map.of());
    }

    public static Alert firing(String rule, String backend, Instant activeAt, Instant firedAt) {
        return new Alert(rule, labels(rule, backend), Map.of("summary", "backend " + backend + " down",
                "description", "no server up"), AlertState.FIRING, 0, activeAt, firedAt, null, runbook(rule),
                Map.of("down_servers", "s1 (DOWN)"));
    }

    public static Alert resolved(Alert firing, Instant resolvedAt) {
        return new Alert(firing.ruleName(), firing.labels(), firing.annotations(), AlertState.RESOLVED,
                firing.value(), firing.activeAt(), firing.firedAt().orElseThrow(), resolvedAt,
                firing.runbook().orElse(null), firing.context());
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
