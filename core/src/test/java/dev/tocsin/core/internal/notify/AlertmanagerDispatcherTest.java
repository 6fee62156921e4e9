package dev.tocsin.core.internal.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tocsin.core.Alert;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Notification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static dev.tocsin.core.internal.notify.TestAlerts.firing;
import static dev.tocsin.core.internal.notify.TestAlerts.pending;
import static dev.tocsin.core.internal.notify.TestAlerts.resolved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class AlertmanagerDispatcherTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Instant T0 = Instant.parse("2026-11-25T18:00:00.123Z");

    /** A clock the test moves by hand. */
    private static final class StepClock extends Clock {
        private Instant now;

        StepClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private final RecordingTransport transport = new RecordingTransport();
    private AlertmanagerDispatcher dispatcher;

    private AlertmanagerDispatcher dispatcher(Duration resendDelay, Labels external, String generator) {
        DeliverySettings s = new DeliverySettings(10_000);
        s.transport = transport;
        dispatcher = new AlertmanagerDispatcher(List.of(URI.create("http://am:9093")), s, resendDelay, external,
                generator);
        return dispatcher;
    }

    @AfterEach
    void close() {
        if (dispatcher != null) {
            dispatcher.close();
        }
    }

    private List<JsonNode> sentAlerts() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (RecordingTransport.Post p : transport.posts) {
            JSON.readTree(p.body()).forEach(out::add);
        }
        return out;
    }

    @Test
    void resendsOnlyWhenLastSendIsStrictlyOlderThanTheResendDelay() {
        AlertmanagerDispatcher d = dispatcher(Duration.ofMinutes(1), Labels.empty(), "");
        StepClock clock = new StepClock(T0);
        Alert p = pending("R", "a", clock.instant());
        assertThat(d.accept(new Notification(clock.instant(), INTERVAL, List.of(p), List.of()))).isZero();

        clock.advance(Duration.ofSeconds(10));
        Alert f = firing("R", "a", T0, clock.instant());
        assertThat(d.accept(new Notification(clock.instant(), INTERVAL, List.of(f), List.of(f)))).isEqualTo(1);

        clock.advance(Duration.ofSeconds(30));
        assertThat(d.accept(new Notification(clock.instant(), INTERVAL, List.of(), List.of(f)))).isZero();
        clock.advance(Duration.ofSeconds(30)); // exactly lastSentAt + resendDelay: not yet (strict)
        assertThat(d.accept(new Notification(clock.instant(), INTERVAL, List.of(), List.of(f)))).isZero();
        clock.advance(Duration.ofMillis(1));
        assertThat(d.accept(new Notification(clock.instant(), INTERVAL, List.of(), List.of(f)))).isEqualTo(1);

        clock.advance(Duration.ofSeconds(5)); // resolves: sent at once although the last send is recent
        Alert r = resolved(f, clock.instant());
        assertThat(d.accept(new Notification(clock.instant(), INTERVAL, List.of(r), List.of(r)))).isEqualTo(1);
        clock.advance(Duration.ofSeconds(5));
        assertThat(d.accept(new Notification(clock.instant(), INTERVAL, List.of(), List.of(r)))).isZero();
        clock.advance(Duration.ofSeconds(61)); // retained resolved alerts are re-sent too
        assertThat(d.accept(new Notification(clock.instant(), INTERVAL, List.of(), List.of(r)))).isEqualTo(1);

        clock.advance(Duration.ofSeconds(5)); // fires again: a new alert, sent at once
        Alert again = firing("R", "a", clock.instant(), clock.instant());
        assertThat(d.accept(new Notification(clock.instant(), INTERVAL, List.of(again), List.of(again))))
                .isEqualTo(1);
    }

    @Test
    void anAlertMissingFromFailedEvaluationsKeepsItsLastSendAsInPrometheus() {
        AlertmanagerDispatcher d = dispatcher(Duration.ofMinutes(1), Labels.empty(), "");
        Alert f = firing("R", "a", T0, T0);
        assertThat(d.accept(new Notification(T0, INTERVAL, List.of(f), List.of(f)))).isEqualTo(1);
        // its rule fails for two evaluations: the evaluator does not list it
        assertThat(d.accept(new Notification(T0.plusSeconds(5), INTERVAL, List.of(), List.of()))).isZero();
        assertThat(d.accept(new Notification(T0.plusSeconds(10), INTERVAL, List.of(), List.of()))).isZero();
        // back unchanged: Alertmanager still holds it (endsAt 4 minutes on), so it waits for the resend delay
        assertThat(d.accept(new Notification(T0.plusSeconds(15), INTERVAL, List.of(f), List.of()))).isZero();
        assertThat(d.accept(new Notification(T0.plusSeconds(61), INTERVAL, List.of(f), List.of()))).isEqualTo(1);
        // a new firing of the same labels (another firedAt) goes out at once
        Alert again = firing("R", "a", T0.plusSeconds(70), T0.plusSeconds(70));
        assertThat(d.accept(new Notification(T0.plusSeconds(70), INTERVAL, List.of(again), List.of(again))))
                .isEqualTo(1);
    }

    @Test
    void aResolvedAlertMissingFromAFailedEvaluationWaitsOutTheResendDelay() {
        AlertmanagerDispatcher d = dispatcher(Duration.ofMinutes(1), Labels.empty(), "");
        Alert f = firing("R", "a", T0, T0);
        assertThat(d.accept(new Notification(T0, INTERVAL, List.of(f), List.of(f)))).isEqualTo(1);
        Alert r = resolved(f, T0.plusSeconds(5));
        assertThat(d.accept(new Notification(T0.plusSeconds(5), INTERVAL, List.of(r), List.of(r)))).isEqualTo(1);
        assertThat(d.accept(new Notification(T0.plusSeconds(10), INTERVAL, List.of(), List.of()))).isZero();
        assertThat(d.accept(new Notification(T0.plusSeconds(15), INTERVAL, List.of(r), List.of()))).isZero();
        assertThat(d.accept(new Notification(T0.plusSeconds(66), INTERVAL, List.of(r), List.of()))).isEqualTo(1);
    }

    @Test
    void anAlertMissingLongerThanAlertmanagerKeepsItIsSentAgainWhenItComesBack() {
        AlertmanagerDispatcher d = dispatcher(Duration.ofMinutes(1), Labels.empty(), "");
        Alert f = firing("R", "a", T0, T0);
        assertThat(d.accept(new Notification(T0, INTERVAL, List.of(f), List.of(f)))).isEqualTo(1);
        // validFor is 4 x max(resend delay, interval) = 4 minutes: after that Alertmanager has let it expire
        Instant later = T0.plusSeconds(5);
        for (; later.isBefore(T0.plusSeconds(245)); later = later.plusSeconds(5)) {
            assertThat(d.accept(new Notification(later, INTERVAL, List.of(), List.of()))).isZero();
        }
        assertThat(d.accept(new Notification(later, INTERVAL, List.of(f), List.of()))).isEqualTo(1);
    }

    @Test
    void oneEvaluationsAlertsGoOutInOneRequestUpToTheBatch() {
        AlertmanagerDispatcher d = dispatcher(Duration.ofMinutes(1), Labels.empty(), "");
        List<Alert> active = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            active.add(firing("R", "b" + i, T0, T0));
        }
        d.accept(new Notification(T0, INTERVAL, active, active));
        await().until(() -> sentAlerts().size() == 300);
        assertThat(transport.posts).hasSize(2);
        assertThat(transport.posts).extracting(p -> {
            try {
                return JSON.readTree(p.body()).size();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).containsExactly(256, 44);
    }

    @Test
    void payloadFollowsAlertmanagerApiSchema() throws Exception {
        AlertmanagerDispatcher d = dispatcher(Duration.ofMinutes(1), Labels.of("cluster", "eu1", "severity", "x"),
                "http://tocsin.example/rules");
        Instant fired = T0.plusSeconds(30);
        Alert f = firing("R", "a", T0, fired);
        Alert other = firing("R", "b", T0, fired);
        Alert r = resolved(firing("R", "c", T0, T0.plusSeconds(1)), fired);
        d.accept(new Notification(fired, INTERVAL, List.of(f, other, r), List.of(f, other, r)));
        await().until(() -> sentAlerts().size() == 3);

        assertThat(transport.posts.get(0).uri()).isEqualTo(URI.create("http://am:9093/api/v2/alerts"));
        for (JsonNode a : sentAlerts()) {
            Set<String> fields = new TreeSet<>();
            a.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactlyInAnyOrder("labels", "annotations", "startsAt", "endsAt",
                    "generatorURL");
            assertNoNulls(a);
            assertThat(a.get("labels").size()).isPositive();
            a.get("labels").fields().forEachRemaining(e -> assertThat(e.getValue().isTextual()).isTrue());
            Instant starts = Instant.parse(a.get("startsAt").asText());
            Instant ends = Instant.parse(a.get("endsAt").asText());
            assertThat(a.get("startsAt").asText()).isEqualTo(Rfc3339.formatMillis(starts)).hasSize(24);
            assertThat(ends).isAfterOrEqualTo(starts);
            assertThat(a.get("generatorURL").asText()).isEqualTo("http://tocsin.example/rules");
            // external labels are added when absent, and never override the alert's own
            assertThat(a.get("labels").get("cluster").asText()).isEqualTo("eu1");
            assertThat(a.get("labels").get("severity").asText()).isEqualTo("critical");
        }
        JsonNode fa = sentAlerts().get(0);
        assertThat(fa.get("startsAt").asText()).isEqualTo("2026-11-25T18:00:30.123Z");
        // firing: valid until now + 4 * max(interval, resendDelay)
        assertThat(Instant.parse(fa.get("endsAt").asText())).isEqualTo(fired.plus(Duration.ofMinutes(4)));
        assertThat(fa.get("annotations").get("summary").asText()).isEqualTo("backend a down");
        JsonNode ra = sentAlerts().get(2);
        assertThat(Instant.parse(ra.get("startsAt").asText())).isEqualTo(T0.plusSeconds(1));
        assertThat(Instant.parse(ra.get("endsAt").asText())).isEqualTo(fired);
    }

    @Test
    void validityUsesTheEvaluationIntervalWhenLongerThanTheResendDelay() throws Exception {
        AlertmanagerDispatcher d = dispatcher(Duration.ofSeconds(1), Labels.empty(), "");
        Alert f = firing("R", "a", T0, T0);
        d.accept(new Notification(T0, Duration.ofSeconds(30), List.of(f), List.of(f)));
        await().until(() -> sentAlerts().size() == 1);
        assertThat(Instant.parse(sentAlerts().get(0).get("endsAt").asText())).isEqualTo(T0.plusSeconds(120));
        assertThat(sentAlerts().get(0).has("generatorURL")).isFalse();
    }

    @Test
    void sendsInBatchesOfAtMost256() throws Exception {
        AlertmanagerDispatcher d = dispatcher(Duration.ofMinutes(1), Labels.empty(), "");
        List<Alert> active = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            active.add(firing("R", "b" + i, T0, T0));
        }
        d.accept(new Notification(T0, INTERVAL, active, active));
        await().until(() -> sentAlerts().size() == 600);
        for (RecordingTransport.Post p : transport.posts) {
            assertThat(JSON.readTree(p.body()).size()).isBetween(1, 256);
        }
        Set<String> backends = new TreeSet<>();
        sentAlerts().forEach(a -> backends.add(a.get("labels").get("backend").asText()));
        assertThat(backends).hasSize(600);
    }

    private static void assertNoNulls(JsonNode n) {
        assertThat(n.isNull()).isFalse();
        Iterator<JsonNode> it = n.elements();
        while (it.hasNext()) {
            assertNoNulls(it.next());
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "http://am:9093, http://am:9093/api/v2/alerts",
            "http://am:9093/, http://am:9093/api/v2/alerts",
            "https://proxy/am/, https://proxy/am/api/v2/alerts",
            "http://am:9093/api/v2/alerts, http://am:9093/api/v2/alerts",
            "http://am:9093/api/v2/alerts/, http://am:9093/api/v2/alerts",
            "http://am:9093//, http://am:9093/api/v2/alerts",
            "http://proxy/am?tenant=a%20b, http://proxy/am/api/v2/alerts?tenant=a%20b",
            "http://proxy/?tenant=x#frag, http://proxy/api/v2/alerts?tenant=x",
            "http://[::1]:9093/p%2Fq, http://[::1]:9093/p%2Fq/api/v2/alerts"})
    void apiPathGoesBeforeTheQuery(String base, String expected) {
        assertThat(AlertmanagerDispatcher.apiUri(URI.create(base))).hasToString(expected);
    }
}
