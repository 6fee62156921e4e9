package dev.tocsin.core.internal.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tocsin.core.Alert;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Notification;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.tocsin.core.internal.notify.TestAlerts.firing;
import static dev.tocsin.core.internal.notify.TestAlerts.pending;
import static dev.tocsin.core.internal.notify.TestAlerts.resolved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WebhookDispatcherTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-25T18:00:00Z");
    private static final WebhookDispatcher.Format FORMAT = new WebhookDispatcher.Format("hook",
            "http://tocsin.example", Labels.of("cluster", "eu1"), "http://gen", true, true);

    @Test
    void theGroupKeyQuotesTheAlertNameAsAlertmanagerDoes() throws Exception {
        // what Alertmanager 0.25 sent for this name (Go's %q): control and non-printing characters escaped
        String name = "Bad\tname\n\"q\"\\ \u00a0\u00e9\u2028";
        Alert a = firing(name, "app", T0, T0.plusSeconds(60));
        JsonNode m = JSON.readTree(WebhookDispatcher.encode(
                new WebhookDispatcher.Message("firing", name, List.of(a)), FORMAT));
        assertThat(m.get("groupKey").asText())
                .isEqualTo("{}:{alertname=\"Bad\\tname\\n\\\"q\\\"\\\\ \\u00a0\u00e9\\u2028\"}");
    }

    @Test
    void messageHasAlertmanagerWebhookFieldsAndRunbook() throws Exception {
        Alert a = firing("HaproxyBackendDown", "app", T0, T0.plusSeconds(60));
        Alert b = firing("HaproxyBackendDown", "api", T0, T0.plusSeconds(60));
        JsonNode m = JSON.readTree(WebhookDispatcher.encode(
                new WebhookDispatcher.Message("firing", "HaproxyBackendDown", List.of(a, b)), FORMAT));
        assertThat(m.get("version").asText()).isEqualTo("4");
        assertThat(m.get("groupKey").asText()).isEqualTo("{}:{alertname=\"HaproxyBackendDown\"}");
        assertThat(m.get("status").asText()).isEqualTo("firing");
        assertThat(m.get("receiver").asText()).isEqualTo("hook");
        assertThat(m.get("externalURL").asText()).isEqualTo("http://tocsin.example");
        assertThat(m.get("groupLabels").get("alertname").asText()).isEqualTo("HaproxyBackendDown");
        assertThat(m.get("commonLabels").has("backend")).isFalse();
        assertThat(m.get("commonLabels").get("severity").asText()).isEqualTo("critical");
        assertThat(m.get("commonLabels").get("cluster").asText()).isEqualTo("eu1");
        assertThat(m.get("commonAnnotations").has("summary")).isFalse();
        assertThat(m.get("commonAnnotations").get("description").asText()).isEqualTo("no server up");
        JsonNode alert = m.get("alerts").get(0);
        assertThat(alert.get("status").asText()).isEqualTo("firing");
        assertThat(alert.get("startsAt").asText()).isEqualTo("2026-11-25T18:01:00Z");
        assertThat(alert.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(alert.get("generatorURL").asText()).isEqualTo("http://gen");
        assertThat(alert.get("fingerprint").asText())
                .isEqualTo(Fingerprints.hex(a.labels().with("cluster", "eu1")));
        assertThat(alert.get("runbook").get("diagnosis").get(0).asText()).isEqualTo("Check the HAProxy stats page.");
        assertThat(alert.get("context").get("down_servers").asText()).isEqualTo("s1 (DOWN)");
    }

    @Test
    void oneMessagePerRuleAndStatusForTransitionsOnly() throws Exception {
        RecordingTransport t = new RecordingTransport();
        DeliverySettings s = new DeliverySettings(100);
        s.transport = t;
        try (WebhookDispatcher d = new WebhookDispatcher(URI.create("http://hook/x"), s, FORMAT, true, 2)) {
            Alert f1 = firing("A", "1", T0, T0);
            Alert f2 = firing("A", "2", T0, T0);
            Alert f3 = firing("A", "3", T0, T0);
            Alert g = firing("B", "1", T0, T0);
            Alert r = resolved(firing("A", "9", T0, T0), T0);
            List<WebhookDispatcher.Message> msgs = d.accept(new Notification(T0, Duration.ofSeconds(5),
                    List.of(pending("A", "0", T0), f1, g, f2, r, f3), List.of(f1, f2, f3, g, r)));
            assertThat(msgs).extracting(m -> m.status() + " " + m.ruleName() + " " + m.alerts().size())
                    .containsExactly("firing A 2", "firing A 1", "firing B 1", "resolved A 1");
            assertThat(d.accept(new Notification(T0.plusSeconds(5), Duration.ofSeconds(5), List.of(),
                    List.of(f1, f2, f3, g, r)))).isEmpty();
            await().until(() -> t.posts.size() == 4);
            JsonNode resolvedMsg = JSON.readTree(t.posts.get(3).body());
            assertThat(resolvedMsg.get("status").asText()).isEqualTo("resolved");
            assertThat(resolvedMsg.get("alerts").get(0).get("endsAt").asText()).isEqualTo("2026-11-25T18:00:00Z");
        }
    }

    @Test
    void resolvedCanBeSwitchedOff() {
        DeliverySettings s = new DeliverySettings(100);
        s.transport = new RecordingTransport();
        try (WebhookDispatcher d = new WebhookDispatcher(URI.create("http://hook/x"), s, FORMAT, false, 256)) {
            Alert r = resolved(firing("A", "9", T0, T0), T0);
            assertThat(d.accept(new Notification(T0, Duration.ofSeconds(5), List.of(r), List.of(r)))).isEmpty();
        }
    }
}
