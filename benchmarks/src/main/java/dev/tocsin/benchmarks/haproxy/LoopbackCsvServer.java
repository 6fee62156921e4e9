package dev.tocsin.benchmarks.haproxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves a CSV document (as HAProxy's {@code /;csv} stats page would) on 127.0.0.1 with the JDK's
 * {@code com.sun.net.httpserver}: every path answers {@code 200 text/csv} with the current document. The document can
 * be swapped at any time ({@link #serve(byte[])}); the swap instant is what a detection-latency measurement starts
 * from.
 *
 * <p>As a program ({@code java -cp benchmarks.jar dev.tocsin.benchmarks.haproxy.LoopbackCsvServer [port] [csv-out]})
 * it serves the generated 1,000 backends x 10 servers CSV, optionally writes it to {@code csv-out}, prints
 * {@code PORT <n>} and runs until killed. {@code side-by-side.sh} uses it.
 */
public final class LoopbackCsvServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private volatile byte[] document;
    private volatile java.util.function.Supplier<byte[]> dynamic;

    /**
     * Starts a server on 127.0.0.1.
     *
     * @param port the port, 0 for any free one
     * @param document the document served first
     * @throws IOException if the port cannot be bound
     */
    public LoopbackCsvServer(int port, byte[] document) throws IOException {
        this.document = document;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "csv-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        java.util.function.Supplier<byte[]> d = dynamic;
        byte[] body = d != null ? d.get() : document;
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/csv");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                // in 64 KB pieces: the JDK server copies each write into a new buffer of the write's size, and in
                // the benchmark JVM that garbage would be counted as the client's allocation
                for (int off = 0; off < body.length; off += 65536) {
                    out.write(body, off, Math.min(65536, body.length - off));
                }
            }
        }
    }

    /**
     * Serves {@code next} from now on: every request accepted after this call gets it.
     *
     * @param next the new document
     * @return {@link System#nanoTime()} right after the swap
     */
    public long serve(byte[] next) {
        dynamic = null;
        document = next;
        return System.nanoTime();
    }

    /**
     * Serves the document {@code supplier} returns at each request from now on (e.g. counters that advance with
     * time), until {@link #serve(byte[])} is called.
     */
    public void serveDynamic(java.util.function.Supplier<byte[]> supplier) {
        dynamic = supplier;
    }

    /** Returns the bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Returns the stats URI of this server, {@code http://127.0.0.1:<port>/;csv}. */
    public String uri() {
        return "http://127.0.0.1:" + port() + "/;csv";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Returns {@code csv} with the status of {@code backend}'s BACKEND row replaced by {@code status}.
     *
     * @throws IllegalArgumentException if the row is not there
     */
    public static byte[] withBackendStatus(byte[] csv, String backend, String status) {
        String text = new String(csv, StandardCharsets.UTF_8);
        String prefix = "\n" + backend + ",BACKEND,";
        int start = text.indexOf(prefix);
        if (start < 0) {
            throw new IllegalArgumentException("no BACKEND row for " + backend);
        }
        start++;
        int end = text.indexOf('\n', start);
        String[] f = text.substring(start, end).split(",", -1);
        f[17] = status; // 'status' is column 17 in every HAProxy CSV
        return (text.substring(0, start) + String.join(",", f) + text.substring(end)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Entry point: serves the generated 1,000 x 10 CSV until killed. With {@code advance}, serves the
     * {@link AdvancingCsv} document of step {@code k} = whole 5-second periods since start, so that every reader sees
     * counters grow with time as on a real HAProxy (each step is rendered once, a second before it is due, so that
     * fetches measure the transfer and not the rendering).
     *
     * @param args {@code [port] [csv-out] [advance]}
     * @throws Exception if the port cannot be bound or the file not written
     */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        boolean advance = args.length > 2 && args[2].equals("advance");
        AdvancingCsv advancing = advance ? new AdvancingCsv(1000, 10) : null;
        byte[] csv = advance ? advancing.step(0) : CsvGenerator.generate(1000, 10, 0);
        if (args.length > 1 && !args[1].isEmpty()) {
            Files.write(Path.of(args[1]), csv);
        }
        LoopbackCsvServer s = new LoopbackCsvServer(port, csv);
        if (advance) {
            long start = System.nanoTime();
            Object[] cache = {0L, csv};
            Object[] ahead = {-1L, null};
            s.serveDynamic(() -> {
                long k = (System.nanoTime() - start) / 5_000_000_000L;
                synchronized (cache) {
                    if ((long) cache[0] != k) {
                        byte[] next;
                        synchronized (ahead) {
                            next = (long) ahead[0] == k ? (byte[]) ahead[1] : null;
                        }
                        if (next == null) {
                            synchronized (advancing) {
                                synchronized (ahead) { // the renderer may have finished it while we waited
                                    next = (long) ahead[0] == k ? (byte[]) ahead[1] : null;
                                }
                                if (next == null) {
                                    next = advancing.step(k);
                                }
                            }
                        }
                        cache[1] = next;
                        cache[0] = k;
                    }
                    return (byte[]) cache[1];
                }
            });
            // render each step a second before it is due, so that a reader's fetch time is the transfer, not
            // this server rendering 4 MB on its first request of the step
            Thread renderer = new Thread(() -> {
                try {
                    for (long k = 1; ; k++) {
                        long due = start + k * 5_000_000_000L - 1_000_000_000L;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                        }
                        byte[] next;
                        synchronized (advancing) {
                            next = advancing.step(k);
                        }
                        synchronized (ahead) {
                            ahead[0] = k;
                            ahead[1] = next;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "csv-renderer");
            renderer.setDaemon(true);
            renderer.start();
        }
        System.out.println("PORT " + s.port());
        System.out.println("BYTES " + csv.length);
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
