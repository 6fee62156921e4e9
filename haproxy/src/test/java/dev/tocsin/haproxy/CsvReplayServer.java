package dev.tocsin.haproxy;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves one fixed byte sequence (a CSV captured once from a real HAProxy) on every path of a free loopback port, so
 * that several readers see byte-identical input.
 */
final class CsvReplayServer implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    CsvReplayServer(byte[] body) throws IOException {
        byte[] copy = body.clone();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, copy.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(copy);
            }
        });
        server.start();
    }

    /** The stats URI as a scraper would be configured with it. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/stats;csv");
    }

    /** How many requests were answered. */
    int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
