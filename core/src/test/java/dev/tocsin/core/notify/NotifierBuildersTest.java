package dev.tocsin.core.notify;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Notification;
import dev.tocsin.core.Runbook;
import dev.tocsin.core.internal.notify.RecordingTransport;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static dev.tocsin.core.internal.notify.TestAlerts.firing;
import static dev.tocsin.core.internal.notify.TestAlerts.pending;
import static dev.tocsin.core.internal.notify.TestAlerts.resolved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class NotifierBuildersTest {

    private static final Instant T0 = Instant.parse("2026-11-25T18:00:00Z");

    @Test
    void credentialsNeverShowInToStringOrErrors() {
        String secret = "s3cr3t-Pa55";
        try (AlertmanagerNotifier n = AlertmanagerNotifier.builder().url(URI.create("http://am:9093"))
                .basicAuth("user", secret).transport(new RecordingTransport()).build()) {
            assertThat(n.toString()).contains("am:9093").doesNotContain(secret)
                    .doesNotContain(Base64.getEncoder().encodeToString(("user:" + secret)
                            .getBytes(StandardCharsets.UTF_8)));
        }
        try (WebhookNotifier n = WebhookNotifier.builder().url(URI.create("https://hook.example/x?token=abc"))
                .bearerToken(secret).transport(new RecordingTransport()).build()) {
            assertThat(n.toString()).doesNotContain(secret).doesNotContain("abc");
        }
        assertThatThrownBy(() -> AlertmanagerNotifier.to(URI.create("http://user:" + secret + "@am:9093")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(secret);
    }

    @Test
    void credentialsOverPlainHttpToAnotherHostAreWarnedAboutWithoutShowingThem() {
        String secret = "s3cr3t-Pa55";
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            AlertmanagerNotifier.builder().url(URI.create("http://am.example:9093")).url(URI.create("http://[::1]:9093"))
                    .basicAuth("user", secret).transport(new RecordingTransport()).build().close();
            WebhookNotifier.builder().url(URI.create("http://hooks.example/services/T0/B0/XXXX"))
                    .bearerToken(secret).transport(new RecordingTransport()).build().close();
            // no warning: loopback, https, or nothing to protect
            AlertmanagerNotifier.builder().url(URI.create("http://localhost:9093")).bearerToken(secret)
                    .transport(new RecordingTransport()).build().close();
            WebhookNotifier.builder().url(URI.create("https://hooks.example/x")).bearerToken(secret)
                    .transport(new RecordingTransport()).build().close();
            AlertmanagerNotifier.builder().url(URI.create("http://am.example:9093"))
                    .transport(new RecordingTransport()).build().close();
        } finally {
            System.setErr(old);
        }
        java.util.List<String> warnings = err.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("plain http")).collect(java.util.stream.Collectors.toList());
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).contains("(basic auth)", "http://am.example:9093").doesNotContain("::1");
        assertThat(warnings.get(1)).contains("(bearer token)", "http://hooks.example").doesNotContain("XXXX");
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain(secret);
    }

    @Test
    void buildersRejectBadOptionsWithTheirNames() {
        assertThatThrownBy(() -> AlertmanagerNotifier.builder().build()).hasMessageContaining("url");
        assertThatThrownBy(() -> AlertmanagerNotifier.builder().url(URI.create("ftp://x")))
                .hasMessageContaining("http");
        assertThatThrownBy(() -> AlertmanagerNotifier.builder().resendDelay(Duration.ZERO))
                .hasMessageContaining("resendDelay");
        assertThatThrownBy(() -> AlertmanagerNotifier.builder().url(URI.create("http://x")).queueCapacity(0)
                .build()).hasMessageContaining("queueCapacity");
        assertThatThrownBy(() -> AlertmanagerNotifier.builder().url(URI.create("http://x")).maxAttempts(0)
                .build()).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> WebhookNotifier.builder().build()).hasMessageContaining("url");
        assertThatThrownBy(() -> WebhookNotifier.builder().maxAlertsPerMessage(0))
                .hasMessageContaining("maxAlertsPerMessage");
        assertThatThrownBy(() -> LoggingNotifier.builder().diagnosisSteps(-1))
                .hasMessageContaining("diagnosisSteps");
    }

    @Test
    void buildersRejectContradictoryOrMeaninglessSettings() {
        assertThatThrownBy(() -> AlertmanagerNotifier.builder().basicAuth("u", "p").bearerToken("t"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at most one of basicAuth and bearerToken");
        assertThatThrownBy(() -> WebhookNotifier.builder().bearerToken("t").basicAuth("u", "p"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at most one of basicAuth and bearerToken");
        assertThatThrownBy(() -> WebhookNotifier.builder().basicAuth("", "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be empty");
        for (double m : new double[] {Double.NaN, Double.POSITIVE_INFINITY, 0.5}) {
            assertThatThrownBy(() -> AlertmanagerNotifier.builder().url(URI.create("http://x"))
                    .backoff(Duration.ofMillis(1), m, Duration.ofMillis(10)).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backoffMultiplier");
        }
        assertThatThrownBy(() -> AlertmanagerNotifier.to(URI.create("http://am:9093"), URI.create("http://am:9093/")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("given twice");
        // the same credentials twice is not a contradiction
        AlertmanagerNotifier.builder().basicAuth("u", "p").basicAuth("u", "q");
    }

    @Test
    void outOfRangeOptionsAreRefusedByTheSetterNotLaterInBuild() {
        AlertmanagerNotifier.Builder b = AlertmanagerNotifier.builder();
        assertThatThrownBy(() -> b.maxAttempts(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAttempts must be at least 1: 0");
        assertThatThrownBy(() -> b.queueCapacity(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("queueCapacity must be at least 1: -1");
        assertThatThrownBy(() -> b.circuitBreaker(0f, 10, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("circuitFailureRate");
        assertThatThrownBy(() -> b.circuitBreaker(50f, 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("circuitWindow");
        assertThatThrownBy(() -> b.backoff(Duration.ofSeconds(2), 2, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorter than initial");
        assertThatThrownBy(() -> WebhookNotifier.builder().backoff(Duration.ofSeconds(1), Double.NaN,
                Duration.ofSeconds(2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backoffMultiplier");
        // a refused value leaves the builder as it was: it still builds with its defaults
        b.url(URI.create("http://am:9093")).build().close();
    }

    @Test
    void aTlsContextWithoutAnHttpsUrlIsRefusedNotIgnored() throws Exception {
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getDefault();
        assertThatThrownBy(() -> AlertmanagerNotifier.builder().url(URI.create("http://am:9093")).sslContext(tls)
                .build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("sslContext applies to https URLs, and every url is http");
        assertThatThrownBy(() -> WebhookNotifier.builder().url(URI.create("http://hook:8080/x")).sslContext(tls)
                .build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("sslContext applies to https URLs, and the url is http");
        // one https Alertmanager among others uses it
        AlertmanagerNotifier.builder().url(URI.create("http://am1:9093")).url(URI.create("https://am2:9093"))
                .sslContext(tls).build().close();
        WebhookNotifier.builder().url(URI.create("https://hook:8443/x")).sslContext(tls).build().close();
    }

    @Test
    void alertmanagerNotifierSendsToEveryUrlAndCountsPerAlertmanager() {
        RecordingTransport t = new RecordingTransport();
        try (AlertmanagerNotifier n = AlertmanagerNotifier.builder().url(URI.create("http://a:9093"))
                .url(URI.create("http://b:9093/prefix/")).transport(t).build()) {
            Alert f = firing("R", "x", T0, T0);
            n.accept(new Notification(T0, Duration.ofSeconds(5), List.of(f), List.of(f)));
            await().until(() -> n.stats().sent() == 2);
            assertThat(t.posts).extracting(p -> p.uri().toString()).containsExactlyInAnyOrder(
                    "http://a:9093/api/v2/alerts", "http://b:9093/prefix/api/v2/alerts");
        }
    }

    @Test
    void closedNotifierIgnoresNotifications() {
        RecordingTransport t = new RecordingTransport();
        AlertmanagerNotifier n = AlertmanagerNotifier.builder().url(URI.create("http://a:9093")).transport(t)
                .build();
        n.close();
        n.close();
        Alert f = firing("R", "x", T0, T0);
        n.accept(new Notification(T0, Duration.ofSeconds(5), List.of(f), List.of(f)));
        assertThat(t.posts).isEmpty();
    }

    @Test
    void aLoggedTransitionIsOneLineWhateverItsNameLabelsAndContextHold() {
        LoggingNotifier n = LoggingNotifier.builder().build();
        Alert forged = Alert.builder("Rule\nRESOLVED Fake", dev.tocsin.core.Labels.of("alertname",
                "Rule\nRESOLVED Fake", "v", "a\rb"), AlertState.FIRING, T0).value(1).firedAt(T0)
                .context(java.util.Map.of("key\nFIRING x", "v")).build();
        assertThat(n.format(forged)).doesNotContain("\n", "\r").startsWith("FIRING Rule\\nRESOLVED Fake");
        Alert separators = Alert.builder("R\u2028x\u0085y\u000Bz", dev.tocsin.core.Labels.empty(),
                AlertState.PENDING, T0).value(1).build();
        assertThat(n.format(separators)).startsWith("PENDING R\\u2028x\\u0085y\\vz ")
                .doesNotContain("\u2028", "\u0085", "\u000B");
    }

    @Test
    void loggingLinesCarryRunbookAndContextAtFiring() {
        LoggingNotifier n = LoggingNotifier.builder().diagnosisSteps(2).build();
        Alert f = firing("HaproxyBackendDown", "app", T0, T0.plusSeconds(60));
        String line = n.format(f);
        assertThat(line).startsWith("FIRING HaproxyBackendDown {")
                .contains("backend=\"app\"", "since 2026-11-25T18:01:00Z", "summary: backend app down",
                        "runbook: HaproxyBackendDown - A backend has no server able to take traffic.",
                        "1. Check the HAProxy stats page.", "2. Check the servers' health checks.", "(2 more)",
                        "context: down_servers=s1 (DOWN)")
                .doesNotContain("\n");
        assertThat(n.format(pending("R", "b", T0))).startsWith("PENDING R").contains("active since")
                .doesNotContain("runbook");
        assertThat(n.format(resolved(f, T0.plusSeconds(120)))).startsWith("RESOLVED")
                .contains("at 2026-11-25T18:02:00Z").doesNotContain("diagnosis");
        n.accept(new Notification(T0, Duration.ofSeconds(5), List.of(f, pending("R", "b", T0)), List.of(f)));
        assertThat(f.state()).isEqualTo(AlertState.FIRING);
    }

    @Test
    void aWebhookPathThatIsItsSecretIsNotShown() {
        // Slack, Teams and Discord webhooks carry their secret in the path
        try (WebhookNotifier n = WebhookNotifier.builder()
                .url(URI.create("https://hooks.slack.com/services/T0/B0/SECRETTOKEN123"))
                .transport(new RecordingTransport()).build()) {
            assertThat(n.toString()).isEqualTo("WebhookNotifier[https://hooks.slack.com/...]");
        }
    }

    @Test
    void aLoggedRunbookLinkHasNoUserInfo() {
        Alert f = firing("R", "app", T0, T0);
        Runbook rb = Runbook.builder("R").summary("s").url(URI.create("https://wiki-user:s3cret@wiki.example.com/rb/R"))
                .build();
        Alert withLink = f.toBuilder().runbook(rb).build();
        assertThat(LoggingNotifier.builder().build().format(withLink)).contains("| https://wiki.example.com/rb/R")
                .doesNotContain("s3cret").doesNotContain("wiki-user");
    }
}
