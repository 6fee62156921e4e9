package dev.tocsin.haproxy.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Talks to HAProxy's Runtime API (the {@code stats socket}) over a unix socket or TCP: one connection per command,
 * write the command, read until the peer closes. Non-blocking channel and a {@link Selector} with the time left, so
 * the deadline holds for unix sockets too (their blocking adaptors ignore read timeouts).
 */
public final class RuntimeApiTransport implements StatsTransport {

    private final Path socketPath;
    private final String host;
    private final int port;
    private final String display;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final long maxBytes;
    private Resolver resolver = Resolver.system();

    private RuntimeApiTransport(Path socketPath, String host, int port, Duration connectTimeout,
                                Duration readTimeout, long maxBytes) {
        this.socketPath = socketPath;
        this.host = host;
        this.port = port;
        this.display = socketPath != null ? "unix:" + socketPath : "tcp://" + host + ":" + port;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.maxBytes = maxBytes;
    }

    /** Returns a transport over a unix socket. */
    public static RuntimeApiTransport unix(Path socket, Duration connectTimeout, Duration readTimeout, long maxBytes) {
        return new RuntimeApiTransport(socket, null, 0, connectTimeout, readTimeout, maxBytes);
    }

    /** Returns a transport over TCP. */
    public static RuntimeApiTransport tcp(String host, int port, Duration connectTimeout, Duration readTimeout,
                                          long maxBytes) {
        return new RuntimeApiTransport(null, host, port, connectTimeout, readTimeout, maxBytes);
    }

    @Override
    public String describe() {
        return display;
    }

    @Override
    public void fetchStat(BodySink sink) throws FetchException {
        exchange("show stat\n", sink, true);
    }

