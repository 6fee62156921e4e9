package dev.tocsin.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tocsin.core.Alert;
import dev.tocsin.core.Notification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.tocsin.core.internal.notify.TestAlerts.firing;
import static dev.tocsin.core.internal.notify.TestAlerts.resolved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Against the real Alertmanager binary. */
class AlertmanagerNotifierIT {

    private static final Duration RESEND = Duration.ofSeconds(1);
    private static final Duration INTERVAL = Duration.ofMillis(100);

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void tearDown() throws Exception {
        loop.shutdownNow();
        loop.awaitTermination(5, TimeUnit.SECONDS);
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closeables.add(c);
        return c;
    }

    private AlertmanagerNotifier notifier(AlertmanagerNotifier.Builder b) {
        return closeLater(b.resendDelay(RESEND).timeout(Duration.ofSeconds(2))
                .backoff(Duration.ofMillis(100), 2, Duration.ofMillis(400))
                .circuitBreaker(50, 10, Duration.ofMillis(300))
                .build());
    }

    /** Simulates the evaluator: every INTERVAL, the current active alerts (and transitions once). */
    private final class Evaluations {
        final AtomicReference<List<Alert>> active = new AtomicReference<>(List.of());
        final AtomicReference<List<Alert>> transitions = new AtomicReference<>(List.of());

