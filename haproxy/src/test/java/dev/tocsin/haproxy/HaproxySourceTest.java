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
        assertThatThrownBy(() -> HaproxySource.builder().statsUri(URI.create("http://lb/stats"))
                .runtimeApi(Path.of("/s")).build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("choose one transport: statsUri(...) and runtimeApi(path) were both given");
        // a server metric field that is no exported column (a typo) would silently turn the metric off
        assertThatThrownBy(() -> HaproxySource.builder().statsUri(URI.create("http://lb/stats"))
                .serverMetricFields("stauts").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("server metric field 'stauts': not a HAProxy CSV column; the server columns the"
                        + " exporter maps are ")
                .hasMessageContaining("status");
        assertThatThrownBy(() -> HaproxySource.builder().statsUri(URI.create("http://lb/stats"))
                .serverMetricFields("999").build()).hasMessageContaining("no such column number");
        assertThatThrownBy(() -> HaproxySource.builder().statsUri(URI.create("http://lb/stats"))
                .serverMetricFields("st-atus").build()).hasMessageContaining("expected a CSV column name");
        assertThat(HaproxySource.builder().statsUri(URI.create("http://lb/stats")).serverMetricFields("status", "17")
                .build()).isNotNull();
        // the same transport again replaces it
        assertThat(HaproxySource.builder().statsUri(URI.create("http://a/stats")).statsUri(URI.create("http://b/stats"))
                .build().instance()).isEqualTo("b:80");
        assertThatThrownBy(() -> HaproxySource.builder().statsUri(URI.create("http://u:hunter2@lb/stats")))
                .hasMessageContaining("user info").hasMessageContaining("use basicAuth(user, password)")
                .hasMessageNotContaining("hunter2");
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
        assertThatThrownBy(s::collect).isInstanceOf(HaproxyReadException.class)
                .hasMessageContaining("connection refused by 127.0.0.1:" + port)
                .hasMessageNotContaining("hunter2").hasMessageNotContaining("bW9uaXRvcjpodW50ZXIy");
    }

    @Test
    void basicAuthOverPlainHttpToAnotherHostIsWarnedAboutOnce() {
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            HaproxySource.builder().statsUri(URI.create("http://lb.example:8404/stats"))
                    .basicAuth("monitor", "hunter2".toCharArray()).build();
            HaproxySource.builder().statsUri(URI.create("http://127.0.0.1:8404/stats"))
                    .basicAuth("monitor", "hunter2".toCharArray()).build();
            HaproxySource.builder().statsUri(URI.create("https://lb.example:8404/stats"))
                    .basicAuth("monitor", "hunter2".toCharArray()).build();
            HaproxySource.builder().statsUri(URI.create("http://lb.example:8404/stats")).build();
        } finally {
            System.setErr(old);
        }
        String log = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(log.lines().filter(l -> l.contains("plain http"))).singleElement().asString()
                .contains("lb.example:8404").doesNotContain("hunter2").doesNotContain("monitor");
    }

    /**
     * A Runtime API on a unix socket that answers the k-th {@code show stat} (from 0) after {@code statDelayMillis(k)}
     * with a real HAProxy's CSV (refuses it when that is negative), and the k-th {@code show info} with a version, or
     * never when {@code infoHangs(k)}.
     * Records the commands; closes with the returned channel (and the connections it kept open).
     */
    private static java.io.Closeable runtimeApiStub(Path sock, java.util.function.IntToLongFunction statDelayMillis,
            java.util.function.IntPredicate infoHangs, java.util.List<String> commands) throws java.io.IOException {
        byte[] csv = java.nio.file.Files.readAllBytes(Path.of("src/test/resources/dev/tocsin/haproxy/internal/csv/"
                + "HaproxyCsvMapperFuzzTestInputs/map/real-socket"));
        byte[] info = "Name: HAProxy\nVersion: 2.6.12-1\nRelease_date: 2023/03/10\n\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open(
                java.net.StandardProtocolFamily.UNIX);
        server.bind(java.net.UnixDomainSocketAddress.of(sock));
        java.util.List<java.nio.channels.SocketChannel> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            int stats = 0;
            int infos = 0;
            try {
                while (true) {
                    java.nio.channels.SocketChannel ch = server.accept();
                    java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(256);
                    while (in.position() == 0 || in.get(in.position() - 1) != '\n') {
                        if (ch.read(in) < 0) {
                            break;
                        }
                    }
                    String cmd = new String(in.array(), 0, in.position(), java.nio.charset.StandardCharsets.US_ASCII);
                    commands.add(cmd.trim());
                    if (cmd.startsWith("show stat")) {
                        long delay = statDelayMillis.applyAsLong(stats++);
                        if (delay < 0) { // refused: the scrape fails
                            ch.write(java.nio.ByteBuffer.wrap("Permission denied.\n\n"
                                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                            ch.close();
                            continue;
                        }
                        Thread.sleep(delay);
                        ch.write(java.nio.ByteBuffer.wrap(csv));
                        ch.close();
                    } else if (infoHangs.test(infos++)) {
                        held.add(ch); // no answer, connection kept open
                    } else {
                        ch.write(java.nio.ByteBuffer.wrap(info));
                        ch.close();
                    }
                }
            } catch (java.io.IOException | InterruptedException e) {
                // closed at the end of the test
            }
        });
        t.setDaemon(true);
        t.start();
        return () -> {
            server.close();
            for (java.nio.channels.SocketChannel ch : held) {
                ch.close();
            }
        };
    }

    @Test
    void showInfoIsAskedWithinTheScrapesBudget(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.util.List<String> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (java.io.Closeable stub = runtimeApiStub(dir.resolve("admin.sock"), k -> 3000, k -> true, commands)) {
            HaproxySource s = HaproxySource.builder().runtimeApi(dir.resolve("admin.sock"))
                    .connectTimeout(Duration.ofMillis(500)).readTimeout(Duration.ofSeconds(4))
                    .retry(1, Duration.ofMillis(1)).build();
            long start = System.nanoTime();
            java.util.List<dev.tocsin.core.Sample> samples = s.collect();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(commands).containsExactly("show stat", "show info");
            assertThat(samples).anyMatch(x -> x.metricName().equals("haproxy_backend_up"))
                    .noneMatch(x -> x.metricName().equals("haproxy_version_info"));
            // the budget is 4.5 s (connect + read); 'show info' used to get its own 4 s after the 3 s of 'show stat'
            assertThat(took).isLessThan(Duration.ofMillis(4500 + 1200));
        }
    }

    private static boolean hasVersion(java.util.List<dev.tocsin.core.Sample> samples) {
        return samples.stream().anyMatch(x -> x.metricName().equals("haproxy_version_info")
                && x.labels().get("version").equals("2.6.12-1"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {0, 850})
    void aFailedShowInfoIsAskedAgainAfterItsBackoff(long firstStatMillis, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        java.util.List<String> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
        // the first 'show stat' answers at once (the read timeout ends 'show info') or takes 850 ms of the 1.2 s
        // budget (the budget ends it); the first 'show info' hangs, the next ones answer
        try (java.io.Closeable stub = runtimeApiStub(dir.resolve("admin.sock"), k -> k == 0 ? firstStatMillis : 0,
                k -> k == 0, commands)) {
            dev.tocsin.haproxy.internal.MutableClock clock = new dev.tocsin.haproxy.internal.MutableClock();
            HaproxySource s = HaproxySource.builder().runtimeApi(dir.resolve("admin.sock"))
                    .connectTimeout(Duration.ofMillis(200)).readTimeout(Duration.ofMillis(1000))
                    .retry(1, Duration.ofMillis(1)).clock(clock).build();
            assertThat(hasVersion(s.collect())).isFalse();
            assertThat(hasVersion(s.collect())).isFalse(); // within the backoff: not asked
            assertThat(commands).containsExactly("show stat", "show info", "show stat");
            clock.advance(Duration.ofMillis(DefaultHaproxySource.INFO_FIRST_BACKOFF_MILLIS));
            assertThat(hasVersion(s.collect())).isTrue();
            assertThat(hasVersion(s.collect())).isTrue(); // answered: not asked again
            assertThat(commands).containsExactly("show stat", "show info", "show stat", "show stat", "show info",
                    "show stat");
        }
    }

    @Test
    void aShowInfoThatNeverAnswersIsAskedLessAndLessOften(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        java.util.List<String> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (java.io.Closeable stub = runtimeApiStub(dir.resolve("admin.sock"), k -> 0, k -> true, commands)) {
            dev.tocsin.haproxy.internal.MutableClock clock = new dev.tocsin.haproxy.internal.MutableClock();
            HaproxySource s = HaproxySource.builder().runtimeApi(dir.resolve("admin.sock"))
                    .connectTimeout(Duration.ofMillis(100)).readTimeout(Duration.ofMillis(300))
                    .retry(1, Duration.ofMillis(1)).clock(clock).build();
            long sec = 1000;
            // the wait after each failure: 30 s, 60, 120, 240, 480, then 600 (the cap); a clock stepped back a day
            // asks at once
            long[] stepsMillis = {0, 30 * sec, sec, 29 * sec, 30 * sec, 30 * sec, 120 * sec, 240 * sec, 480 * sec,
                600 * sec, 599 * sec, -86_400 * sec};
            java.util.List<Integer> asked = new java.util.ArrayList<>();
            for (long step : stepsMillis) {
                clock.advance(Duration.ofMillis(step));
                int before = commands.size();
                assertThat(hasVersion(s.collect())).isFalse();
                asked.add(commands.size() - before - 1); // 'show info' sent at this scrape (0 or 1)
            }
            // asked at t = 0, 30 s, 90 s, 240 s, 480 s, 960 s, 1560 s (600 s after: the cap), then after the step back
            assertThat(asked).containsExactly(1, 1, 0, 0, 1, 0, 1, 1, 1, 1, 0, 1);
        }
    }

    @Test
    void aFailedScrapeHasTheVersionAskedAgainUnlessShowInfoIsFailing(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        java.util.List<String> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
        // 'show info' answers; the second 'show stat' is refused
        try (java.io.Closeable stub = runtimeApiStub(dir.resolve("a.sock"), k -> k == 1 ? -1 : 0, k -> false,
                commands)) {
            HaproxySource s = HaproxySource.builder().runtimeApi(dir.resolve("a.sock")).retry(1, Duration.ofMillis(1))
                    .clock(new dev.tocsin.haproxy.internal.MutableClock()).build();
            assertThat(hasVersion(s.collect())).isTrue();
            assertThatThrownBy(s::collect).isInstanceOf(HaproxyReadException.class);
            assertThat(hasVersion(s.collect())).isTrue();
            // HAProxy may have been restarted: asked again after the failed scrape, then not
            assertThat(hasVersion(s.collect())).isTrue();
            assertThat(commands).containsExactly("show stat", "show info", "show stat", "show stat", "show info",
                    "show stat");
        }
        commands.clear();
        // 'show info' never answers; the second 'show stat' is refused: the failed scrape does not cut its wait short
        try (java.io.Closeable stub = runtimeApiStub(dir.resolve("b.sock"), k -> k == 1 ? -1 : 0, k -> true,
                commands)) {
            HaproxySource s = HaproxySource.builder().runtimeApi(dir.resolve("b.sock"))
                    .connectTimeout(Duration.ofMillis(100)).readTimeout(Duration.ofMillis(300))
                    .retry(1, Duration.ofMillis(1)).clock(new dev.tocsin.haproxy.internal.MutableClock()).build();
            assertThat(hasVersion(s.collect())).isFalse();
            assertThatThrownBy(s::collect).isInstanceOf(HaproxyReadException.class);
            assertThat(hasVersion(s.collect())).isFalse();
            assertThat(commands).containsExactly("show stat", "show info", "show stat", "show stat");
        }
    }

    @Test
    void aDeadHaproxyIsRetriedThenNotHammered() throws Exception {
        HaproxySource s = HaproxySource.builder().runtimeApi("127.0.0.1", closedPort())
                .retry(2, Duration.ofMillis(1)).circuitBreaker(2, Duration.ofMinutes(1)).build();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(s::collect).hasMessageContaining("connection refused");
        }
        assertThatThrownBy(s::collect).isExactlyInstanceOf(HaproxyReadException.class)
                .hasMessageContaining("circuit breaker open after 2 consecutive failed scrapes");
        HaproxySource.Stats st = s.stats();
        assertThat(st.scrapes()).isEqualTo(3);
        assertThat(st.failures()).isEqualTo(3);
        assertThat(st.retries()).isEqualTo(2);
        assertThat(st.circuitOpened()).isEqualTo(1);
        assertThat(st.rejectedByOpenCircuit()).isEqualTo(1);
        assertThat(st.circuitState()).isEqualTo(dev.tocsin.haproxy.HaproxySource.CircuitState.OPEN);
    }

    @Test
    void sourcesShareNoState() throws Exception {
        int port = closedPort();
        HaproxySource a = HaproxySource.builder().runtimeApi("127.0.0.1", port).instance("a")
                .retry(1, Duration.ofMillis(1)).circuitBreaker(1, Duration.ofMinutes(1)).build();
        HaproxySource b = HaproxySource.builder().runtimeApi("127.0.0.1", port).instance("b")
                .retry(1, Duration.ofMillis(1)).circuitBreaker(1, Duration.ofMinutes(1)).build();
        assertThatThrownBy(a::collect).hasMessageContaining("connection refused");
        assertThat(a.stats().circuitState()).isEqualTo(dev.tocsin.haproxy.HaproxySource.CircuitState.OPEN);
        assertThat(b.stats().circuitState()).isEqualTo(dev.tocsin.haproxy.HaproxySource.CircuitState.CLOSED);
        assertThat(b.stats().scrapes()).isZero();
    }

    /**
     * The rows of an answer cut off mid-body (mapped as they arrived) are dropped: the retry that follows, and the
     * scrapes after it, give exactly what a source that never saw the cut answer gives.
     */
    @Test
    void anAnswerCutOffMidBodyLeavesNoTrace() throws Exception {
        byte[] good = resource("haproxy-2.6-socket.csv");
        byte[] other = resource("haproxy-2.6-http.csv");
        java.util.List<byte[]> answers = java.util.List.of(
                cut(other, other.length / 2), full(good), cut(good, good.length / 3), full(good), full(good));
        java.util.List<java.util.List<String>> got = new java.util.ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> serve(server, answers));
            t.setDaemon(true);
            t.start();
            HaproxySource s = HaproxySource.builder()
                    .statsUri(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/"))
                    .retry(2, Duration.ofMillis(1)).noCircuitBreaker().versionInfo(false).build();
            for (int i = 0; i < 3; i++) {
                got.add(lines(s.collect()));
            }
            assertThat(s.stats().retries()).isEqualTo(2);
            assertThat(s.stats().failures()).isZero();
        }
        java.util.List<String> want;
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> serve(server, java.util.List.of(full(good))));
            t.setDaemon(true);
            t.start();
            want = lines(HaproxySource.builder()
                    .statsUri(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/"))
                    .retry(1, Duration.ofMillis(1)).noCircuitBreaker().versionInfo(false).build().collect());
        }
        assertThat(want).hasSizeGreaterThan(100);
        assertThat(got).allSatisfy(l -> assertThat(l).isEqualTo(want));
    }

    private static java.util.List<String> lines(java.util.List<dev.tocsin.core.Sample> samples) {
        return samples.stream().filter(x -> !x.labels().metricName().startsWith("haproxy_exporter_")
                        && !x.labels().metricName().startsWith("tocsin_"))
                .map(x -> x.labels().toBuilder().remove("instance").build() + " " + x.value()).toList();
    }

    private static byte[] resource(String name) throws java.io.IOException {
        try (java.io.InputStream in = HaproxySourceTest.class.getResourceAsStream("internal/csv/" + name)) {
            return in.readAllBytes();
        }
    }

    /** An answer whose Content-Length promises the whole body, of which only {@code keep} bytes come. */
    private static byte[] cut(byte[] body, int keep) {
        return concat(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1), java.util.Arrays.copyOf(body, keep));
    }

    private static byte[] full(byte[] body) {
        return concat(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1), body);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Answers one connection after the other with the given bytes, then closes each. */
    private static void serve(ServerSocket server, java.util.List<byte[]> answers) {
        for (byte[] answer : answers) {
            try (java.net.Socket c = server.accept()) {
                c.getInputStream().read(new byte[4096]); // the request (small, one read)
                c.getOutputStream().write(answer);
                c.getOutputStream().flush();
                c.shutdownOutput();
            } catch (java.io.IOException e) {
                return;
            }
        }
    }
}
