package dev.tocsin.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Runs the real Alertmanager binary on a free loopback port, with its config and storage in a temp dir. */
final class AlertmanagerProcess implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dir;
    private final URI webhook;
    private final int port;
    private Process process;
    private int starts;

    private AlertmanagerProcess(Path dir, URI webhook, int port) {
        this.dir = dir;
        this.webhook = webhook;
        this.port = port;
    }

    /** Starts Alertmanager routing everything to {@code webhook} (group_wait 0s, group_interval 1s). */
    static AlertmanagerProcess start(Path dir, URI webhook) throws Exception {
        assertThat(Files.isExecutable(BINARY))
                .withFailMessage("%s not found: install it with `apt-get install -y prometheus-alertmanager` "
                        + "(scripts/test.sh does this)", BINARY)
                .isTrue();
        AlertmanagerProcess am = new AlertmanagerProcess(dir, webhook, freePort());
        am.startProcess();
        return am;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Starts (again) with an empty storage directory. */
    void startProcess() throws Exception {
        starts++;
        Path config = dir.resolve("am.yml");
        Files.writeString(config, String.join("\n",
                "route:",
                "  receiver: hook",
                "  group_by: ['alertname']",
                "  group_wait: 0s",
                "  group_interval: 1s",
                "  repeat_interval: 1h",
                "receivers:",
                "  - name: hook",
                "    webhook_configs:",
                "      - url: '" + webhook + "'",
                "        send_resolved: true",
                ""));
        Path storage = Files.createDirectories(dir.resolve("data-" + starts));
        process = new ProcessBuilder(BINARY.toString(), "--config.file=" + config, "--storage.path=" + storage,
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("alertmanager-" + starts + ".log").toFile())
                .start();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> {
                    assertThat(process.isAlive()).withFailMessage("alertmanager exited; see %s", dir).isTrue();
                    return get("/-/ready").statusCode() == 200;
                });
    }

    /** Kills the process (as a crash would: no flush). */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(url().resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Returns GET /api/v2/alerts (active, silenced and inhibited ones included). */
    List<JsonNode> alerts() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/v2/alerts");
        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(r.body()).forEach(out::add);
        return out;
    }

    /** Returns the alerts whose label {@code name} has {@code value}. */
    List<JsonNode> alertsWith(String name, String value) throws IOException, InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode a : alerts()) {
            if (value.equals(a.path("labels").path(name).asText(null))) {
                out.add(a);
            }
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
