package dev.tocsin.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server for tests: records the JSON bodies it accepts (2xx) and answers with a fixed status, or hangs (until closed)
 * when the status is 0.
 */
final class TestHttpServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    final AtomicInteger requests = new AtomicInteger();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile int status;

    TestHttpServer(int status) throws IOException {
        this.status = status;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/", ex -> {
            try (ex) {
                requests.incrementAndGet();
                byte[] body = ex.getRequestBody().readAllBytes();
                int answer0 = this.status;
                if (answer0 == 0) {
                    release.await(60, TimeUnit.SECONDS);
                    return;
                }
                try {
                    if (answer0 / 100 == 2) { // only what was delivered
                        bodies.add(JSON.readTree(body));
                    }
                } catch (IOException e) {
                    // not JSON: kept out of bodies
                }
                byte[] answer = answer0 == 200 ? new byte[0] : ("{\"error\":\"test " + answer0 + "\"}").getBytes();
                ex.sendResponseHeaders(answer0, answer.length == 0 ? -1 : answer.length);
                ex.getResponseBody().write(answer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    void status(int status) {
        this.status = status;
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
