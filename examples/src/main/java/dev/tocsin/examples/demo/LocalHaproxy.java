package dev.tocsin.examples.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real HAProxy process on loopback, for the demo and the tests: writes a configuration into a fresh temporary
 * directory, runs {@code haproxy -db -f cfg} in the foreground, waits until its stats page answers, and on
 * {@link #close()} (or JVM shutdown, through a shutdown hook) stops it and deletes the directory.
 *
 * <p>The configuration has a stats page ({@code /stats}, CSV at {@code /stats;csv}) on a free loopback port, a Runtime
 * API on a TCP port and on a unix socket, and the backends given to the {@link Builder}, each server checked with
 * {@code option httpchk GET /} and {@code check inter <interval> fall 2 rise 2}.
 */
public final class LocalHaproxy implements AutoCloseable {

    /** Where Debian's {@code haproxy} package installs the binary. */
    public static final Path DEFAULT_BINARY = Path.of("/usr/sbin/haproxy");

    /** What to run when the binary is missing. */
    public static final String INSTALL_HINT = "apt-get update && apt-get install -y --no-install-recommends haproxy";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Path dir;
    private final Process process;
    private final int statsPort;
    private final int runtimeApiPort;
    private final Path socket;
    private final String authHeader;
    private final Thread shutdownHook;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private boolean closed;

    private LocalHaproxy(Builder b) throws IOException {
        if (!Files.isExecutable(b.binary)) {
            throw new IOException(b.binary + " not found or not executable; install HAProxy: " + INSTALL_HINT);
        }
        this.dir = Files.createTempDirectory("tocsin-haproxy-");
        try {
            this.statsPort = freePort();
            this.runtimeApiPort = freePort();
            this.socket = dir.resolve("admin.sock");
            this.authHeader = b.user == null ? null : "Basic " + Base64.getEncoder()
                    .encodeToString((b.user + ":" + b.password).getBytes(StandardCharsets.UTF_8));
            Path cfg = dir.resolve("haproxy.cfg");
            Files.writeString(cfg, config(b), StandardCharsets.UTF_8);
            if (b.user != null) {
                Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("rw-------"));
            }
            Path log = dir.resolve("haproxy.log");
            this.process = new ProcessBuilder(b.binary.toString(), "-db", "-f", cfg.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
        this.shutdownHook = new Thread(this::stop, "tocsin-haproxy-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            awaitReady();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Returns a builder for a HAProxy at {@link #DEFAULT_BINARY}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the stats page, e.g. {@code http://127.0.0.1:40123/stats} (append {@code ;csv} for the CSV).
     *
     * @return the stats page's URI
     */
    public URI statsUri() {
        return URI.create("http://127.0.0.1:" + statsPort + "/stats");
    }

    /**
     * Returns the TCP port of the Runtime API ({@code stats socket ipv4@127.0.0.1:PORT level admin}).
     *
     * @return the Runtime API's TCP port
     */
    public int runtimeApiPort() {
        return runtimeApiPort;
    }

    /**
     * Returns the unix socket of the Runtime API.
     *
     * @return the Runtime API's unix socket path
     */
    public Path runtimeApiSocket() {
        return socket;
    }

    /**
     * Returns the temporary directory holding the configuration, the socket and HAProxy's output.
     *
     * @return the temporary directory
     */
    public Path directory() {
        return dir;
    }

    /**
     * Returns whether the HAProxy process is still running.
     *
     * @return true while the process is alive
     */
    public boolean isRunning() {
        return process.isAlive();
    }

    /**
     * Reads the stats CSV and returns the {@code status} column of every server row, keyed {@code backend/server}
     * and sorted.
     *
     * @return {@code backend/server} to status, sorted
     * @throws IOException if the stats page cannot be read
     */
    public Map<String, String> serverStatuses() throws IOException {
        Map<String, String> out = new TreeMap<>();
        List<String> lines = csv().lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            throw new IOException("the stats page did not answer HAProxy CSV");
        }
        List<String> header = List.of(lines.get(0).substring(2).split(",", -1));
        int px = header.indexOf("pxname");
        int sv = header.indexOf("svname");
        int st = header.indexOf("status");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f.length > st && !f[sv].equals("FRONTEND") && !f[sv].equals("BACKEND")) {
                out.put(f[px] + "/" + f[sv], f[st]);
            }
        }
        return out;
    }

    private String csv() throws IOException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(statsUri() + ";csv"))
                .timeout(Duration.ofSeconds(3));
        if (authHeader != null) {
            req.header("Authorization", authHeader);
        }
        try {
            HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
                throw new IOException("stats page answered HTTP " + resp.statusCode());
            }
            return resp.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the stats page", e);
        }
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("haproxy exited with code " + process.exitValue() + ": " + output());
            }
            try {
                serverStatuses();
                return;
            } catch (IOException e) {
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for haproxy", e);
            }
        }
        throw new IOException("haproxy's stats page did not answer within " + START_TIMEOUT.toSeconds() + " s ("
                + (last == null ? "" : last.getMessage()) + "): " + output());
    }

    /**
     * Returns what HAProxy printed so far (its log), at most the last 4000 characters.
     *
     * @return the end of HAProxy's output, or a note saying why it cannot be read
     */
    public String output() {
        try {
            String s = Files.readString(dir.resolve("haproxy.log"), StandardCharsets.UTF_8);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** Stops HAProxy (SIGTERM, then SIGKILL after 5 s) and deletes the temporary directory. Idempotent. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs stop() anyway
        }
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteTree(dir);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + root + ": " + e.getMessage());
        }
    }

    /**
     * Returns a TCP port on 127.0.0.1 that was free a moment ago.
     *
     * @return the port
     * @throws IOException if no port can be bound
     */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    /** Whether {@code haproxy -vv} lists the prometheus-exporter service (a build option of HAProxy 2.0 and later). */
    static boolean hasPrometheusExporter(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "-vv").redirectErrorStream(true).start();
            byte[] out;
            try (java.io.InputStream in = p.getInputStream()) {
                out = in.readNBytes(1 << 20);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return new String(out, StandardCharsets.UTF_8).contains("prometheus-exporter");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String config(Builder b) {
        StringBuilder c = new StringBuilder();
        c.append("global\n")
                .append("    stats socket ipv4@127.0.0.1:").append(runtimeApiPort).append(" level admin\n")
                .append("    stats socket ").append(socket).append(" mode 600 level admin\n")
                .append("\ndefaults\n")
                .append("    mode http\n")
                .append("    timeout connect 1s\n")
                .append("    timeout client 5s\n")
                .append("    timeout server 5s\n")
                .append("    timeout check 1s\n")
                .append("\nlisten stats\n")
                .append("    bind 127.0.0.1:").append(statsPort).append('\n')
                .append("    stats enable\n")
                .append("    stats uri /stats\n");
        if (hasPrometheusExporter(b.binary)) {
            // HAProxy's own Prometheus exporter on the same port (tocsin watch --metrics); builds without it would
            // refuse the line
            c.append("    http-request use-service prometheus-exporter if { path /metrics }\n");
        }
        if (b.user != null) {
            c.append("    stats auth ").append(b.user).append(':').append(b.password).append('\n');
        }
        long inter = b.checkInterval.toMillis();
        for (Map.Entry<String, List<Integer>> be : b.backends.entrySet()) {
            c.append("\nbackend ").append(be.getKey()).append('\n')
                    .append("    option httpchk GET /\n");
            List<Integer> ports = be.getValue();
            for (int i = 0; i < ports.size(); i++) {
                c.append("    server s").append(i + 1).append(" 127.0.0.1:").append(ports.get(i))
                        .append(" check inter ").append(inter).append(" fall 2 rise 2\n");
            }
        }
        return c.toString();
    }

    /** Configures a {@link LocalHaproxy}. Defaults: {@link #DEFAULT_BINARY}, check interval 500 ms, no auth. */
    public static final class Builder {
        private Path binary = DEFAULT_BINARY;
        private Duration checkInterval = Duration.ofMillis(500);
        private final Map<String, List<Integer>> backends = new LinkedHashMap<>();
        private String user;
        private String password;

        private Builder() {
        }

        /**
         * Sets the HAProxy binary.
         *
         * @param binary the path of the {@code haproxy} binary
         * @return this builder
         */
        public Builder binary(Path binary) {
            this.binary = Objects.requireNonNull(binary, "binary");
            return this;
        }

        /**
         * Sets the health check interval of every server ({@code check inter}).
         *
         * @param interval the check interval
         * @return this builder
         */
        public Builder checkInterval(Duration interval) {
            this.checkInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * Adds a backend whose servers {@code s1, s2, ...} are HTTP servers on these loopback ports.
         *
         * @param name the backend's name
         * @param serverPorts the loopback ports of its servers, in order
         * @return this builder
         */
        public Builder backend(String name, int... serverPorts) {
            List<Integer> ports = new ArrayList<>();
            for (int p : serverPorts) {
                ports.add(p);
            }
            backends.put(Objects.requireNonNull(name, "name"), List.copyOf(ports));
            return this;
        }

        /**
         * Protects the stats page with {@code stats auth user:password} (letters and digits only).
         *
         * @param user the user, letters and digits only
         * @param password the password, letters and digits only
         * @return this builder
         */
        public Builder statsAuth(String user, String password) {
            if (!user.matches("[A-Za-z0-9]+") || !password.matches("[A-Za-z0-9]+")) {
                throw new IllegalArgumentException("stats auth user and password must be letters and digits");
            }
            this.user = user;
            this.password = password;
            return this;
        }

        /**
         * Writes the configuration, starts HAProxy and waits (at most 15 s) until its stats page answers.
         *
         * @return the running HAProxy
         * @throws IOException if the binary is missing, HAProxy exits or does not answer in time (the message holds
         *     its output)
         */
        public LocalHaproxy start() throws IOException {
            return new LocalHaproxy(this);
        }
    }
}
