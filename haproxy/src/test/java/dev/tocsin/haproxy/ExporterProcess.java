package dev.tocsin.haproxy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Runs the real Go haproxy_exporter ({@code /usr/bin/prometheus-haproxy-exporter}) on a free loopback port against a
 * given scrape URI, and scrapes its {@code /metrics} once it answers. {@link #close()} stops the process.
 */
final class ExporterProcess implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/prometheus-haproxy-exporter");

    private final Process process;
    private final Path log;
    private final URI metrics;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ExporterProcess(Process process, Path log, URI metrics) {
        this.process = process;
        this.log = log;
        this.metrics = metrics;
    }

    /** Starts the exporter with these extra flags and waits (bounded) until {@code /metrics} answers 200. */
    static ExporterProcess start(Path dir, URI scrapeUri, String... extraFlags) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("the Go haproxy_exporter is not installed at " + BINARY
                    + ". Install it with: apt-get update && apt-get install -y prometheus-haproxy-exporter");
        }
        int port = BackendServer.freePort();
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--haproxy.scrape-uri=" + scrapeUri,
                "--web.listen-address=127.0.0.1:" + port, "--haproxy.timeout=5s"));
        cmd.addAll(List.of(extraFlags));
        Path log = Files.createTempFile(dir, "exporter", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        ExporterProcess e = new ExporterProcess(p, log, URI.create("http://127.0.0.1:" + port + "/metrics"));
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new AssertionError("the exporter exited with " + p.exitValue() + ": " + e.log());
                        }
                        return e.get().statusCode() == 200;
                    });
        } catch (RuntimeException | Error t) {
            e.close();
            throw new AssertionError("the exporter did not answer on " + e.metrics + ": " + e.log(), t);
        }
        return e;
    }

    /** Scrapes {@code /metrics} once and returns the body. */
    String scrape() throws IOException, InterruptedException {
        HttpResponse<String> r = get();
        if (r.statusCode() != 200) {
            throw new AssertionError("exporter answered HTTP " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private HttpResponse<String> get() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The exporter's output so far, for failure messages. */
    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
