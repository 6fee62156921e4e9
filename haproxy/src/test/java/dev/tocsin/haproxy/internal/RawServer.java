package dev.tocsin.haproxy.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback TCP server whose answer the test scripts byte for byte; records the requests. */
final class RawServer implements AutoCloseable {

    /** What to do with one accepted connection. */
    interface Handler {
        void handle(String request, OutputStream out) throws Exception;
    }

    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "raw-server");
        t.setDaemon(true);
        return t;
    });
    final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
    final AtomicInteger connections = new AtomicInteger();

    RawServer(Handler handler) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    pool.execute(() -> serve(s, handler));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private void serve(Socket s, Handler handler) {
        try (Socket socket = s) {
            String req = readHead(socket.getInputStream());
            requests.add(req);
            handler.handle(req, socket.getOutputStream());
            socket.getOutputStream().flush();
        } catch (Exception ignored) {
            // the client may have gone
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            String s = b.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n") || s.endsWith("\n") && s.startsWith("show ")) {
                break;
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    int port() {
        return server.getLocalPort();
    }

    static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}
