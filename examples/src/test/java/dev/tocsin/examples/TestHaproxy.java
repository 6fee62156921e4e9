package dev.tocsin.examples;

import dev.tocsin.examples.demo.DemoHttpServer;
import dev.tocsin.examples.demo.LocalHaproxy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * A real HAProxy for one test class, with fast checks ({@code check inter 200 fall 2 rise 2}) and these backends:
 * {@code app} (two live servers), {@code half} (one live, one dead) and {@code dead} (two servers nobody listens on);
 * or {@code app} only ({@link #startHealthy()}).
 * {@link #start} waits until HAProxy's checks agree with that.
 */
public final class TestHaproxy implements AutoCloseable {

    private final List<DemoHttpServer> servers = new ArrayList<>();
    private final Map<String, DemoHttpServer> byName = new LinkedHashMap<>();
    private final LocalHaproxy haproxy;

    private final boolean healthy;

    private TestHaproxy(String user, String password, boolean healthy) throws IOException {
        this.healthy = healthy;
        try {
            DemoHttpServer app1 = server("app/s1");
            DemoHttpServer app2 = server("app/s2");
            LocalHaproxy.Builder b = LocalHaproxy.builder()
                    .checkInterval(Duration.ofMillis(200))
                    .backend("app", app1.port(), app2.port());
            if (!healthy) {
                DemoHttpServer half1 = server("half/s1");
                b.backend("half", half1.port(), LocalHaproxy.freePort())
                        .backend("dead", LocalHaproxy.freePort(), LocalHaproxy.freePort());
            }
            if (user != null) {
                b.statsAuth(user, password);
            }
            haproxy = b.start();
        } catch (IOException | RuntimeException e) {
            servers.forEach(DemoHttpServer::close);
            throw e;
        }
    }

    /** Starts the backends and HAProxy and waits until the checks settled. */
    public static TestHaproxy start() throws IOException {
        return settle(new TestHaproxy(null, null, false));
    }

    /** Starts an HAProxy with the healthy backend {@code app} only. */
    public static TestHaproxy startHealthy() throws IOException {
        return settle(new TestHaproxy(null, null, true));
    }

    /** Like {@link #start()}, with {@code stats auth user:password} on the stats page. */
    public static TestHaproxy startWithAuth(String user, String password) throws IOException {
        return settle(new TestHaproxy(user, password, false));
    }

    private static TestHaproxy settle(TestHaproxy t) {
        try {
            t.awaitStatus("UP", "app/s1", "app/s2");
            if (!t.healthy) {
                t.awaitStatus("UP", "half/s1");
                t.awaitStatus("DOWN", "half/s2", "dead/s1", "dead/s2");
            }
            return t;
        } catch (RuntimeException | Error e) {
            t.close();
            throw e;
        }
    }

    private DemoHttpServer server(String name) throws IOException {
        DemoHttpServer s = new DemoHttpServer(name);
        servers.add(s);
        byName.put(name, s);
        return s;
    }

    /** Returns the HAProxy. */
    public LocalHaproxy haproxy() {
        return haproxy;
    }

    /** Returns the stats page URL as a string. */
    public String statsUrl() {
        return haproxy.statsUri().toString();
    }

    /** Stops the named live servers (e.g. {@code app/s1}) and waits until HAProxy sees them DOWN. */
    public void stop(String... names) {
        for (String n : names) {
            byName.get(n).stop();
        }
        awaitStatus("DOWN", names);
    }

    /** Starts the named servers again and waits until HAProxy sees them UP. */
    public void restart(String... names) throws IOException {
        for (String n : names) {
            byName.get(n).start();
        }
        awaitStatus("UP", names);
    }

    /** Waits (at most 20 s) until every named server has exactly this status in the stats CSV. */
    public void awaitStatus(String status, String... names) {
        await("servers " + String.join(", ", names) + " " + status)
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> {
                    Map<String, String> now = haproxy.serverStatuses();
                    for (String n : names) {
                        if (!status.equals(now.get(n))) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    @Override
    public void close() {
        haproxy.close();
        servers.forEach(DemoHttpServer::close);
    }
}
