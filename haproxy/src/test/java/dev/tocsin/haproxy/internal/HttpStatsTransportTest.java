package dev.tocsin.haproxy.internal;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class HttpStatsTransportTest {

    private static final String CSV = "# pxname,svname,status,\nbe,BACKEND,UP,\n";

    private static HttpStatsTransport transport(int port, String path, byte[] auth, Duration read, long cap) {
        return new HttpStatsTransport(URI.create("http://127.0.0.1:" + port + path), auth, null, true,
                Duration.ofSeconds(2), read, cap);
    }

    private static String body(StatsTransport.Payload p) {
        return new String(p.bytes(), 0, p.length(), StandardCharsets.UTF_8);
    }

    @Test
    void readsContentLengthBodyAndAppendsCsvSuffix() throws Exception {
        try (RawServer s = new RawServer((req, out) -> RawServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: "
                + CSV.length() + "\r\n\r\n" + CSV))) {
            StatsTransport.Payload p = transport(s.port(), "/stats", null, Duration.ofSeconds(2), 1 << 20)
                    .fetchStat();
            assertThat(body(p)).isEqualTo(CSV);
            assertThat(s.requests.peek()).startsWith("GET /stats;csv HTTP/1.1\r\n").contains("Connection: close");
        }
    }

    @Test
    void aRecycledBodyArrayIsReusedAndOverwrittenCorrectly() throws Exception {
        String large = CSV + "x,".repeat(10_000) + "\n";
        String[] bodies = {large, CSV, large};
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        try (RawServer s = new RawServer((req, out) -> {
            String b = bodies[n.getAndIncrement() % bodies.length];
            RawServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + b.length() + "\r\n\r\n" + b);
        })) {
            HttpStatsTransport t = transport(s.port(), "/s", null, Duration.ofSeconds(2), 1 << 20);
            StatsTransport.Payload first = t.fetchStat();
            assertThat(body(first)).isEqualTo(large);
            t.recycle(first);
            StatsTransport.Payload second = t.fetchStat();
            assertThat(second.bytes()).isSameAs(first.bytes());
            assertThat(body(second)).isEqualTo(CSV);
            StatsTransport.Payload third = t.fetchStat(); // second not recycled: a new array
            assertThat(third.bytes()).isNotSameAs(second.bytes());
            assertThat(body(third)).isEqualTo(large);
            assertThat(body(second)).isEqualTo(CSV);
        }
    }

    @Test
    void keepsAnExistingCsvSuffixAndQuery() {
        assertThat(HttpStatsTransport.requestTarget(URI.create("http://h/stats;csv;norefresh")))
                .isEqualTo("/stats;csv;norefresh");
        assertThat(HttpStatsTransport.requestTarget(URI.create("http://h/haproxy?stats")))
                .isEqualTo("/haproxy?stats;csv");
        assertThat(HttpStatsTransport.requestTarget(URI.create("http://h"))).isEqualTo("/;csv");
    }

    @Test
    void decodesChunkedBodies() throws Exception {
        try (RawServer s = new RawServer((req, out) -> RawServer.write(out,
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\n# pxn\r\n"
                        + Integer.toHexString(CSV.length() - 5) + "\r\n" + CSV.substring(5) + "\r\n0\r\n\r\n"))) {
            assertThat(body(transport(s.port(), "/s", null, Duration.ofSeconds(2), 1 << 20).fetchStat()))
                    .isEqualTo(CSV);
        }
    }

    @Test
    void readsCloseDelimitedBodies() throws Exception {
        try (RawServer s = new RawServer((req, out) -> RawServer.write(out, "HTTP/1.0 200 OK\r\n\r\n" + CSV))) {
            assertThat(body(transport(s.port(), "/s", null, Duration.ofSeconds(2), 1 << 20).fetchStat()))
                    .isEqualTo(CSV);
        }
    }

    @Test
    void sendsBasicAuthButNeverShowsIt() throws Exception {
        byte[] auth = ("Basic " + Base64.getEncoder().encodeToString("mon:s3cret".getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.US_ASCII);
        try (RawServer s = new RawServer((req, out) -> RawServer.write(out,
                "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"))) {
            HttpStatsTransport t = transport(s.port(), "/s", auth, Duration.ofSeconds(2), 1 << 20);
            assertThatThrownBy(t::fetchStat).isInstanceOf(FetchException.class)
                    .hasMessageContaining("HTTP 401 Unauthorized")
                    .hasMessageNotContaining("s3cret").hasMessageNotContaining("bW9uOnMzY3JldA");
            assertThat(s.requests.peek()).contains("Authorization: Basic bW9uOnMzY3JldA==\r\n");
            assertThat(t.describe()).doesNotContain("s3cret");
        }
    }

    @Test
    void redirectsAreFailuresNamingTheTarget() throws Exception {
        try (RawServer s = new RawServer((req, out) -> RawServer.write(out,
                "HTTP/1.1 302 Found\r\nLocation: https://elsewhere/stats\r\nContent-Length: 0\r\n\r\n"))) {
            assertThatThrownBy(() -> transport(s.port(), "/s", null, Duration.ofSeconds(2), 1 << 20).fetchStat())
                    .hasMessageContaining("redirected to https://elsewhere/stats")
                    .satisfies(e -> assertThat(((FetchException) e).retriable()).isFalse());
        }
    }

    @Test
    void serverErrorsAreRetriableClientErrorsAreNot() throws Exception {
        try (RawServer s = new RawServer((req, out) -> RawServer.write(out,
                req.contains("/five") ? "HTTP/1.1 503 Service Unavailable\r\n\r\n" : "HTTP/1.1 404 Not Found\r\n\r\n"))) {
            FetchException five = catchFetch(transport(s.port(), "/five", null, Duration.ofSeconds(2), 1024));
            assertThat(five.getMessage()).contains("HTTP 503 Service Unavailable");
            assertThat(five.retriable()).isTrue();
            FetchException four = catchFetch(transport(s.port(), "/four", null, Duration.ofSeconds(2), 1024));
            assertThat(four.getMessage()).contains("HTTP 404");
            assertThat(four.retriable()).isFalse();
        }
    }

    @Test
    void abortsBodiesOverTheCap() throws Exception {
        try (RawServer s = new RawServer((req, out) -> {
            RawServer.write(out, "HTTP/1.1 200 OK\r\n\r\n");
            byte[] kb = new byte[1024];
            for (int i = 0; i < 1024; i++) {
                out.write(kb);
            }
        })) {
            assertThatThrownBy(() -> transport(s.port(), "/s", null, Duration.ofSeconds(5), 10_000).fetchStat())
                    .hasMessageContaining("larger than the cap of 10000 bytes");
        }
    }

    @Test
    void rejectsAnnouncedOversizedBodiesAtOnce() throws Exception {
        try (RawServer s = new RawServer((req, out) -> RawServer.write(out,
                "HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n"))) {
            assertThatThrownBy(() -> transport(s.port(), "/s", null, Duration.ofSeconds(5), 10_000).fetchStat())
                    .hasMessageContaining("larger than the cap");
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOutAtTheDeadline() throws Exception {
        try (RawServer s = new RawServer((req, out) -> Thread.sleep(10_000))) {
            assertTimeoutPreemptively(Duration.ofSeconds(3), () ->
                    assertThatThrownBy(() -> transport(s.port(), "/s", null, Duration.ofMillis(300), 1024).fetchStat())
                            .hasMessageContaining("timeout after 300ms"));
        }
    }

    @Test
    void aDrippingServerIsCutOffAtTheWholeResponseDeadline() throws Exception {
        try (RawServer s = new RawServer((req, out) -> {
            RawServer.write(out, "HTTP/1.1 200 OK\r\n\r\n");
            for (int i = 0; i < 100; i++) {
                out.write('x');
                out.flush();
                Thread.sleep(100);
            }
        })) {
            assertTimeoutPreemptively(Duration.ofSeconds(4), () ->
                    assertThatThrownBy(() -> transport(s.port(), "/s", null, Duration.ofMillis(700), 1 << 20)
                            .fetchStat())
                            .hasMessageContaining("timeout after 700ms while reading the response body"));
        }
    }

    @Test
    void truncatedBodiesFail() throws Exception {
        try (RawServer s = new RawServer((req, out) -> RawServer.write(out,
                "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n# pxname,"))) {
            assertThatThrownBy(() -> transport(s.port(), "/s", null, Duration.ofSeconds(2), 1024).fetchStat())
                    .hasMessageContaining("after 9 of 100 body bytes");
        }
    }

    @Test
    void nonHttpAnswersFail() throws Exception {
        try (RawServer s = new RawServer((req, out) -> RawServer.write(out, "\u0000\u0001garbage\r\n\r\n"))) {
            assertThatThrownBy(() -> transport(s.port(), "/s", null, Duration.ofSeconds(2), 1024).fetchStat())
                    .hasMessageContaining("did not answer with HTTP/1.x");
        }
    }

    @Test
    void refusedConnectionsAreRetriable() throws Exception {
        int port;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        FetchException e = catchFetch(transport(port, "/s", null, Duration.ofSeconds(1), 1024));
        assertThat(e.getMessage()).contains("connection refused by 127.0.0.1:" + port);
        assertThat(e.retriable()).isTrue();
    }

    private static FetchException catchFetch(StatsTransport t) {
        try {
            t.fetchStat();
        } catch (FetchException e) {
            return e;
        }
        throw new AssertionError("expected a FetchException");
    }
}
