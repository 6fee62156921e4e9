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

    /**
     * The body reaches the sink while the rest is still on its way: the server sends the second half only after the
     * sink has seen the first (chunked, as HAProxy answers, and with a Content-Length).
     */
    @Test
    void theBodyIsHandedOnAsItArrives() throws Exception {
        String first = CSV.substring(0, CSV.length() / 2);
        String second = CSV.substring(CSV.length() / 2);
        for (boolean chunked : new boolean[] {true, false}) {
            java.util.concurrent.CountDownLatch firstSeen = new java.util.concurrent.CountDownLatch(1);
            try (RawServer s = new RawServer((req, out) -> {
                if (chunked) {
                    RawServer.write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + Integer.toHexString(first.length()) + "\r\n" + first + "\r\n");
                } else {
                    RawServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + CSV.length() + "\r\n\r\n" + first);
                }
                out.flush();
                if (!firstSeen.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    return; // the client waited for the whole body: it gets a truncated one and fails
                }
                RawServer.write(out, chunked ? Integer.toHexString(second.length()) + "\r\n" + second
                        + "\r\n0\r\n\r\n" : second);
            })) {
                java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
                java.util.List<Integer> pieces = new java.util.ArrayList<>();
                transport(s.port(), "/s", null, Duration.ofSeconds(10), 1 << 20).fetchStat((b, off, len) -> {
                    got.write(b, off, len);
                    pieces.add(len);
                    if (got.size() >= first.length()) {
                        firstSeen.countDown();
                    }
                });
                assertThat(got.toString(StandardCharsets.ISO_8859_1)).as("chunked %s", chunked).isEqualTo(CSV);
                assertThat(pieces.size()).isGreaterThan(1);
            }
        }
    }

    /**
     * A server that repeats the credentials in its status line (reason phrase or a malformed line) does not get them
     * into the exception's message, which reaches logs, {@code check}'s output and Resilience4j's debug log.
     */
    @Test
    void credentialsEchoedInTheStatusLineAreRedacted() throws Exception {
        String pair = "admin:S3cretPw";
        byte[] auth = ("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.US_ASCII);
        String token = new String(auth, StandardCharsets.US_ASCII).substring(6);
        for (String statusLine : new String[] {"HTTP/1.1 403 Forbidden for " + pair, "HTTP/1.1 401 Denied Basic " + token,
                "HTTP/1.1 2x0 Basic " + token, "HTTP/1.1 500 password S3cretPw",
                // beyond the 80 characters quoted: found before the text is cut
                "HTTP/1.1 403 Forbidden: the credentials that your client sent in its request were " + pair}) {
            try (RawServer s = new RawServer((req, out) -> RawServer.write(out, statusLine
                    + "\r\nContent-Length: 0\r\n\r\n"))) {
                assertThatThrownBy(() -> transport(s.port(), "/stats", auth, Duration.ofSeconds(2), 1 << 20)
                        .fetchStat()).as(statusLine).isInstanceOf(FetchException.class)
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("S3cretPw", token)
                                .contains("<redacted>"));
            }
        }
    }

    /** Only what the server sent is redacted: a password that is a common word leaves Tocsin's own hints whole. */
    @Test
    void aPasswordThatIsACommonWordDoesNotGarbleTheMessage() throws Exception {
        byte[] auth = ("Basic " + Base64.getEncoder().encodeToString("admin:stats".getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.US_ASCII);
        try (RawServer s = new RawServer((req, out) -> RawServer.write(out,
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"))) {
            assertThatThrownBy(() -> transport(s.port(), "/stats", auth, Duration.ofSeconds(2), 1 << 20).fetchStat())
                    .isInstanceOf(FetchException.class).hasMessageContaining("/stats;csv")
                    .hasMessageContaining("'stats uri'").hasMessageNotContaining("<redacted>");
        }
    }

    /** The status line is parsed as sent: a password that is part of it ("200", "1.1", "HTTP") changes nothing. */
    @Test
    void aPasswordThatIsPartOfTheStatusLineDoesNotBreakIt() throws Exception {
        for (String password : new String[] {"200", "1.1", "HTTP"}) {
            byte[] auth = ("Basic " + Base64.getEncoder().encodeToString(("admin:" + password)
                    .getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.US_ASCII);
            try (RawServer s = new RawServer((req, out) -> RawServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: "
                    + CSV.length() + "\r\n\r\n" + CSV))) {
                assertThat(body(transport(s.port(), "/stats", auth, Duration.ofSeconds(2), 1 << 20).fetchStat()))
                        .as(password).isEqualTo(CSV);
            }
        }
    }


    @Test
    void aBodyOfExactlyTheCapIsRead() throws Exception {
        String half = CSV.substring(0, CSV.length() / 2);
        String rest = CSV.substring(CSV.length() / 2);
        for (boolean chunked : new boolean[] {true, false}) {
            try (RawServer s = new RawServer((req, out) -> RawServer.write(out, chunked
                    ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(half.length())
                    + "\r\n" + half + "\r\n" + Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n"
                    : "HTTP/1.1 200 OK\r\nContent-Length: " + CSV.length() + "\r\n\r\n" + CSV))) {
                assertThat(body(transport(s.port(), "/s", null, Duration.ofSeconds(2), CSV.length()).fetchStat()))
                        .as("chunked %s", chunked).isEqualTo(CSV);
                assertThatThrownBy(() -> transport(s.port(), "/s", null, Duration.ofSeconds(2), CSV.length() - 1)
                        .fetchStat()).as("chunked %s", chunked)
                        .hasMessageContaining("larger than the cap of " + (CSV.length() - 1) + " bytes");
            }
        }
    }

    /**
     * Headers that arrive in several reads, followed by a body larger than one read: the body in the headers' last
     * read does not count against the header cap.
     */
    @Test
    void headersInPiecesFollowedByALargeBody() throws Exception {
        String big = CSV + "x,".repeat(60_000) + "\n";
        String head = "HTTP/1.1 200 OK\r\nX-Filler: " + "f".repeat(40_000) + "\r\nContent-Length: " + big.length()
                + "\r\n\r\n";
        try (RawServer s = new RawServer((req, out) -> {
            RawServer.write(out, head.substring(0, 30_000));
            out.flush();
            Thread.sleep(50); // the client reads the first part of the headers on its own (not an assertion)
            RawServer.write(out, head.substring(30_000) + big);
        })) {
            assertThat(body(transport(s.port(), "/s", null, Duration.ofSeconds(5), 1 << 20).fetchStat()))
                    .isEqualTo(big);
        }
    }

    @Test
    void anExceptionOfTheSinkAbortsTheFetch() throws Exception {
        try (RawServer s = new RawServer((req, out) -> RawServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: "
                + CSV.length() + "\r\n\r\n" + CSV))) {
            FetchException stop = new FetchException("enough");
            assertThatThrownBy(() -> transport(s.port(), "/s", null, Duration.ofSeconds(2), 1 << 20)
                    .fetchStat((b, off, len) -> {
                        throw stop;
                    })).isSameAs(stop);
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
    void aRedirectIsNamedWithoutTheCredentialsItMayCarry() throws Exception {
        try (RawServer s = new RawServer((req, out) -> RawServer.write(out, "HTTP/1.1 302 Found\r\n"
                + "Location: http://u:s3cr3tpw@elsewhere:8404/stats?token=t0k3n&stats;csv\r\nContent-Length: 0\r\n\r\n"))) {
            assertThatThrownBy(() -> transport(s.port(), "/s?pw=hunter2&x", null, Duration.ofSeconds(2), 1 << 20)
                    .fetchStat())
                    .hasMessageContaining("redirected to http://elsewhere:8404/stats?token=...&stats;csv")
                    .hasMessageContaining("/s?pw=...&...;csv")
                    .hasMessageNotContaining("s3cr3tpw").hasMessageNotContaining("t0k3n")
                    .hasMessageNotContaining("hunter2");
        }
        // user info that is not ASCII, or holds a '/' or a '?': nothing of it is shown
        for (String location : new String[] {"http://admin:h\u00fcnter2pass@elsewhere/stats",
            "http://admin:pa/ssw0rd@elsewhere/stats", "http://admin:pa?ssw0rd@elsewhere/stats"}) {
            try (RawServer s = new RawServer((req, out) -> RawServer.write(out, "HTTP/1.1 302 Found\r\nLocation: "
                    + location + "\r\nContent-Length: 0\r\n\r\n"))) {
                assertThatThrownBy(() -> transport(s.port(), "/s", null, Duration.ofSeconds(2), 1 << 20).fetchStat())
                        .hasMessageContaining("redirected to ").hasMessageNotContaining("nter2pass")
                        .hasMessageNotContaining("ssw0rd").hasMessageNotContaining("admin");
            }
        }
        try (RawServer s = new RawServer((req, out) -> RawServer.write(out, "HTTP/1.1 301 Moved\r\n"
                + "Location: ht tp://bad url\r\nContent-Length: 0\r\n\r\n"))) {
            assertThatThrownBy(() -> transport(s.port(), "/s", null, Duration.ofSeconds(2), 1 << 20).fetchStat())
                    .hasMessageContaining("redirected to (a URL that does not parse)");
        }
    }

    @Test
    void serverErrorsAreRetriableClientErrorsAreNot() throws Exception {
        try (RawServer s = new RawServer((req, out) -> RawServer.write(out,
                req.contains("/five") ? "HTTP/1.1 503 Service Unavailable\r\n\r\n" : "HTTP/1.1 404 Not Found\r\n\r\n"))) {
            FetchException five = catchFetch(transport(s.port(), "/five", null, Duration.ofSeconds(2), 1024));
            assertThat(five.getMessage()).contains("HTTP 503 Service Unavailable")
                    .contains("HAProxy answers 503 for any other path of a stats-only frontend");
            assertThat(five.retriable()).isTrue();
            FetchException four = catchFetch(transport(s.port(), "/four", null, Duration.ofSeconds(2), 1024));
            assertThat(four.getMessage()).contains("HTTP 404", "Is the port the stats listener's?")
                    .doesNotContain("503");
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
