package dev.tocsin.haproxy;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

/** A tiny HTTP server a test starts and stops on a fixed loopback port, standing in for an HAProxy server. */
final class BackendServer implements AutoCloseable {

    private final int port;
    private HttpServer server;

    BackendServer(int port) {
        this.port = port;
    }

    int port() {
        return port;
    }

    synchronized BackendServer start() {
        if (server != null) {
            return this;
        }
        // the port may linger briefly after a stop: retry the bind within a bound
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
            s.createContext("/", ex -> {
                byte[] ok = "ok".getBytes(StandardCharsets.US_ASCII);
                ex.sendResponseHeaders(200, ok.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(ok);
                }
            });
            s.start();
            server = s;
            return true;
        });
        return this;
    }

    synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
