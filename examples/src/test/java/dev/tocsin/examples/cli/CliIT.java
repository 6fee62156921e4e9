package dev.tocsin.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tocsin.examples.TestHaproxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The command line against a real HAProxy with basic auth on its stats page. Backends: app (2 live servers), half
 * (1 live, 1 dead), dead (2 dead). Tests that stop app's servers start them again before they end.
 */
class CliIT {

    private static final String USER = "monitor";
    private static final String PASSWORD = "s3cretPass";
    private static final Map<String, String> ENV = Map.of("HAPROXY_PASSWORD", PASSWORD);

    private static TestHaproxy lb;

    @BeforeAll
    static void startHaproxy() throws Exception {
        lb = TestHaproxy.startWithAuth(USER, PASSWORD);
    }

    @AfterAll
    static void stopHaproxy() {
        if (lb != null) {
            lb.close();
        }
    }

    private static String[] withAuth(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--user", USER, "--password-env", "HAPROXY_PASSWORD"));
        return all.toArray(new String[0]);
    }

    @Test
    void checkIsCriticalWhileABackendIsDown() {
        Cli r = Cli.run(ENV, withAuth("check", "--stats", lb.statsUrl()));

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.firstLine()).isEqualTo("HAPROXY CRITICAL - backend dead DOWN (0/2 servers up),"
                + " server half/s2 DOWN | backends_up=3;;;0;4 servers_up=3;;;0;6");
        assertThat(r.out()).contains("backend app: UP, 2/2 servers UP\n",
                "  server app/s1: UP, check L7OK",
                "backend dead: DOWN, 0/2 servers UP\n",
                "  server dead/s1: DOWN, check L4CON",
                "FIRING HaproxyBackendDown{backend=\"dead\"",
                "FIRING HaproxyServerDown{backend=\"half\"");
        assertThat(r.out()).doesNotContain(PASSWORD);
        assertThat(r.err()).doesNotContain(PASSWORD);
    }

    @Test
    void checkIsOkWhenEveryBackendIsUp() throws Exception {
        try (TestHaproxy healthy = TestHaproxy.startHealthy()) {
            Cli r = Cli.run("check", "--stats", healthy.statsUrl());

            assertThat(r.code()).isZero();
            assertThat(r.firstLine()).isEqualTo(
                    "HAPROXY OK - 2/2 backends UP, 2/2 servers UP | backends_up=2;;;0;2 servers_up=2;;;0;2");
            assertThat(r.out()).contains("backend app: UP, 2/2 servers UP\n", "backend stats: UP, 0/0 servers UP\n")
                    .doesNotContain("FIRING");
        }
    }

    @Test
    void checkReadsTheRuntimeApiOnASocketAndOnTcp() {
        Cli socket = Cli.run("check", "--stats", "unix:" + lb.haproxy().runtimeApiSocket());
        assertThat(socket.code()).isEqualTo(2);
        assertThat(socket.firstLine()).startsWith("HAPROXY CRITICAL - backend dead DOWN (0/2 servers up)");

        Cli tcp = Cli.run("check", "--stats", "tcp://127.0.0.1:" + lb.haproxy().runtimeApiPort());
        assertThat(tcp.code()).isEqualTo(2);
        assertThat(tcp.firstLine()).isEqualTo(socket.firstLine());
    }

    @Test
    void passwordFromAFileWorksAndAWrongOneIsUnknown(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("good"), PASSWORD + "\n");
        Cli ok = Cli.run("check", "--stats", lb.statsUrl(), "--user", USER, "--password-file", good.toString());
        assertThat(ok.code()).isEqualTo(2);
        assertThat(ok.firstLine()).startsWith("HAPROXY CRITICAL - ");

        Path bad = Files.writeString(dir.resolve("bad"), "wrongPassword\n");
        Cli denied = Cli.run("check", "--stats", lb.statsUrl(), "--user", USER, "--password-file", bad.toString());
        assertThat(denied.code()).isEqualTo(3);
        assertThat(denied.firstLine()).startsWith("HAPROXY UNKNOWN - cannot read " + lb.statsUrl() + ": ")
                .contains("401");
        assertThat(denied.out() + denied.err()).doesNotContain("wrongPassword");
    }

    @Test
    void watchPrintsFiringLinesUntilMaxDuration() {
        Cli r = Cli.run(ENV, withAuth("watch", "--stats", lb.statsUrl(), "--interval", "200ms",
                "--max-duration", "1500ms"));

        assertThat(r.code()).isZero();
        assertThat(r.out().lines().filter(l -> l.contains(" FIRING HaproxyBackendDown{backend=\"dead\"")))
                .hasSize(1);
        assertThat(r.out().lines()).allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z (PENDING|FIRING|RESOLVED) .*"));
        assertThat(r.err()).startsWith("tocsin watch: reading " + lb.statsUrl() + " every 200ms with rules"
                + " HaproxyDown, HaproxyBackendDown, HaproxyServerDown; Ctrl-C stops");
        assertThat(r.out() + r.err()).doesNotContain(PASSWORD);
    }

    @Test
    void watchEvaluatesARuleFilesRecordingAndAlertingRules(@TempDir Path dir) throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.yml"), String.join("\n",
                "groups:",
                "  - name: custom",
                "    rules:",
                "      - record: backend:haproxy_servers_up:sum",
                "        expr: sum by (backend) (haproxy_server_up)",
                "      - alert: NoServerUp",
                "        expr: backend:haproxy_servers_up:sum == 0",
                "        labels:",
                "          severity: page",
                ""));
        Cli r = Cli.run(ENV, withAuth("watch", "--stats", lb.statsUrl(), "--interval", "200ms",
                "--max-duration", "1500ms", "--rules", rules.toString()));

        assertThat(r.code()).as(r.err()).isZero();
        // only the backend whose servers are all down; the recorded series carries the backend label only
        assertThat(r.out().lines().filter(l -> l.contains(" FIRING NoServerUp{")))
                .hasSize(1).allMatch(l -> l.contains("backend=\"dead\"") && l.contains("severity=\"page\""));
        assertThat(r.err()).contains("with rules HaproxyDown, HaproxyBackendDown, HaproxyServerDown, NoServerUp");
    }

    @Test
    void instanceAndJobLabelsCanBeThoseAPrometheusScrapeGave() {
        Cli r = Cli.run(ENV, withAuth("watch", "--stats", lb.statsUrl(), "--interval", "200ms",
                "--max-duration", "700ms", "--instance", "lb-main:9101", "--job", "haproxy-prod"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.contains(" FIRING HaproxyBackendDown{backend=\"dead\"")))
                .hasSize(1).allMatch(l -> l.contains("instance=\"lb-main:9101\"") && l.contains("job=\"haproxy-prod\""));
    }

    /** HAProxy's own Prometheus exporter read with --metrics and the embedded-v2 pack, without --stats. */
    @Test
    void watchReadsHaproxysOwnExporterWithTheEmbeddedV2Pack() {
        String metrics = lb.statsUrl().replaceFirst("/stats.*$", "/metrics");
        Cli r = Cli.run(ENV, "watch", "--metrics", metrics, "--embedded-v2", "--interval", "200ms",
                "--max-duration", "1500ms");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("tocsin watch: reading " + metrics + " every 200ms with rules"
                + " HaproxyHighHttp4xxErrorRateBackend");
        // the dead backend has no alive server: the v2 pack's rule, on the exporter's proxy label
        assertThat(r.out().lines().filter(l -> l.contains(" FIRING HaproxyHasNoAliveBackends{")
                && l.contains("proxy=\"dead\"") && l.contains("job=\"haproxy\""))).hasSize(1);
        assertThat(r.out()).doesNotContain("HaproxyBackendDown", "HaproxyDown{");
    }

    @Test
    void aFileRuleNamedLikeAPresetIsPointedOutAndNoPresetsRunsOnlyTheFile(@TempDir Path dir) throws Exception {
        Path rules = Files.writeString(dir.resolve("community.yml"), String.join("\n",
                "groups:",
                "  - name: haproxy",
                "    rules:",
                "      - alert: HaproxyBackendDown",
                "        expr: haproxy_backend_up == 0",
                "        labels:",
                "          severity: critical",
                ""));
        Cli both = Cli.run(ENV, withAuth("watch", "--stats", lb.statsUrl(), "--interval", "200ms",
                "--max-duration", "700ms", "--rules", rules.toString()));
        assertThat(both.code()).as(both.err()).isZero();
        assertThat(both.err()).contains("tocsin watch: rule HaproxyBackendDown of " + rules + " has the name of a"
                + " preset: both run and their alerts look alike; --no-presets runs only the file's rules");
        assertThat(both.out().lines().filter(l -> l.contains(" FIRING HaproxyBackendDown{backend=\"dead\""))).hasSize(2);

        Cli only = Cli.run(ENV, withAuth("watch", "--stats", lb.statsUrl(), "--interval", "200ms",
                "--max-duration", "700ms", "--rules", rules.toString(), "--no-presets"));
        assertThat(only.code()).as(only.err()).isZero();
        assertThat(only.err()).doesNotContain("has the name of a preset")
                .contains("with rules HaproxyBackendDown; Ctrl-C stops");
        assertThat(only.out().lines().filter(l -> l.contains(" FIRING HaproxyBackendDown{backend=\"dead\""))).hasSize(1);
        assertThat(only.out()).doesNotContain("HaproxyServerDown", "HaproxyDown{");
    }

    @Test
    void watchSeesABackendGoDownAndComeBackInJsonAndStopsWhenInterrupted() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        Thread watch = new Thread(() -> code.set(Main.run(withAuth("watch", "--json", "--stats", lb.statsUrl(),
                "--interval", "200ms"), new PrintWriter(out, true), new PrintWriter(err, true), ENV)));
        watch.start();
        try {
            await("first evaluation").atMost(Duration.ofSeconds(10))
                    .until(() -> out.toString().contains("\"backend\":\"dead\""));
            lb.stop("app/s1", "app/s2");
            await("app FIRING").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> appBackend(out).contains("FIRING"));
        } finally {
            lb.restart("app/s1", "app/s2");
        }
        await("app RESOLVED").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> appBackend(out).contains("RESOLVED"));
        watch.interrupt();
        watch.join(10_000);

        assertThat(watch.isAlive()).isFalse();
        assertThat(code.get()).isZero();
        assertThat(appBackend(out)).containsExactly("FIRING", "RESOLVED");
        for (String line : out.toString().lines().toList()) {
            JsonNode o = new ObjectMapper().readTree(line);
            if (o.path("labels").path("backend").asText().equals("app")
                    && o.path("alertname").asText().equals("HaproxyBackendDown")
                    && o.path("state").asText().equals("FIRING")) {
                assertThat(o.path("context").path("servers_up").asText()).isEqualTo("0 of 2 servers UP");
                assertThat(o.path("runbook").path("title").asText()).isEqualTo("HaproxyBackendDown");
                assertThat(o.path("annotations").path("runbook").asText()).startsWith("https://");
            }
        }
    }

    /**
     * {@code watch} sends its alerts to an https Alertmanager it trusts through {@code --alertmanager-ca-file}, with
     * basic authentication from an environment variable, and to a plain one with a bearer token from a file; no
     * secret shows in the output. (The receiver is a small JDK server that records the requests: the real
     * Alertmanager's handling of the payload is shown by the examples' and the core's tests.)
     */
    @Test
    void watchSendsToAlertmanagersWithCredentialsAndATrustedCertificate(@TempDir Path dir) throws Exception {
        Path keystore = selfSignedCertificate(dir, "am");
        Path pem = dir.resolve("am.pem");
        Path tokenFile = Files.writeString(dir.resolve("token"), "t0ken-Secret\n");
        List<String> tlsRequests = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> plainRequests = java.util.Collections.synchronizedList(new ArrayList<>());
        com.sun.net.httpserver.HttpsServer tls = httpsServer(keystore);
        tls.createContext("/api/v2/alerts", recorder(tlsRequests));
        com.sun.net.httpserver.HttpServer plain = com.sun.net.httpserver.HttpServer.create(LOOPBACK_ANY_PORT, 0);
        plain.createContext("/api/v2/alerts", recorder(plainRequests));
        tls.start();
        plain.start();
        try {
            Map<String, String> env = new java.util.HashMap<>(ENV);
            env.put("AM_PASSWORD", "amPa55word");
            Cli r = Cli.run(env, withAuth("watch", "--stats", lb.statsUrl(), "--interval", "200ms",
                    "--max-duration", "3s",
                    "--alertmanager", "https://127.0.0.1:" + tls.getAddress().getPort(),
                    "--alertmanager-ca-file", pem.toString(),
                    "--alertmanager-user", "tocsin", "--alertmanager-password-env", "AM_PASSWORD"));
            assertThat(r.code()).isZero();
            await("an alert over https").atMost(Duration.ofSeconds(10)).until(() -> !tlsRequests.isEmpty());
            assertThat(tlsRequests.get(0)).startsWith("Basic " + java.util.Base64.getEncoder().encodeToString(
                    "tocsin:amPa55word".getBytes(StandardCharsets.UTF_8)) + "\n")
                    .contains("\"alertname\":\"HaproxyBackendDown\"", "\"backend\":\"dead\"");
            assertThat(r.err()).contains("sending to 1 Alertmanager(s)");
            assertThat(r.out() + r.err()).doesNotContain("amPa55word").doesNotContain(PASSWORD);

            Cli bearer = Cli.run(ENV, withAuth("watch", "--stats", lb.statsUrl(), "--interval", "200ms",
                    "--max-duration", "3s", "--alertmanager", "http://127.0.0.1:" + plain.getAddress().getPort(),
                    "--alertmanager-token-file", tokenFile.toString(),
                    "--alertmanager-generator-url", "http://dash.example/haproxy?panel=2",
                    "--external-label", "cluster=eu-1", "--external-label", "severity=ignored"));
            assertThat(bearer.code()).isZero();
            await("an alert with a bearer token").atMost(Duration.ofSeconds(10))
                    .until(() -> !plainRequests.isEmpty());
            assertThat(plainRequests.get(0)).startsWith("Bearer t0ken-Secret\n")
                    .contains("\"alertname\":\"HaproxyBackendDown\"")
                    .contains("\"generatorURL\":\"http://dash.example/haproxy?panel=2\"")
                    // external labels are added where the alert has none of that name, as Prometheus adds them
                    .contains("\"cluster\":\"eu-1\"", "\"severity\":\"critical\"")
                    .doesNotContain("ignored");
            assertThat(bearer.out() + bearer.err()).doesNotContain("t0ken-Secret");
        } finally {
            tls.stop(0);
            plain.stop(0);
        }
    }

    /**
     * {@code watch --metrics} reads an https endpoint it trusts through {@code --metrics-ca-file} and a plain one,
     * both asking for the bearer token of {@code --metrics-token-file}; the token never shows in the output.
     */
    @Test
    void watchReadsMetricsEndpointsWithATokenAndATrustedCertificate(@TempDir Path dir) throws Exception {
        Path keystore = selfSignedCertificate(dir, "m");
        Path pem = dir.resolve("m.pem");
        Path tokenFile = Files.writeString(dir.resolve("token"), "m3trics-T0ken\n");
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        com.sun.net.httpserver.HttpHandler metrics = ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            seen.add(ex.getLocalAddress().getPort() + " " + auth);
            boolean ok = "Bearer m3trics-T0ken".equals(auth);
            byte[] body = (ok ? "demo_backend_up{backend=\"app\"} 0\n" : "denied\n").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ok ? 200 : 401, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        };
        com.sun.net.httpserver.HttpsServer tls = httpsServer(keystore);
        tls.createContext("/metrics", metrics);
        com.sun.net.httpserver.HttpServer plain = com.sun.net.httpserver.HttpServer.create(LOOPBACK_ANY_PORT, 0);
        plain.createContext("/metrics", metrics);
        tls.start();
        plain.start();
        try {
            Path rules = Cli.demoRules(dir);
            int tlsPort = tls.getAddress().getPort();
            int plainPort = plain.getAddress().getPort();
            Cli r = Cli.run("watch", "--metrics", "https://127.0.0.1:" + tlsPort + "/metrics",
                    "--metrics", "http://127.0.0.1:" + plainPort + "/metrics", "--metrics-token-file",
                    tokenFile.toString(), "--metrics-ca-file", pem.toString(), "--rules", rules.toString(),
                    "--interval", "200ms", "--max-duration", "1500ms");
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(seen).contains(tlsPort + " Bearer m3trics-T0ken", plainPort + " Bearer m3trics-T0ken")
                    .allMatch(x -> x.endsWith(" Bearer m3trics-T0ken"));
            assertThat(r.out().lines().filter(l -> l.contains(" FIRING DemoBackendDown{"))).hasSize(2);
            assertThat(r.out() + r.err()).doesNotContain("m3trics-T0ken");
        } finally {
            tls.stop(0);
            plain.stop(0);
        }
    }

    /**
     * Makes a self-signed certificate for 127.0.0.1 with keytool: {@code NAME.p12} (password {@code changeit}, returned)
     * and its certificate as {@code NAME.pem}, both in {@code dir}.
     */
    private static Path selfSignedCertificate(Path dir, String name) throws Exception {
        Path keystore = dir.resolve(name + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(dir, keytool, "-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-dname",
                "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass", "changeit");
        run(dir, keytool, "-exportcert", "-rfc", "-alias", name, "-keystore", keystore.toString(), "-storepass",
                "changeit", "-file", dir.resolve(name + ".pem").toString());
        return keystore;
    }

    private static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("keytool.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("keytool did not finish within 60 s");
        }
        assertThat(p.exitValue()).as("keytool: %s", Files.readString(dir.resolve("keytool.log"))).isZero();
    }

    /** A free port on the loopback address, for the test servers. */
    private static final java.net.InetSocketAddress LOOPBACK_ANY_PORT =
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);

    /** An https server (not started) on a free loopback port, serving the certificate of {@code keystore}. */
    private static com.sun.net.httpserver.HttpsServer httpsServer(Path keystore) throws Exception {
        com.sun.net.httpserver.HttpsServer tls = com.sun.net.httpserver.HttpsServer.create(LOOPBACK_ANY_PORT, 0);
        tls.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(serverContext(keystore)));
        return tls;
    }

    private static javax.net.ssl.SSLContext serverContext(Path keystore) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** Records each POST as its Authorization header, a line break and its body; answers 200. */
    private static com.sun.net.httpserver.HttpHandler recorder(List<String> requests) {
        return exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                if (exchange.getRequestMethod().equals("POST")) {
                    requests.add(exchange.getRequestHeaders().getFirst("Authorization") + "\n" + body);
                }
                exchange.sendResponseHeaders(200, -1);
            }
        };
    }

    /** Returns the states of HaproxyBackendDown for backend app printed so far. */
    private static List<String> appBackend(StringWriter out) throws Exception {
        List<String> states = new ArrayList<>();
        for (String line : out.toString().lines().toList()) {
            JsonNode o = new ObjectMapper().readTree(line);
            if (o.path("alertname").asText().equals("HaproxyBackendDown")
                    && o.path("labels").path("backend").asText().equals("app")) {
                states.add(o.path("state").asText());
            }
        }
        return states;
    }

    @Test
    void theShadedJarRunsAndStopsCleanlyOnSigterm() throws Exception {
        Path jar = Path.of("target", "tocsin.jar");
        assertThat(jar).as("built by 'mvn package'").exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        Process help = new ProcessBuilder(java, "-jar", jar.toString(), "check", "--help").start();
        assertThat(help.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(help.exitValue()).isZero();
        assertThat(new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("--stats=URL");

        // check reports an unreadable HAProxy in its UNKNOWN line only: no log line on stderr besides
        ProcessBuilder denied = new ProcessBuilder(java, "-jar", jar.toString(), "check", "--stats", lb.statsUrl(),
                "--user", USER, "--password-env", "WRONG_PASSWORD");
        denied.environment().put("WRONG_PASSWORD", "wrongPassword");
        Process unknown = denied.start();
        assertThat(unknown.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(unknown.exitValue()).isEqualTo(3);
        assertThat(new String(unknown.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .startsWith("HAPROXY UNKNOWN - cannot read " + lb.statsUrl() + ": ");
        assertThat(new String(unknown.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();

        ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar.toString(), "watch", "--stats", lb.statsUrl(),
                "--user", USER, "--password-env", "HAPROXY_PASSWORD", "--interval", "200ms");
        pb.environment().put("HAPROXY_PASSWORD", PASSWORD);
        Process watch = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(watch.getInputStream(),
                StandardCharsets.UTF_8))) {
            List<String> lines = new ArrayList<>();
            await("a FIRING line").atMost(Duration.ofSeconds(30)).until(() -> {
                String line = out.readLine();
                if (line != null) {
                    lines.add(line);
                }
                return line == null || line.contains(" FIRING HaproxyBackendDown{backend=\"dead\"");
            });
            assertThat(lines).last().asString().contains("FIRING HaproxyBackendDown");
            watch.destroy(); // SIGTERM: the shutdown hook closes the evaluator
            assertThat(watch.waitFor(15, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
            assertThat(watch.exitValue()).isEqualTo(143);
        } finally {
            watch.destroyForcibly();
        }
    }
}
