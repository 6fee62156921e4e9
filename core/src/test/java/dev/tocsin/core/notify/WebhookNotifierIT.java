package dev.tocsin.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tocsin.core.Alert;
import dev.tocsin.core.Notification;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static dev.tocsin.core.internal.notify.TestAlerts.firing;
import static dev.tocsin.core.internal.notify.TestAlerts.resolved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The webhook notifier against a real HTTP receiver, including a receiver that fails for a while. */
class WebhookNotifierIT {

    @Test
    void deliversFiringAndResolvedMessagesAndRetriesThroughAnOutage() throws Exception {
        try (TestHttpServer receiver = new TestHttpServer(503);
             WebhookNotifier n = WebhookNotifier.builder().url(receiver.url("/hook")).receiver("ops")
                     .bearerToken("tok").backoff(Duration.ofMillis(50), 2, Duration.ofMillis(200))
                     .circuitBreaker(50, 10, Duration.ofMillis(200)).build()) {
            Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            Alert f = firing("HaproxyBackendDown", "app", t0, t0);
            n.accept(new Notification(t0, Duration.ofSeconds(5), List.of(f), List.of(f)));
            await().atMost(Duration.ofSeconds(10)).until(() -> n.stats().retried() >= 1);
            receiver.status(200);
            Alert r = resolved(f, t0.plusSeconds(10));
            n.accept(new Notification(t0.plusSeconds(10), Duration.ofSeconds(5), List.of(r), List.of(r)));
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.bodies.size() >= 2);
            JsonNode firingMsg = receiver.bodies.get(0);
            assertThat(firingMsg.get("status").asText()).isEqualTo("firing");
            assertThat(firingMsg.get("receiver").asText()).isEqualTo("ops");
            assertThat(firingMsg.get("alerts").get(0).get("runbook").get("title").asText())
                    .isEqualTo("HaproxyBackendDown");
            assertThat(receiver.bodies.get(1).get("status").asText()).isEqualTo("resolved");
            assertThat(n.stats().sent()).isEqualTo(2);
            assertThat(n.stats().dropped()).isZero();
        }
    }
}