    @Override
    public Optional<Map<String, String>> fetchInfo() throws FetchException {
        BoundedBuffer b = exchange("show info\n");
        Map<String, String> info = new LinkedHashMap<>();
        for (String line : new String(b.array(), 0, b.length(), StandardCharsets.UTF_8).split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                info.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return Optional.of(info);
    }

    /**
     * Sends one command and returns everything the peer wrote before closing.
     *
     * @throws FetchException on connect failure, timeout or a response over the cap
     */
    public BoundedBuffer exchange(String command) throws FetchException {
        BoundedBuffer in = new BoundedBuffer(maxBytes, "response from " + display);
        exchange(command, in::append);
        return in;
    }

    /**
     * Sends one command and hands everything the peer writes before closing to {@code sink}, piece by piece.
     *
     * @throws FetchException on connect failure, timeout, a response over the cap, or from the sink
     */
    private void exchange(String command, BodySink sink) throws FetchException {
        exchange(command, sink, false);
    }

    /** Replaces the host name lookup (tests). */
    RuntimeApiTransport withResolver(Resolver r) {
        this.resolver = java.util.Objects.requireNonNull(r, "resolver");
        return this;
    }

    /** The most of an answer that is not CSV read for its message. */
    private static final int NOT_CSV_CAP = 4096;

    /** The error for an answer to {@code command} that is not CSV: its first line, cut and made printable. */
    private FetchException notCsv(String command, java.io.ByteArrayOutputStream answer) {
        String first = answer.toString(StandardCharsets.UTF_8).strip().lines().findFirst().orElse("");
        String sb = HttpStatsTransport.printable(first, 120);
        boolean unknown = first.startsWith("Unknown command");
        return new FetchException(display + " answered '" + command.trim() + "' with '" + sb + "'"
                + (unknown ? ", not CSV: is it the master CLI socket (haproxy -S)? Point Tocsin at a worker's"
                + " 'stats socket' (global section)" : ", not CSV"), false, null);
    }

    private void exchange(String command, BodySink sink, boolean expectCsv) throws FetchException {
        Deadline connectDeadline = Deadline.after(connectTimeout);
        // an answer to "show stat" that is not CSV (the master CLI's "Unknown command", "Permission denied"): the
        // master CLI keeps the connection open, so it is read only up to an empty line, 4 KiB or half a second
        java.io.ByteArrayOutputStream notCsv = null;
        try (SocketChannel ch = socketPath != null
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
             Selector selector = Selector.open()) {
            ch.configureBlocking(false);
            connect(ch, selector, connectDeadline);
            Deadline deadline = Deadline.after(readTimeout);
            ByteBuffer out = ByteBuffer.wrap(command.getBytes(StandardCharsets.US_ASCII));
            SelectionKey key = ch.register(selector, SelectionKey.OP_WRITE);
            while (out.hasRemaining()) {
                if (ch.write(out) == 0) {
                    await(selector, deadline, "sending '" + command.trim() + "' to " + display);
                }
            }
            key.interestOps(SelectionKey.OP_READ);
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long received = 0;
            Deadline notCsvDeadline = null;
            while (true) {
                int n = ch.read(buf);
                if (n < 0) {
                    if (notCsv != null) {
                        throw notCsv(command, notCsv);
                    }
                    return;
                }
                if (n == 0) {
                    try {
                        await(selector, notCsv != null ? notCsvDeadline : deadline,
                                "reading the answer to '" + command.trim() + "' from " + display);
                    } catch (FetchException e) {
                        if (notCsv != null) {
                            throw notCsv(command, notCsv);
                        }
                        throw e;
                    }
                    continue;
                }
                if (received == 0 && expectCsv && buf.get(0) != '#') {
                    notCsv = new java.io.ByteArrayOutputStream();
                    notCsvDeadline = Deadline.after(Duration.ofMillis(Math.min(500, deadline.remainingMillis())));
                }
                received += n;
                if (received > maxBytes) {
                    throw BoundedBuffer.tooLarge("response from " + display, maxBytes);
                }
                if (notCsv != null) {
                    notCsv.write(buf.array(), 0, Math.min(n, NOT_CSV_CAP - notCsv.size()));
                    buf.clear();
                    String text = notCsv.toString(StandardCharsets.UTF_8);
                    if (notCsv.size() >= NOT_CSV_CAP || text.contains("\n\n")) {
                        throw notCsv(command, notCsv);
                    }
                    continue;
                }
                sink.accept(buf.array(), 0, n);
                buf.clear();
            }
        } catch (FetchException e) {
            throw e;
        } catch (IOException e) {
            if (notCsv != null && notCsv.size() > 0) {
                throw notCsv(command, notCsv); // the peer reset the connection after its answer: the answer tells why
            }
            throw new FetchException("I/O error talking to " + display + ": " + e.getMessage(), true, e);
        }
    }

    private void connect(SocketChannel ch, Selector selector, Deadline deadline) throws FetchException {
        try {
            // a host name is looked up within the connect timeout: the JDK's lookup has none of its own
            SocketAddress address = socketPath != null ? UnixDomainSocketAddress.of(socketPath)
                    : new InetSocketAddress(resolver.resolve(Resolver.unbracketed(host), deadline, display), port);
            if (ch.connect(address)) {
                return;
            }
            SelectionKey key = ch.register(selector, SelectionKey.OP_CONNECT);
            while (!ch.finishConnect()) {
                long left = deadline.remainingMillis();
                if (left <= 0) {
                    if (deadline.scrapeBound()) {
                        throw deadline.timeout("connecting to " + display);
                    }
                    throw new FetchException("connect timeout after " + Durations.format(connectTimeout) + " to "
                            + display, false, null);
                }
                selector.select(left);
                selector.selectedKeys().clear();
            }
            key.cancel();
            selector.selectNow();
        } catch (FetchException e) {
            throw e;
        } catch (ConnectException e) {
            // Linux refuses a connection to a path that is no socket too: say what is there instead
            String notSocket = socketPath == null ? null : java.nio.file.Files.isDirectory(socketPath) ? "a directory"
                    : java.nio.file.Files.isRegularFile(socketPath) ? "a regular file" : null;
            if (notSocket != null) {
                throw new FetchException(display + " is " + notSocket + ", not a socket: give the path of HAProxy's"
                        + " 'stats socket' (global section)", false, e);
            }
            throw new FetchException("connection refused by " + display + " (" + e.getMessage() + ")", true, e);
        } catch (IOException e) {
            throw new FetchException("cannot connect to " + display + ": " + e.getMessage(), true, e);
        }
    }

    private static void await(Selector selector, Deadline deadline, String doing) throws IOException {
        long left = deadline.remainingMillis();
        if (left <= 0) {
            throw deadline.timeout(doing);
        }
        selector.select(left);
        selector.selectedKeys().clear();
    }
}
