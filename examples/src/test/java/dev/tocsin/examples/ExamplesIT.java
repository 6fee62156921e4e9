package dev.tocsin.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tocsin.examples.demo.LocalHaproxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Runs the example programs against a real HAProxy (backends app: healthy, half: one server down, dead: down). */
class ExamplesIT {

    private static TestHaproxy lb;

    @BeforeAll
    static void startHaproxy() throws Exception {
        lb = TestHaproxy.start();
    }

    @AfterAll
    static void stopHaproxy() {
        if (lb != null) {
            lb.close();
        }
    }

    @Test
    void embeddingExampleReportsTheDeadBackendOnly() throws Exception {
        String out = Stdout.capture(() -> EmbeddingExample.main(new String[] {lb.statsUrl(), "PT1.5S"}));

        assertThat(out).contains("FIRING HaproxyBackendDown{")
                .contains("backend=\"dead\"")
                .contains("HAProxy backend down (instance " + lb.haproxy().statsUri().getAuthority() + ")")
                .contains("servers_up=0 of 2 servers UP");
        assertThat(out.lines().filter(l -> l.startsWith("FIRING"))).hasSize(1);
    }

    @Test
    void javaRuleFiresForTheDegradedBackend() throws Exception {
        String out = Stdout.capture(() -> CustomJavaRuleExample.main(new String[] {lb.statsUrl(), "PT1.5S"}));

        assertThat(out.lines().filter(l -> l.startsWith("FIRING"))).containsExactly(
                "FIRING HaproxyBackendDegraded{alertname=\"HaproxyBackendDegraded\", backend=\"half\", instance=\""
                        + lb.haproxy().statsUri().getAuthority() + "\", job=\"haproxy\", severity=\"warning\"}"
                        + " Backend half lost 1 server(s)");
    }

    @Test
    void expressionRuleFiresWithAnnotationsAndRunbook() throws Exception {
        String out = Stdout.capture(() -> ExpressionRuleExample.main(
                new String[] {lb.statsUrl(), "half", "PT0S", "PT1.5S"}));

        assertThat(out).contains("FIRING BackendLowCapacity{")
                .contains("backend=\"half\"")
                .contains("team=\"web\"")
                .contains("  summary: Backend half runs on 1 server(s)")
                .contains("  runbook: BackendLowCapacity - A backend runs on fewer than two active servers;"
                        + " first step: Run `tocsin check --stats URL`");
    }

    @Test
    void expressionRuleStaysQuietForAHealthyBackend() throws Exception {
        String out = Stdout.capture(() -> ExpressionRuleExample.main(
                new String[] {lb.statsUrl(), "app", "PT0S", "PT1S"}));

        assertThat(out).doesNotContain("BackendLowCapacity");
    }

    @Test
    void customSourceAlertsNextToHaproxy() throws Exception {
        String out = Stdout.capture(() -> CustomSourceExample.main(new String[] {lb.statsUrl(), "PT1.5S"}));

        assertThat(out).contains("FIRING WorkQueueBacklog{alertname=\"WorkQueueBacklog\", instance=\"localhost\","
                        + " job=\"work-queues\", queue=\"emails\", severity=\"warning\"} 500 jobs wait in queue emails")
                .contains("FIRING HaproxyBackendDown{")
                .contains("FIRING HaproxyServerDown{");
        assertThat(out).doesNotContain("HaproxyDown{");
    }

    @Test
    void alertmanagerReceivesTheAlerts() throws Exception {
        Path am = Path.of("/usr/bin/prometheus-alertmanager");
        assertThat(Files.isExecutable(am))
                .as(am + " is missing; install it: apt-get install -y prometheus-alertmanager prometheus haproxy")
                .isTrue();
        Path dir = Files.createTempDirectory("tocsin-am-");
        int port = LocalHaproxy.freePort();
        Files.writeString(dir.resolve("am.yml"), "route:\n  receiver: quiet\n  group_wait: 0s\n"
                + "  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n  - name: quiet\n");
        Process process = new ProcessBuilder(am.toString(), "--config.file=" + dir.resolve("am.yml"),
                "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=")
                .redirectErrorStream(true).redirectOutput(dir.resolve("am.log").toFile()).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://127.0.0.1:" + port;
        try {
            await("Alertmanager ready").atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> get(http, base + "/-/ready").statusCode() == 200);

            String out = Stdout.capture(() -> AlertmanagerExample.main(new String[] {lb.statsUrl(), base, "PT1.5S"}));

            assertThat(out).contains("FIRING HaproxyBackendDown{").contains("sent: NotifierStats[sent=");
            JsonNode alerts = await("alerts in Alertmanager").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> new ObjectMapper().readTree(get(http, base + "/api/v2/alerts").body()),
                            a -> a.isArray() && hasBackendDown(a));
            JsonNode deadBackend = null;
            for (JsonNode a : alerts) {
                if (a.path("labels").path("alertname").asText().equals("HaproxyBackendDown")) {
                    deadBackend = a;
                }
            }
            assertThat(deadBackend).isNotNull();
            assertThat(deadBackend.path("labels").path("backend").asText()).isEqualTo("dead");
            assertThat(deadBackend.path("labels").path("cluster").asText()).isEqualTo("example");
            assertThat(deadBackend.path("labels").path("severity").asText()).isEqualTo("critical");
            assertThat(deadBackend.path("annotations").path("summary").asText())
                    .isEqualTo("HAProxy backend down (instance " + lb.haproxy().statsUri().getAuthority() + ")");
        } finally {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static boolean hasBackendDown(JsonNode alerts) {
        for (JsonNode a : alerts) {
            if (a.path("labels").path("alertname").asText().equals("HaproxyBackendDown")) {
                return true;
            }
        }
        return false;
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