        Evaluations(AlertmanagerNotifier notifier) {
            loop.scheduleAtFixedRate(() -> notifier.accept(new Notification(Instant.now(), INTERVAL,
                    transitions.getAndSet(List.of()), active.get())), 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }

        void set(Alert a) {
            transitions.set(List.of(a));
            active.set(List.of(a));
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    @Test
    void firingAlertAppearsAndResolvedAlertResolves() throws Exception {
        TestHttpServer hook = closeLater(new TestHttpServer(200));
        AlertmanagerProcess am = closeLater(AlertmanagerProcess.start(Files.createDirectories(dir.resolve("am")),
                hook.url("/hook")));
        AlertmanagerNotifier notifier = notifier(AlertmanagerNotifier.builder().url(am.url()));
        Evaluations ev = new Evaluations(notifier);

        Instant fired = now();
        Alert f = firing("TocsinIT", "app", fired.minusSeconds(30), fired);
        ev.set(f);

        await().atMost(Duration.ofSeconds(10)).until(() -> am.alertsWith("backend", "app").size() == 1);
        JsonNode got = am.alertsWith("backend", "app").get(0);
        assertThat(got.get("labels").properties()).hasSize(f.labels().size());
        f.labels().forEach((k, v) -> assertThat(got.get("labels").get(k).asText()).isEqualTo(v));
        f.annotations().forEach((k, v) -> assertThat(got.get("annotations").get(k).asText()).isEqualTo(v));
        assertThat(Instant.parse(got.get("startsAt").asText())).isEqualTo(fired);
        assertThat(Instant.parse(got.get("endsAt").asText())).isAfter(Instant.now());
        assertThat(got.get("status").get("state").asText()).isEqualTo("active");
        assertThat(got.get("fingerprint").asText()).isEqualTo(AlertFingerprint.of(f.labels()));

        await().atMost(Duration.ofSeconds(10)).until(() -> hook.bodies.stream()
                .anyMatch(b -> b.get("status").asText().equals("firing")));

        Instant resolvedAt = now();
        ev.set(resolved(f, resolvedAt));
        await().atMost(Duration.ofSeconds(10)).until(() -> am.alertsWith("backend", "app").isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> hook.bodies.stream()
                .anyMatch(b -> b.get("status").asText().equals("resolved")));
        JsonNode resolvedMsg = hook.bodies.stream().filter(b -> b.get("status").asText().equals("resolved"))
                .findFirst().orElseThrow();
        JsonNode ra = resolvedMsg.get("alerts").get(0);
        assertThat(ra.get("labels").get("backend").asText()).isEqualTo("app");
        assertThat(Instant.parse(ra.get("startsAt").asText())).isEqualTo(fired);
        assertThat(Instant.parse(ra.get("endsAt").asText())).isEqualTo(resolvedAt).isBefore(Instant.now());
        assertThat(ra.get("fingerprint").asText()).isEqualTo(AlertFingerprint.of(f.labels()));
        assertThat(notifier.stats().sent()).isPositive();
        assertThat(notifier.stats().dropped()).isZero();
    }

    @Test
    void alertIsBackWithinOneResendDelayAfterAlertmanagerRestartsEmpty() throws Exception {
        TestHttpServer hook = closeLater(new TestHttpServer(200));
        AlertmanagerProcess am = closeLater(AlertmanagerProcess.start(Files.createDirectories(dir.resolve("am")),
                hook.url("/hook")));
        AlertmanagerNotifier notifier = notifier(AlertmanagerNotifier.builder().url(am.url()));
        Evaluations ev = new Evaluations(notifier);
        Instant fired = now();
        Alert f = firing("TocsinIT", "restart", fired, fired);
        ev.set(f);
        await().atMost(Duration.ofSeconds(10)).until(() -> am.alertsWith("backend", "restart").size() == 1);

        am.kill();
        // a failed delivery while it is down: the notifier keeps the alert queued
        await().atMost(Duration.ofSeconds(10)).until(() -> notifier.stats().failed() > 0);
        am.startProcess(); // new, empty storage directory: it knows nothing until the notifier re-sends
        await().atMost(RESEND.plusSeconds(2)).pollInterval(Duration.ofMillis(50))
                .until(() -> am.alertsWith("backend", "restart").size() == 1);
        JsonNode got = am.alertsWith("backend", "restart").get(0);
        // the same alert as before the outage (same start), not a new one
        assertThat(Instant.parse(got.get("startsAt").asText())).isEqualTo(fired);
        assertThat(got.get("fingerprint").asText()).isEqualTo(AlertFingerprint.of(f.labels()));
    }

    @Test
    void everyAlertmanagerGetsEveryAlert() throws Exception {
        TestHttpServer hook = closeLater(new TestHttpServer(200));
        AlertmanagerProcess am1 = closeLater(AlertmanagerProcess.start(Files.createDirectories(dir.resolve("a1")),
                hook.url("/hook")));
        AlertmanagerProcess am2 = closeLater(AlertmanagerProcess.start(Files.createDirectories(dir.resolve("a2")),
                hook.url("/hook")));
        AlertmanagerNotifier notifier = notifier(AlertmanagerNotifier.builder().url(am1.url()).url(am2.url()));
        Evaluations ev = new Evaluations(notifier);
        Instant fired = now();
        ev.set(firing("TocsinIT", "both", fired, fired));
        await().atMost(Duration.ofSeconds(10)).until(() -> am1.alertsWith("backend", "both").size() == 1
                && am2.alertsWith("backend", "both").size() == 1);
    }

    @Test
    void oneAlertmanagerHangingDoesNotDelayTheOther() throws Exception {
        TestHttpServer hook = closeLater(new TestHttpServer(200));
        TestHttpServer hanging = closeLater(new TestHttpServer(0));
        AlertmanagerProcess am = closeLater(AlertmanagerProcess.start(Files.createDirectories(dir.resolve("am")),
                hook.url("/hook")));
        AlertmanagerNotifier notifier = closeLater(AlertmanagerNotifier.builder()
                .url(hanging.url("/")).url(am.url())
                .resendDelay(RESEND).timeout(Duration.ofSeconds(20)).build());
        Instant fired = now();
        Alert first = firing("TocsinIT", "first", fired, fired);
        notifier.accept(new Notification(fired, INTERVAL, List.of(first), List.of(first)));
        await().atMost(Duration.ofSeconds(5)).until(() -> hanging.requests.get() == 1);
        // the hanging one holds its request for 20 s; the real one gets the next alerts at once
        for (String b : List.of("second", "third")) {
            Alert a = firing("TocsinIT", b, now(), now());
            notifier.accept(new Notification(now(), INTERVAL, List.of(a), List.of(first, a)));
            await().atMost(Duration.ofSeconds(5)).until(() -> am.alertsWith("backend", b).size() == 1);
        }
        assertThat(hanging.requests.get()).isEqualTo(1);
        assertThat(am.alertsWith("backend", "first")).hasSize(1);
    }
}
