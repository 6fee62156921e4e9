package dev.tocsin.core.source;

import com.sun.net.httpserver.HttpServer;
import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Rule;
import dev.tocsin.core.Sample;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link PrometheusTextSource} against the built-in Prometheus exporter of a real HAProxy
 * ({@code /usr/sbin/haproxy}, started here on free loopback ports): one backend with a live server, one whose only
 * server does not listen.
 */
class PrometheusTextSourceIT {

    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

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
    void scrapesHaproxysBuiltInExporterAndFailsWhenItIsGone() throws Exception {
        assertThat(Files.isExecutable(HAPROXY)).as("HAProxy is required for this test; install it with "
                + "`apt-get install -y haproxy prometheus-alertmanager prometheus`").isTrue();
        int metricsPort = freePort();
        int livePort = freePort();
        int deadPort = freePort();
        app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), livePort), 0);
        app.createContext("/", ex -> {
            ex.sendResponseHeaders(200, 2);
            try (OutputStream out = ex.getResponseBody()) {
                out.write("ok".getBytes());
            }
        });
        app.start();
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, String.join("\n",
                "global",
                "    log stderr format raw local0 err",
                "defaults",
                "    mode http",
                "    timeout connect 1s",
                "    timeout client 5s",
                "    timeout server 5s",
                "frontend prom",
                "    bind 127.0.0.1:" + metricsPort,
                "    http-request use-service prometheus-exporter if { path /metrics }",
                "    default_backend live",
                "backend live",
                "    option httpchk GET /",
                "    server l1 127.0.0.1:" + livePort + " check inter 200 fall 2 rise 1",
                "backend dead",
                "    server d1 127.0.0.1:" + deadPort + " check inter 200 fall 2 rise 1",
                ""));
        haproxy = new ProcessBuilder(HAPROXY.toString(), "-f", cfg.toString(), "-db")
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();

        URI uri = URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
        PrometheusTextSource source = PrometheusTextSource.builder(uri).job("haproxy").build();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> value(source.collect(), "haproxy_backend_active_servers", "dead") == 0
                        && value(source.collect(), "haproxy_backend_active_servers", "live") == 1);

        List<Sample> samples = source.collect();
        assertThat(samples.size()).isGreaterThan(300);
        assertThat(samples).allSatisfy(s -> assertThat(s.labels().has("instance")).isFalse());
        assertThat(samples).anySatisfy(s -> assertThat(s.metricName()).isEqualTo("haproxy_process_nbthread"));
        assertThat(samples).filteredOn(s -> s.metricName().equals("haproxy_server_http_responses_total"))
                .extracting(s -> s.labels().get("code")).contains("2xx", "5xx");

        try (Evaluator evaluator = Evaluator.builder().source(source)
                .rule(Rule.alert("Up").expr("up == 1").build())
                .rule(Rule.alert("NoServers").expr("haproxy_backend_active_servers == 0").build())
                .build()) {
            List<Alert> alerts = evaluator.evaluate(Instant.now());
            assertThat(alerts).filteredOn(a -> a.ruleName().equals("Up"))
                    .singleElement().satisfies(a -> {
                        assertThat(a.state()).isEqualTo(AlertState.FIRING);
                        assertThat(a.labels().get("instance")).isEqualTo("127.0.0.1:" + metricsPort);
                        assertThat(a.labels().get("job")).isEqualTo("haproxy");
                    });
            assertThat(alerts).filteredOn(a -> a.ruleName().equals("NoServers"))
                    .extracting(a -> a.labels().get("proxy")).containsExactly("dead");
        }

        haproxy.destroy();
        assertThat(haproxy.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(source::collect).isInstanceOf(IOException.class)
                .hasMessageContaining("cannot scrape http://127.0.0.1:" + metricsPort + "/metrics");
    }

    private static double value(List<Sample> samples, String metric, String proxy) {
        return samples.stream()
                .filter(s -> s.labels().equals(Labels.of("__name__", metric, "proxy", proxy)))
                .mapToDouble(Sample::value).findFirst().orElse(Double.NaN);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
