package dev.tocsin.haproxy;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HaproxySourceTest {

    private static int closedPort() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return ss.getLocalPort();
        }
    }

    @Test
    void defaultsFollowTheExporter() {
        HaproxySource http = HaproxySource.builder().statsUri(URI.create("http://lb1:8404/stats;csv")).build();
        assertThat(http.instance()).isEqualTo("lb1:8404");
        assertThat(http.job()).isEqualTo("haproxy");
        assertThat(http.healthMetric()).isEqualTo("haproxy_up");
        assertThat(HaproxySource.builder().statsUri(URI.create("https://lb1/stats")).build().instance())
                .isEqualTo("lb1:443");
        assertThat(HaproxySource.builder().runtimeApi(Path.of("/run/haproxy/admin.sock")).build().instance())
                .isEqualTo("/run/haproxy/admin.sock");
        assertThat(HaproxySource.builder().runtimeApi("10.0.0.1", 9999).instance("lb-a").job("edge").build())
                .satisfies(s -> {
                    assertThat(s.instance()).isEqualTo("lb-a");
                    assertThat(s.job()).isEqualTo("edge");
                });
    }

    @Test
    void rejectsContradictoryOrUnsafeSettings() {
        assertThatThrownBy(() -> HaproxySource.builder().build()).hasMessageContaining("choose a transport");
        assertThatThrownBy(() -> HaproxySource.builder().statsUri(URI.create("http://u:hunter2@lb/stats")))
                .hasMessageContaining("user info").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> HaproxySource.builder().statsUri(URI.create("ftp://lb/stats")))
                .hasMessageContaining("http or https");
        assertThatThrownBy(() -> HaproxySource.builder().statsUri(URI.create("http://lb/stats"))
                .insecureSkipTlsVerify().build()).hasMessageContaining("https");
        assertThatThrownBy(() -> HaproxySource.builder().runtimeApi(Path.of("/s"))
                .basicAuth("u", "p".toCharArray()).build()).hasMessageContaining("basicAuth");
        assertThatThrownBy(() -> HaproxySource.builder().readTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HaproxySource.builder().basicAuth("a:b", new char[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HaproxySource.builder().runtimeApi("h", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void credentialsNeverShowInToStringOrFailures() throws Exception {
        int port = closedPort();
        HaproxySource s = HaproxySource.builder().statsUri(URI.create("http://127.0.0.1:" + port + "/stats"))
                .basicAuth("monitor", "hunter2".toCharArray()).retry(1, Duration.ofMillis(1)).build();
        assertThat(s.toString()).contains("basic auth").doesNotContain("hunter2").doesNotContain("monitor");
        assertThatThrownBy(s::collect).hasMessageContaining("connection refused by 127.0.0.1:" + port)
                .hasMessageNotContaining("hunter2").hasMessageNotContaining("bW9uaXRvcjpodW50ZXIy");
    }

    @Test
    void aDeadHaproxyIsRetriedThenNotHammered() throws Exception {
        HaproxySource s = HaproxySource.builder().runtimeApi("127.0.0.1", closedPort())
                .retry(2, Duration.ofMillis(1)).circuitBreaker(2, Duration.ofMinutes(1)).build();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(s::collect).hasMessageContaining("connection refused");
        }
        assertThatThrownBy(s::collect).hasMessageContaining("circuit breaker open after 2 consecutive failed scrapes");
        HaproxySource.Stats st = s.stats();
        assertThat(st.scrapes()).isEqualTo(3);
        assertThat(st.failures()).isEqualTo(3);
        assertThat(st.retries()).isEqualTo(2);
        assertThat(st.circuitOpened()).isEqualTo(1);
        assertThat(st.rejectedByOpenCircuit()).isEqualTo(1);
        assertThat(st.circuitState()).isEqualTo("OPEN");
    }

    @Test
    void sourcesShareNoState() throws Exception {
        int port = closedPort();
        HaproxySource a = HaproxySource.builder().runtimeApi("127.0.0.1", port).instance("a")
                .retry(1, Duration.ofMillis(1)).circuitBreaker(1, Duration.ofMinutes(1)).build();
        HaproxySource b = HaproxySource.builder().runtimeApi("127.0.0.1", port).instance("b")
                .retry(1, Duration.ofMillis(1)).circuitBreaker(1, Duration.ofMinutes(1)).build();
        assertThatThrownBy(a::collect).hasMessageContaining("connection refused");
        assertThat(a.stats().circuitState()).isEqualTo("OPEN");
        assertThat(b.stats().circuitState()).isEqualTo("CLOSED");
        assertThat(b.stats().scrapes()).isZero();
    }
}
