package dev.tocsin.haproxy;

import dev.tocsin.core.Sample;
import dev.tocsin.core.source.PrometheusTextSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PrometheusTextSource} against a real HAProxy's built-in exporter served over TLS with a self-signed
 * certificate and behind HTTP basic authentication: verification is on by default, an {@code sslContext} that trusts
 * the certificate works, and credentials are required and never shown.
 */
class PrometheusTextSourceTlsIT {

    private static final String PASSWORD = "exp0rter-pw";

    @TempDir
    Path dir;

    @Test
    void tlsIsVerifiedAndBasicAuthIsSent() throws Exception {
        try (HaproxyFixture haproxy = new HaproxyFixture(dir)
                .backend("app", HaproxyFixture.server("a1"))
                .extraConfig(String.join("\n",
                        "userlist scrapers",
                        "  user prom insecure-password " + PASSWORD,
                        "frontend metrics_tls",
                        "  bind 127.0.0.1:" + HaproxyFixture.EXTRA_PORT + " ssl crt " + dir.resolve("stats.pem"),
                        "  http-request use-service prometheus-exporter if { path /metrics }",
                        "frontend metrics_auth",
                        "  bind 127.0.0.1:" + HaproxyFixture.EXTRA_PORT_2,
                        "  http-request auth realm metrics unless { http_auth(scrapers) }",
                        "  http-request use-service prometheus-exporter if { path /metrics }",
                        ""))) {
            haproxy.start();
            int tlsPort = haproxy.extraPort();
            int authPort = haproxy.extraPort2();

            URI tls = URI.create("https://127.0.0.1:" + tlsPort + "/metrics");
            PrometheusTextSource untrusted = PrometheusTextSource.builder(tls).job("haproxy").build();
            assertThatThrownBy(untrusted::collect).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot scrape " + tls).hasMessageContaining("SSLHandshakeException");

            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(haproxy.trustStore());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            List<Sample> overTls = PrometheusTextSource.builder(tls).job("haproxy").sslContext(ctx).build().collect();
            assertThat(overTls).anySatisfy(s -> assertThat(s.metricName()).isEqualTo("haproxy_backend_active_servers"));

            URI auth = URI.create("http://127.0.0.1:" + authPort + "/metrics");
            assertThatThrownBy(PrometheusTextSource.builder(auth).job("haproxy").build()::collect)
                    .isInstanceOf(IOException.class).hasMessageContaining("HTTP 401");
            PrometheusTextSource wrong = PrometheusTextSource.builder(auth).job("haproxy")
                    .basicAuth("prom", "not-it".toCharArray()).build();
            assertThatThrownBy(wrong::collect).isInstanceOf(IOException.class).hasMessageContaining("HTTP 401")
                    .message().doesNotContain("not-it");
            PrometheusTextSource right = PrometheusTextSource.builder(auth).job("haproxy")
                    .basicAuth("prom", PASSWORD.toCharArray()).build();
            assertThat(right.collect()).isNotEmpty();
            assertThat(right.toString()).doesNotContain(PASSWORD);
        }
    }
}
