package dev.tocsin.haproxy;

import dev.tocsin.haproxy.internal.RuntimeApiTransport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Runs a real HAProxy for integration tests: writes a config into a temp dir, starts {@code /usr/sbin/haproxy -db}
 * on free loopback ports (a plain stats page, one with {@code stats auth}, an HTTPS one with a self-signed certificate
 * made by openssl, a unix and a TCP Runtime API socket), with backends whose servers are {@link BackendServer}s the
 * test controls ({@code check inter 200 fall 2 rise 2}, {@code option httpchk GET /}). Ports stay the same across
 * {@link #stop()} and {@link #start()}.
 */
final class HaproxyFixture implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/haproxy");
    static final String USER = "monitor";
    static final String PASSWORD = "s3cret-pw";

    private final Path dir;
    private int httpPort = BackendServer.freePort();
    private int authPort = BackendServer.freePort();
    private int tlsPort = BackendServer.freePort();
    private int tcpApiPort = BackendServer.freePort();
    /** The ports {@link #EXTRA_PORT} and {@link #EXTRA_PORT_2} stand for: picked again with the others on a retry. */
    private int extraPort = BackendServer.freePort();
    private int extraPort2 = BackendServer.freePort();
    private final Map<String, List<ServerSpec>> backends = new LinkedHashMap<>();
    private final Map<String, BackendServer> servers = new HashMap<>();
    private final StringBuilder extraConfig = new StringBuilder();
    private Process process;
    /** Whether HAProxy ever started: from then on the ports stay the same across restarts. */
    private boolean everStarted;
    private KeyStore trustStore;

    /** One server line: its name, and whether the config marks it {@code disabled}. */
    record ServerSpec(String name, boolean disabled) {
    }

    HaproxyFixture(Path dir) {
        this.dir = dir;
    }

    /** Adds a backend with the given servers (each gets a started {@link BackendServer}). */
    HaproxyFixture backend(String name, ServerSpec... specs) {
        backends.put(name, List.of(specs));
        for (ServerSpec s : specs) {
            servers.put(name + "/" + s.name(), new BackendServer(BackendServer.freePort()).start());
        }
        return this;
    }

    /** In {@link #extraConfig} lines, stands for {@link #extraPort()} (a listening port of the extra config). */
    static final String EXTRA_PORT = "{EXTRA_PORT}";
    /** In {@link #extraConfig} lines, stands for {@link #extraPort2()} (a second listening port). */
    static final String EXTRA_PORT_2 = "{EXTRA_PORT_2}";

    /**
     * Appends these config lines verbatim after the generated sections (e.g. a frontend, a backend without checks);
     * {@link #EXTRA_PORT} and {@link #EXTRA_PORT_2} in them become {@link #extraPort()} and {@link #extraPort2()}.
     */
    HaproxyFixture extraConfig(String lines) {
        extraConfig.append(lines.endsWith("\n") ? lines : lines + "\n");
        return this;
    }

    static ServerSpec server(String name) {
        return new ServerSpec(name, false);
    }

    static ServerSpec disabled(String name) {
        return new ServerSpec(name, true);
    }

    BackendServer serverOf(String backend, String server) {
        return servers.get(backend + "/" + server);
    }

    URI httpUri() {
        return URI.create("http://127.0.0.1:" + httpPort + "/stats");
    }

    URI authUri() {
        return URI.create("http://127.0.0.1:" + authPort + "/stats;csv");
    }

    URI tlsUri() {
        return URI.create("https://127.0.0.1:" + tlsPort + "/stats;csv");
    }

    Path unixSocket() {
        return dir.resolve("admin.sock");
    }

    int tcpApiPort() {
        return tcpApiPort;
    }

    /** The port {@link #EXTRA_PORT} stands for in the extra config (final once HAProxy started). */
    int extraPort() {
        return extraPort;
    }

    /** The port {@link #EXTRA_PORT_2} stands for in the extra config (final once HAProxy started). */
    int extraPort2() {
        return extraPort2;
    }

    KeyStore trustStore() {
        return trustStore;
    }

    HaproxyFixture start() throws Exception {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("HAProxy is not installed at " + BINARY + ". Install it with: "
                    + "apt-get update && apt-get install -y haproxy prometheus-alertmanager prometheus");
        }
        if (trustStore == null) {
            makeCertificate();
        }
        process = launch(dir, everStarted ? 1 : 3, attempt -> {
            if (attempt > 1) {
                // a port picked as free was taken by someone else before HAProxy bound it: pick others
                httpPort = BackendServer.freePort();
                authPort = BackendServer.freePort();
                tlsPort = BackendServer.freePort();
                tcpApiPort = BackendServer.freePort();
                extraPort = BackendServer.freePort();
                extraPort2 = BackendServer.freePort();
            }
            return config();
        }, () -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), httpPort)) {
                return showStat().size() > 0;
            }
        });
        everStarted = true;
        return this;
    }

    /**
     * Returns whether an HTTP server answers on this loopback port within 200 ms (a socket that only accepts, such as
     * one that took the port before HAProxy could bind it, does not).
     */
    static boolean answersHttp(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(200);
            s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readNBytes(7), StandardCharsets.US_ASCII).equals("HTTP/1.");
        }
    }

    /** Writes the config of one start attempt (1, 2, ...): an attempt after the first picks its ports again. */
    interface ConfigWriter {
        /** Returns the config text for this attempt. */
        String config(int attempt) throws Exception;
    }

    /**
     * Starts {@code haproxy -db} on the config {@code writer} gives (written to {@code dir/haproxy.cfg}, output
     * appended to {@code dir/haproxy.log}) and waits until {@code ready} holds. When HAProxy exits because it could
     * not bind a port (one found free was taken before HAProxy bound it), tries again with a new config, up to
     * {@code attempts} times in all; any other failure fails at once, with HAProxy's output.
     *
     * @return the running process (the caller stops it)
     */
    static Process launch(Path dir, int attempts, ConfigWriter writer, java.util.concurrent.Callable<Boolean> ready)
            throws Exception {
        Path cfg = dir.resolve("haproxy.cfg");
        Path log = dir.resolve("haproxy.log");
        for (int attempt = 1; ; attempt++) {
            Files.writeString(cfg, writer.config(attempt));
            Process p = new ProcessBuilder(BINARY.toString(), "-db", "-f", cfg.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            try {
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                        .failFast("haproxy exited", () -> !p.isAlive())
                        .until(ready);
                return p;
            } catch (org.awaitility.core.ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
                boolean exited = !p.isAlive();
                String out = Files.exists(log) ? Files.readString(log) : "";
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                boolean portTaken = exited && (out.contains("cannot bind") || out.contains("Address already in use"));
                if (portTaken && attempt < attempts) {
                    continue;
                }
                throw new AssertionError("haproxy did not start (attempt " + attempt + "): " + e.getMessage()
                        + "\n" + out, e);
            }
        }
    }

    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        for (BackendServer s : servers.values()) {
            s.stop();
        }
    }

    /** Sends a Runtime API command over the unix socket and returns the answer. */
    String command(String command) throws IOException {
        var b = RuntimeApiTransport.unix(unixSocket(), Duration.ofSeconds(2), Duration.ofSeconds(5), 1 << 24)
                .exchange(command.endsWith("\n") ? command : command + "\n");
        return new String(b.array(), 0, b.length(), StandardCharsets.UTF_8);
    }

    /** Returns {pxname/svname -> status} from {@code show stat}, read independently of the code under test. */
    Map<String, String> showStat() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        String[] lines = command("show stat").split("\n");
        if (lines.length == 0 || !lines[0].startsWith("# ")) {
            return out;
        }
        List<String> header = List.of(lines[0].substring(2).split(","));
        int status = header.indexOf("status");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            if (f.length > status) {
                out.put(f[0] + "/" + f[1], f[status]);
            }
        }
        return out;
    }

    String status(String backend, String svname) throws IOException {
        return showStat().getOrDefault(backend + "/" + svname, "");
    }

    private void makeCertificate() throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost")
                .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("openssl failed: " + Files.readString(dir.resolve("openssl.log")));
        }
        Files.writeString(dir.resolve("stats.pem"), Files.readString(cert) + Files.readString(key));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(cert))) {
            ks.setCertificateEntry("stats", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        trustStore = ks;
    }

    private String config() {
        StringBuilder c = new StringBuilder();
        c.append("global\n")
                .append("  stats socket ").append(unixSocket()).append(" mode 600 level admin\n")
                .append("  stats socket ipv4@127.0.0.1:").append(tcpApiPort).append(" level admin\n")
                .append("defaults\n  mode http\n  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\n")
                .append("listen stats\n  bind 127.0.0.1:").append(httpPort).append("\n  stats enable\n")
                .append("  stats uri /stats\n")
                .append("listen stats_auth\n  bind 127.0.0.1:").append(authPort).append("\n  stats enable\n")
                .append("  stats uri /stats\n  stats auth ").append(USER).append(':').append(PASSWORD).append('\n')
                .append("listen stats_tls\n  bind 127.0.0.1:").append(tlsPort).append(" ssl crt ")
                .append(dir.resolve("stats.pem")).append("\n  stats enable\n  stats uri /stats\n");
        for (Map.Entry<String, List<ServerSpec>> b : backends.entrySet()) {
            c.append("backend ").append(b.getKey()).append("\n  option httpchk GET /\n");
            for (ServerSpec s : b.getValue()) {
                c.append("  server ").append(s.name()).append(" 127.0.0.1:")
                        .append(serverOf(b.getKey(), s.name()).port())
                        .append(" check inter 200 fall 2 rise 2").append(s.disabled() ? " disabled" : "")
                        .append('\n');
            }
        }
        return c.append(extraConfig.toString().replace(EXTRA_PORT_2, String.valueOf(extraPort2))
                .replace(EXTRA_PORT, String.valueOf(extraPort))).toString();
    }

    /** Lists the backends configured, for tests that iterate. */
    List<String> backendNames() {
        return new ArrayList<>(backends.keySet());
    }
}
