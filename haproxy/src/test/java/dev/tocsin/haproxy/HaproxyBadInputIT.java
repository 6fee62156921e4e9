package dev.tocsin.haproxy;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Evaluator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import static dev.tocsin.haproxy.HaproxyFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A misbehaving stats endpoint next to a real HAProxy: each misbehaviour makes only its own source's haproxy_up 0 (or
 * counts skipped rows), with a clear message, never an exception into the host, and the real HAProxy's alerts go on.
 */
class HaproxyBadInputIT {

    @TempDir
    static Path dir;
    static HaproxyFixture haproxy;
    static ServerSocket bad;
    static volatile Behaviour behaviour = Behaviour.HTML;
    static String goodCsv;
    static volatile boolean echoDecoded;

    /** What the bad endpoint does; {@code expected} is part of the failure message, or null for "skipped rows". */
    enum Behaviour {
        HTML("is not HAProxy CSV"),
        UNAUTHORIZED("HTTP 401"),
        FORBIDDEN("HTTP 403"),
        SERVER_ERROR("HTTP 500"),
        TRUNCATED(null),
        GARBAGE("is not HAProxy CSV"),
        HEADER_ONLY(""),
        NEVER_ANSWERS("timeout after 500ms"),
        DRIPS("timeout after 500ms"),
        OVER_CAP("larger than the cap"),
        /** The first line echoes what the request sent: its Authorization header, or the decoded user:password. */
        ECHO("is not HAProxy CSV");

        final String expected;

        Behaviour(String expected) {
            this.expected = expected;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        haproxy = new HaproxyFixture(dir).backend("app", server("s1")).start();
        goodCsv = haproxy.command("show stat");
        bad = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!bad.isClosed()) {
                try {
                    Socket s = bad.accept();
                    Thread w = new Thread(() -> answer(s));
                    w.setDaemon(true);
                    w.start();
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @AfterAll
    static void stop() throws Exception {
        bad.close();
        haproxy.close();
    }

    private static void answer(Socket socket) {
        try (Socket s = socket) {
            byte[] request = new byte[4096];
            int n = Math.max(0, s.getInputStream().read(request));
            OutputStream out = s.getOutputStream();
            switch (behaviour) {
                case HTML: body(out, "200 OK", "<html><body><h1>Statistics Report</h1></body></html>\n"); break;
                case UNAUTHORIZED: body(out, "401 Unauthorized", ""); break;
                case FORBIDDEN: body(out, "403 Forbidden", ""); break;
                case SERVER_ERROR: body(out, "500 Internal Server Error", "oops"); break;
                case TRUNCATED:
                    String[] lines = goodCsv.split("\n");
                    body(out, "200 OK", lines[0] + "\n" + lines[1].substring(0, 20) + "\n");
                    break;
                case GARBAGE:
                    byte[] g = new byte[2048];
                    new Random(42).nextBytes(g);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + g.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(g);
                    break;
                case ECHO:
                    String auth = new String(request, 0, n, StandardCharsets.ISO_8859_1).lines()
                            .filter(l -> l.regionMatches(true, 0, "Authorization: ", 0, 15)).findFirst().orElse("");
                    String token = auth.contains("Basic ") ? auth.substring(auth.indexOf("Basic ") + 6).trim() : "";
                    body(out, "200 OK", echoDecoded
                            ? new String(java.util.Base64.getDecoder().decode(token), StandardCharsets.UTF_8) + " ok\n"
                            : "Basic " + token + "\n");
                    break;
                case HEADER_ONLY: body(out, "200 OK", goodCsv.split("\n")[0] + "\n"); break;
                case NEVER_ANSWERS: Thread.sleep(30_000); break;
                case DRIPS:
                    out.write("HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 30; i++) {
                        out.write('#');
                        out.flush();
                        Thread.sleep(1000);
                    }
                    break;
                default:
                    out.write("HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    byte[] kb = new byte[1024];
                    for (int i = 0; i < 2048; i++) {
                        out.write(kb);
                    }
                    break;
            }
            out.flush();
        } catch (Exception ignored) {
            // client went away
        }
    }

    private static void body(OutputStream out, String status, String body) throws Exception {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + "\r\nContent-Length: " + b.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(b);
    }

    @ParameterizedTest
    @EnumSource(Behaviour.class)
    void aBadEndpointOnlyTakesItsOwnSourceDown(Behaviour b) throws Exception {
        behaviour = b;
        HaproxySource badSource = HaproxySource.builder()
                .statsUri(URI.create("http://127.0.0.1:" + bad.getLocalPort() + "/stats;csv"))
                .readTimeout(Duration.ofMillis(500)).maxResponseBytes(1024 * 1024).retry(1, Duration.ofMillis(1))
                .instance("bad").build();
        HaproxySource good = HaproxySource.builder().runtimeApi(haproxy.unixSocket()).instance("good").build();

        if (b.expected == null) {
            badSource.collect();
            assertThat(badSource.stats().csvParseFailures()).isPositive();
        } else if (b.expected.isEmpty()) {
            assertThat(badSource.collect()).noneSatisfy(s -> assertThat(s.metricName()).isEqualTo("haproxy_backend_up"));
        } else {
            assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                    assertThatThrownBy(badSource::collect).hasMessageContaining(b.expected));
        }

        haproxy.serverOf("app", "s1").stop();
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                    .until(() -> haproxy.status("app", "BACKEND"), s -> s.equals("DOWN"));
            try (Evaluator e = Evaluator.builder().source(badSource).source(good)
                    .rules(HaproxyRules.availability()).build()) {
                List<Alert> fired = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> e.evaluate(Instant.now()));
                boolean badDown = fired.stream().anyMatch(a -> a.ruleName().equals("HaproxyDown")
                        && a.labels().get("instance").equals("bad") && a.state() == AlertState.FIRING);
                assertThat(badDown).isEqualTo(b.expected != null && !b.expected.isEmpty());
                assertThat(fired).anySatisfy(a -> {
                    assertThat(a.ruleName()).isEqualTo("HaproxyBackendDown");
                    assertThat(a.labels().get("instance")).isEqualTo("good");
                });
                assertThat(fired).noneMatch(a -> a.ruleName().equals("HaproxyDown")
                        && a.labels().get("instance").equals("good"));
            }
        } finally {
            haproxy.serverOf("app", "s1").start();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                    .until(() -> haproxy.status("app", "BACKEND"), s -> s.equals("UP"));
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void anAnswerEchoingTheCredentialsIsQuotedWithoutThem(boolean decoded) {
        behaviour = Behaviour.ECHO;
        echoDecoded = decoded;
        String token = java.util.Base64.getEncoder().encodeToString("monitor:s3cr3t!".getBytes(StandardCharsets.UTF_8));
        HaproxySource source = HaproxySource.builder()
                .statsUri(URI.create("http://127.0.0.1:" + bad.getLocalPort() + "/stats;csv"))
                .basicAuth("monitor", "s3cr3t!".toCharArray())
                .readTimeout(Duration.ofMillis(500)).retry(1, Duration.ofMillis(1)).instance("echo").build();
        assertThatThrownBy(source::collect).isInstanceOf(HaproxyReadException.class)
                .hasMessageContaining("is not HAProxy CSV")
                .hasMessageContaining("<redacted>")
                .satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(t.getMessage()).doesNotContain("s3cr3t", token.substring(0, 12));
                        if (t.getCause() == null) {
                            // the mapper's typed error stays reachable, with its position
                            assertThat(t).isInstanceOf(CsvFormatException.class);
                            assertThat(((CsvFormatException) t).line()).isEqualTo(1);
                        }
                    }
                });
    }
}
