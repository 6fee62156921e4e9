package dev.tocsin.core.source;

import com.sun.net.httpserver.HttpServer;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HTTP behaviour of {@link PrometheusTextSource} against a JDK HTTP server on loopback. */
class PrometheusTextSourceTest {

    private HttpServer server;
    private final AtomicReference<String> lastAuthorization = new AtomicReference<>();
    private final AtomicReference<String> lastAccept = new AtomicReference<>();
    private final CountDownLatch release = new CountDownLatch(1);

    private URI serve(int status, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/metrics", ex -> {
            lastAuthorization.set(ex.getRequestHeaders().getFirst("Authorization"));
            lastAccept.set(ex.getRequestHeaders().getFirst("Accept"));
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            ex.sendResponseHeaders(status, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.createContext("/slow", ex -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                out.write("a 1\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // client went away
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void scrapesSamplesAndDefaultsInstanceToHostPort() throws Exception {
        URI uri = serve(200, "# TYPE a gauge\na{x=\"1\",instance=\"inner\"} 2\nb NaN\n");
        PrometheusTextSource src = PrometheusTextSource.builder(uri).job("app").build();
        assertThat(src.instance()).isEqualTo("127.0.0.1:" + uri.getPort());
        assertThat(src.job()).isEqualTo("app");
        assertThat(src.healthMetric()).isEqualTo("up");
        List<Sample> samples = src.collect();
        assertThat(samples).hasSize(2);
        assertThat(samples.get(0).labels()).isEqualTo(Labels.of("__name__", "a", "x", "1",
                "exported_instance", "inner"));
        assertThat(samples.get(1).value()).isNaN();
        assertThat(lastAccept.get()).startsWith("text/plain;version=0.0.4");
        assertThat(lastAuthorization.get()).isNull();

        PrometheusTextSource honoring = PrometheusTextSource.builder(uri).job("app").instance("lb-1")
                .honorLabels(true).build();
        assertThat(honoring.instance()).isEqualTo("lb-1");
        assertThat(honoring.collect().get(0).labels().get("instance")).isEqualTo("inner");
    }

    @Test
    void credentialsOverPlainHttpToAnotherHostAreWarnedAbout() {
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            PrometheusTextSource.builder(URI.create("http://lb.example:8405/metrics")).job("j")
                    .bearerToken("tok-123".toCharArray()).build();
            PrometheusTextSource.builder(URI.create("http://127.0.0.1:8405/metrics")).job("j")
                    .bearerToken("tok-123".toCharArray()).build();
            PrometheusTextSource.builder(URI.create("http://lb.example:8405/metrics")).job("j").build();
        } finally {
            System.setErr(old);
        }
        String log = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(log.lines().filter(l -> l.contains("plain http"))).singleElement().asString()
                .contains("(bearer token)", "http://lb.example:8405/metrics").doesNotContain("tok-123");
    }

    @Test
    void sendsBasicAuthAndBearerTokenButNeverShowsThem() throws Exception {
        URI uri = serve(200, "a 1\n");
        PrometheusTextSource basic = PrometheusTextSource.builder(uri).job("j")
                .basicAuth("monitor", "pa55:word".toCharArray()).build();
        basic.collect();
        assertThat(lastAuthorization.get()).isEqualTo("Basic bW9uaXRvcjpwYTU1OndvcmQ=");
        assertThat(basic.toString()).contains("basic auth").doesNotContain("pa55").doesNotContain("bW9u");

        PrometheusTextSource bearer = PrometheusTextSource.builder(uri).job("j")
                .bearerToken("tok-123".toCharArray()).build();
        bearer.collect();
        assertThat(lastAuthorization.get()).isEqualTo("Bearer tok-123");
        assertThat(bearer.toString()).contains("bearer token").doesNotContain("tok-123");

        assertThatThrownBy(() -> PrometheusTextSource.builder(uri).job("j").bearerToken("a".toCharArray())
                .basicAuth("u", "p".toCharArray())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> PrometheusTextSource.builder(URI.create("http://u:secret@127.0.0.1/metrics")))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("secret")
                .contains("use basicAuth(user, password) or bearerToken(token)");
    }

    @Test
    void aNon200StatusFailsTheScrape() throws Exception {
        URI uri = serve(401, "denied");
        PrometheusTextSource src = PrometheusTextSource.builder(uri).job("j")
                .bearerToken("tok-123".toCharArray()).build();
        assertThatThrownBy(src::collect).isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("/metrics")
                .message().doesNotContain("tok-123");
    }

    @Test
    void aResponseOverTheCapFailsTheScrape() throws Exception {
        URI uri = serve(200, "a 1\n".repeat(1000));
        PrometheusTextSource src = PrometheusTextSource.builder(uri).job("j").maxResponseBytes(1000).build();
        assertThatThrownBy(src::collect).isInstanceOf(IOException.class)
                .hasMessageContaining("larger than the limit of 1000 bytes");
        assertThat(PrometheusTextSource.builder(uri).job("j").maxResponseBytes(4000).build().collect())
                .hasSize(1);
    }

    @Test
    void aSampleLimitFailsAScrapeWithMoreSamples() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            body.append("a{i=\"").append(i).append("\"} 1\n");
        }
        URI uri = serve(200, body.toString());
        assertThatThrownBy(() -> PrometheusTextSource.builder(uri).job("j").sampleLimit(99).build().collect())
                .isInstanceOf(IOException.class).hasMessageEndingWith(": more than 99 samples (sampleLimit)");
        assertThat(PrometheusTextSource.builder(uri).job("j").sampleLimit(100).build().collect()).hasSize(100);
        assertThat(PrometheusTextSource.builder(uri).job("j").build().collect()).hasSize(100);
        assertThatThrownBy(() -> PrometheusTextSource.builder(uri).job("j").sampleLimit(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sampleLimit");
    }

    @Test
    void aContentEncodingThatIsNotACompressionIsReadAsPrometheusReadsIt() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", ex -> {
            byte[] b = "enc_test 42\n".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Encoding", "UTF-8");
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
        assertThat(PrometheusTextSource.builder(uri).job("j").build().collect()).singleElement()
                .satisfies(s -> assertThat(s.value()).isEqualTo(42.0));
    }

    @Test
    void aCompressedAnswerThatWasNotAskedForIsNamed() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", ex -> {
            java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(gz)) {
                z.write("a 1\n".getBytes(StandardCharsets.UTF_8));
            }
            ex.getResponseHeaders().add("Content-Encoding", "gzip");
            ex.sendResponseHeaders(200, gz.size());
            try (OutputStream out = ex.getResponseBody()) {
                out.write(gz.toByteArray());
            }
        });
        server.start();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
        assertThatThrownBy(() -> PrometheusTextSource.builder(uri).job("j").build().collect())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("the answer is compressed (Content-Encoding: gzip), which Tocsin does not ask"
                        + " for and cannot read");
    }

    @Test
    void aResponseThatNeverEndsFailsAtTheDeadline() throws Exception {
        URI uri = serve(200, "");
        URI slow = uri.resolve("/slow?token=hidden");
        PrometheusTextSource src = PrometheusTextSource.builder(slow).job("j")
                .connectTimeout(Duration.ofMillis(500)).readTimeout(Duration.ofMillis(300)).build();
        long start = System.nanoTime();
        assertThatThrownBy(src::collect).isInstanceOf(IOException.class)
                .hasMessageContaining("no complete response")
                .message().doesNotContain("hidden");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(src.toString()).doesNotContain("hidden");
    }

    @Test
    void returnsOnlyTheWantedMetricsButStillChecksTheWholeText() throws Exception {
        URI uri = serve(200, "# TYPE a gauge\na{x=\"1\"} 2\nb 3\nc 4\n");
        PrometheusTextSource src = PrometheusTextSource.builder(uri).job("app").build();
        assertThat(src.collect(dev.tocsin.core.MetricInterest.of(List.of("a", "c"))))
                .extracting(s -> s.labels().metricName()).containsExactly("a", "c");
        assertThat(src.collect(dev.tocsin.core.MetricInterest.all())).hasSize(3);
        stop();

        URI bad = serve(200, "a 1\nb{x=\"1\" 2\n");
        PrometheusTextSource broken = PrometheusTextSource.builder(bad).job("app").build();
        assertThatThrownBy(() -> broken.collect(dev.tocsin.core.MetricInterest.of(List.of("a"))))
                .isInstanceOf(PrometheusTextFormatException.class);
    }

    @Test
    void malformedTextFailsWithLineAndColumn() throws Exception {
        URI uri = serve(200, "a 1\nb{x=\"1\" 2\n");
        PrometheusTextSource src = PrometheusTextSource.builder(uri).job("j").build();
        assertThatThrownBy(src::collect).isInstanceOfSatisfying(PrometheusTextFormatException.class, e -> {
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.column()).isEqualTo(9);
            assertThat(e.input()).isEqualTo("metrics from " + uri);
        });
    }

    @Test
    void unreachableTargetFails() throws Exception {
        URI uri = serve(200, "a 1\n");
        server.stop(0);
        server = null;
        PrometheusTextSource src = PrometheusTextSource.builder(uri).job("j").build();
        assertThatThrownBy(src::collect).isInstanceOf(IOException.class).hasMessageContaining("cannot scrape");
    }

    @Test
    void builderRejectsBadSettings() {
        URI uri = URI.create("http://127.0.0.1:1/metrics");
        assertThatThrownBy(() -> PrometheusTextSource.builder(uri).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("job");
        assertThatThrownBy(() -> PrometheusTextSource.builder(URI.create("ftp://h/x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrometheusTextSource.builder(uri).readTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrometheusTextSource.builder(uri).maxResponseBytes(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(PrometheusTextSource.builder(URI.create("https://example.org/metrics")).job("j").build()
                .instance()).isEqualTo("example.org:443");
    }
}
