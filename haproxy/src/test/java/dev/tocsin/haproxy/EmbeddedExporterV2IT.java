package dev.tocsin.haproxy;

import com.sun.net.httpserver.HttpServer;
import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Sample;
import dev.tocsin.core.source.PrometheusTextSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link HaproxyRules#embeddedV2()} on a {@link PrometheusTextSource} reading a real HAProxy's built-in exporter:
 * a backend without live servers fires {@code HaproxyHasNoAliveBackends}, and 5xx answers of a server make
 * {@code HaproxyHighHttp5xxErrorRateBackend} (a {@code rate()} over {@code [1m]}) pending, then firing after its
 * {@code for: 1m}. Evaluation times are given explicitly; HAProxy's counters are real.
 */
class EmbeddedExporterV2IT {

    @TempDir
    Path dir;
    private Process haproxy;
    private HttpServer app;

    @AfterEach
    void stop() throws InterruptedException {
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
                haproxy.destroyForcibly();
            }
        }
        if (app != null) {
            app.stop(0);
        }
    }

    @Test
    void thePackAlertsOnARealHaproxy() throws Exception {
        assertThat(Files.isExecutable(HaproxyFixture.BINARY)).as("HAProxy is required for this test; install it "
                + "with `apt-get install -y haproxy prometheus-alertmanager prometheus`").isTrue();
        int livePort = BackendServer.freePort();
        app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), livePort), 0);
        app.createContext("/", ex -> {
            int status = ex.getRequestURI().getPath().equals("/fail") ? 500 : 200;
            ex.sendResponseHeaders(status, 2);
            try (OutputStream out = ex.getResponseBody()) {
                out.write("ok".getBytes());
            }
        });
        app.start();
        int[] ports = startHaproxy(livePort);
        int metricsPort = ports[0];
        int webPort = ports[1];

        PrometheusTextSource source = PrometheusTextSource.builder(
                URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).job("haproxy").build();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> activeServers(source.collect(), "dead") == 0
                        && activeServers(source.collect(), "live") == 1);

        HttpClient web = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try (Evaluator evaluator = Evaluator.builder().source(source).rules(HaproxyRules.embeddedV2()).build()) {
            Instant t0 = Instant.now();
            List<Alert> first = evaluator.evaluate(t0);
            assertThat(first).filteredOn(a -> a.ruleName().equals("HaproxyHasNoAliveBackends"))
                    .singleElement().satisfies(a -> {
                        assertThat(a.state()).isEqualTo(AlertState.FIRING);
                        assertThat(a.labels().get("proxy")).isEqualTo("dead");
                        assertThat(a.labels().get("job")).isEqualTo("haproxy");
                        assertThat(a.runbook()).isPresent();
                    });

            for (int i = 0; i < 20; i++) {
                HttpResponse<Void> r = web.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + webPort + "/fail")).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.discarding());
                assertThat(r.statusCode()).isEqualTo(500);
            }
            evaluator.evaluate(t0.plusSeconds(15));
            assertThat(evaluator.alerts()).filteredOn(a -> a.ruleName().equals("HaproxyHighHttp5xxErrorRateBackend"))
                    .singleElement().satisfies(a -> {
                        assertThat(a.state()).isEqualTo(AlertState.PENDING);
                        assertThat(a.labels().get("proxy")).isEqualTo("live");
                    });
            for (int i = 0; i < 20; i++) {
                web.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort + "/fail"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
            }
            evaluator.evaluate(t0.plusSeconds(30));
            for (int i = 0; i < 20; i++) {
                web.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort + "/fail"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
            }
            evaluator.evaluate(t0.plusSeconds(75));
            assertThat(evaluator.alerts()).filteredOn(a -> a.ruleName().equals("HaproxyHighHttp5xxErrorRateBackend"))
                    .singleElement().satisfies(a -> assertThat(a.state()).isEqualTo(AlertState.FIRING));
        }
    }

    /**
     * Starts HAProxy with its exporter and web frontends on free ports, picking them again (at most twice) when
     * HAProxy could not bind one (a port found free can be taken before HAProxy binds it).
     *
     * @return the metrics and web ports
     */
    private int[] startHaproxy(int livePort) throws Exception {
        int[] ports = new int[2];
        haproxy = HaproxyFixture.launch(dir, 3, attempt -> {
            ports[0] = BackendServer.freePort();
            ports[1] = BackendServer.freePort();
            int deadPort = BackendServer.freePort();
            return String.join("\n",
                    "global",
                    "    log stderr format raw local0 err",
                    "defaults",
                    "    mode http",
                    "    timeout connect 1s",
                    "    timeout client 5s",
                    "    timeout server 5s",
                    "frontend prom",
                    "    bind 127.0.0.1:" + ports[0],
                    "    http-request use-service prometheus-exporter if { path /metrics }",
                    "frontend web",
                    "    bind 127.0.0.1:" + ports[1],
                    "    default_backend live",
                    "backend live",
                    "    option httpchk GET /",
                    "    server l1 127.0.0.1:" + livePort + " check inter 200 fall 2 rise 1",
                    "backend dead",
                    "    server d1 127.0.0.1:" + deadPort + " check inter 200 fall 2 rise 1",
                    "");
        }, () -> HaproxyFixture.answersHttp(ports[0]));
        return ports;
    }

    private static double activeServers(List<Sample> samples, String proxy) {
        return samples.stream()
                .filter(s -> s.metricName().equals("haproxy_backend_active_servers")
                        && proxy.equals(s.labels().get("proxy")))
                .mapToDouble(Sample::value).findFirst().orElse(Double.NaN);
    }
}
