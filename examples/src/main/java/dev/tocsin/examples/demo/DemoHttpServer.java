package dev.tocsin.examples.demo;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A tiny HTTP server on a loopback port that answers {@code 200 <name>} to every request: one "server" of a demo
 * backend. It can be stopped and started again on the same port, to make HAProxy's health checks fail and recover.
 */
public final class DemoHttpServer implements AutoCloseable {

    private final String name;
    private int port;
    private HttpServer server;

    /**
     * Starts a server on a free loopback port.
     *
     * @param name what it answers, e.g. {@code app/s1}
     * @throws IOException if no port can be bound
     */
    public DemoHttpServer(String name) throws IOException {
        this.name = name;
        start();
    }

    /**
     * Returns the port (the same after a restart).
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * Returns whether it is serving.
     *
     * @return true while it is serving
     */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * Starts serving again (on the same port after the first start). Does nothing when already serving.
     *
     * @throws IOException if the port cannot be bound
     */
    public synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        byte[] body = (name + "\n").getBytes(StandardCharsets.UTF_8);
        s.createContext("/", exchange -> {
            try (exchange; OutputStream out = exchange.getResponseBody()) {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                out.write(body);
            }
        });
        s.start();
        port = s.getAddress().getPort();
        server = s;
    }

    /** Stops serving at once: new connections to the port are refused. Does nothing when already stopped. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Stops serving. */
    @Override
    public void close() {
        stop();
    }
}
