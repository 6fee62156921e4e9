package dev.tocsin.haproxy.internal;

import dev.tocsin.core.internal.Redaction;
import dev.tocsin.core.internal.Urls;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the stats page's CSV over HTTP/1.1 or HTTPS with a small blocking client: one connection per fetch
 * ({@code Connection: close}), a connect timeout, a whole-response deadline (each read waits at most for the time
 * left), a byte cap, no redirects. It uses no threads of its own.
 */
public final class HttpStatsTransport implements StatsTransport {

    private static final int MAX_HEADER_BYTES = 64 * 1024;
    /** The most one read takes from the socket: a piece of the body handed to the sink at once. */
    private static final int READ_BYTES = 64 * 1024;

    private final String host;
    private final String connectHost;
    private Resolver resolver = Resolver.system();
    private final int port;
    private final String target;
    private final String display;
    private final byte[] authorization;
    private final SSLSocketFactory tls;
    private final boolean verifyHostname;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final long maxBytes;

    /**
     * Creates a transport.
     *
     * @param uri the stats URI ({@code http} or {@code https}, no user info), {@code ;csv} added when absent
     * @param authorization the {@code Authorization} header value's bytes, or {@code null}
     * @param tls the socket factory for {@code https}, or {@code null} for {@code http}
     * @param verifyHostname whether to check the certificate names the host
     * @param connectTimeout the TCP connect timeout
     * @param readTimeout the deadline for the whole exchange after connecting
     * @param maxBytes the largest body accepted
     */
    public HttpStatsTransport(URI uri, byte[] authorization, SSLSocketFactory tls, boolean verifyHostname,
                              Duration connectTimeout, Duration readTimeout, long maxBytes) {
        String h = uri.getHost();
        this.host = h;
        this.connectHost = Resolver.unbracketed(h);
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        this.port = uri.getPort() == -1 ? (https ? 443 : 80) : uri.getPort();
        this.target = requestTarget(uri);
        this.display = Urls.describe(URI.create(uri.getScheme().toLowerCase(Locale.ROOT) + "://" + host + ":" + port
                + target)); // the query's values are not shown: they may be credentials
        this.authorization = authorization == null ? null : authorization.clone();
        this.tls = tls;
        this.verifyHostname = verifyHostname;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.maxBytes = maxBytes;
    }

    /** Returns the request target (path and query) with {@code ;csv} appended unless the URI already has it. */
    public static String requestTarget(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String t = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return t.contains(";csv") ? t : t + ";csv";
    }

    @Override
    public String describe() {
        return display;
    }

    @Override
    public String redact(String text) {
        String t = text;
        if (authorization != null) {
            // the header is "Basic " + base64(user:password): look for the token, the pair and the password
            String header = new String(authorization, StandardCharsets.US_ASCII);
            String token = header.substring(header.indexOf(' ') + 1);
            String pair;
            try {
                pair = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                pair = "";
            }
            int colon = pair.indexOf(':');
            t = Redaction.secrets(t, colon < 0 ? List.of(token) : List.of(token, pair, pair.substring(colon + 1)));
        }
        return Redaction.credentialLike(t);
    }

    /** Replaces the host name lookup (tests). */
    HttpStatsTransport withResolver(Resolver r) {
        this.resolver = java.util.Objects.requireNonNull(r, "resolver");
        return this;
    }

    @Override
    public Optional<Map<String, String>> fetchInfo() {
        return Optional.empty();
    }

    @Override
    public void fetchStat(BodySink sink) throws FetchException {
        Socket socket = connect();
        try (Socket s = socket) {
            Deadline deadline = Deadline.after(readTimeout);
            Socket io = tls == null ? s : handshake(s, deadline);
            OutputStream out = io.getOutputStream();
            out.write(request());
            out.flush();
            InputStream in = io.getInputStream();
            readResponse((buf, len, doing) -> read(io, in, buf, len, deadline, doing), sink);
        } catch (FetchException e) {
            throw e;
        } catch (IOException e) {
            throw new FetchException("I/O error talking to " + display + ": " + e.getMessage(), true, e);
        }
    }

    private Socket connect() throws FetchException {
        Deadline deadline = Deadline.after(connectTimeout); // the scrape's budget may leave less
        long millis = deadline.remainingMillis();
        if (millis == 0) {
            throw deadline.timeout("connecting to " + host + ":" + port);
        }
        // looked up within the connect timeout: the JDK's lookup has none of its own
        java.net.InetAddress address = resolver.resolve(connectHost, deadline, display);
        millis = deadline.remainingMillis();
        if (millis == 0) {
            throw deadline.timeout("connecting to " + host + ":" + port);
        }
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(address, port), (int) Math.min(Integer.MAX_VALUE, millis));
            s.setTcpNoDelay(true);
            return s;
        } catch (SocketTimeoutException e) {
            close(s);
            if (deadline.scrapeBound()) {
                throw deadline.timeout("connecting to " + host + ":" + port);
            }
            throw new FetchException("connect timeout after " + Durations.format(connectTimeout) + " to " + host
                    + ":" + port, false, e);
        } catch (UnknownHostException e) {
            close(s);
            throw new FetchException("unknown host " + host, false, e);
        } catch (ConnectException e) {
            close(s);
            throw new FetchException("connection refused by " + host + ":" + port + " (" + e.getMessage() + ")",
                    true, e);
        } catch (IOException | IllegalArgumentException e) {
            close(s);
            throw new FetchException("cannot connect to " + host + ":" + port + ": " + e.getMessage(), true, e);
        }
    }

    private Socket handshake(Socket plain, Deadline deadline) throws IOException {
        SSLSocket ssl = (SSLSocket) tls.createSocket(plain, connectHost, port, true);
        SSLParameters params = ssl.getSSLParameters();
        if (verifyHostname) {
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!Resolver.isIpLiteral(connectHost)) {
            params.setServerNames(List.of(new SNIHostName(connectHost)));
        }
        ssl.setSSLParameters(params);
        ssl.setSoTimeout((int) Math.max(1, deadline.remainingMillis()));
        try {
            ssl.startHandshake();
        } catch (SocketTimeoutException e) {
            throw deadline.timeout("in the TLS handshake with " + host + ":" + port);
        } catch (SSLException e) {
            throw new FetchException("TLS handshake with " + host + ":" + port + " failed: " + e.getMessage(),
                    false, e);
        }
        return ssl;
    }

    private byte[] request() {
        StringBuilder sb = new StringBuilder();
        sb.append("GET ").append(target).append(" HTTP/1.1\r\n");
        boolean defaultPort = port == (tls == null ? 80 : 443);
        sb.append("Host: ").append(host).append(defaultPort ? "" : ":" + port).append("\r\n");
        sb.append("User-Agent: tocsin-haproxy\r\nAccept: text/plain, text/csv, */*\r\nConnection: close\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (authorization == null) {
            byte[] end = "\r\n".getBytes(StandardCharsets.ISO_8859_1);
            byte[] r = new byte[head.length + end.length];
            System.arraycopy(head, 0, r, 0, head.length);
            System.arraycopy(end, 0, r, head.length, end.length);
            return r;
        }
        byte[] name = "Authorization: ".getBytes(StandardCharsets.ISO_8859_1);
        byte[] r = new byte[head.length + name.length + authorization.length + 4];
        int p = 0;
        System.arraycopy(head, 0, r, p, head.length);
        p += head.length;
        System.arraycopy(name, 0, r, p, name.length);
        p += name.length;
        System.arraycopy(authorization, 0, r, p, authorization.length);
        p += authorization.length;
        r[p++] = '\r';
        r[p++] = '\n';
        r[p++] = '\r';
        r[p] = '\n';
        return r;
    }

    /** Reads the next bytes of the answer ({@code -1} at its end); the socket's does so within the deadline. */
    @FunctionalInterface
    interface Input {
        /** Reads up to {@code len} bytes into {@code buf} from 0; {@code doing} names the wait in a timeout. */
        int read(byte[] buf, int len, String doing) throws IOException;
    }

    /**
     * Reads one HTTP/1.x answer from {@code input}: the headers (capped), then the body (by Content-Length, chunked, or
     * up to the end), handed to {@code sink} as it arrives.
     */
    void readResponse(Input input, BodySink sink) throws IOException {
        BoundedBuffer head = new BoundedBuffer(MAX_HEADER_BYTES, "response headers from " + display);
        byte[] chunk = new byte[READ_BYTES];
        int headerEnd = -1;
        while (headerEnd < 0) {
            // never more than the header cap in all: the body that follows the headers in the same read counts too
            int room = Math.max(1, Math.min(chunk.length, MAX_HEADER_BYTES - head.length()));
            int n = input.read(chunk, room, "waiting for the response headers from " + display);
            if (n < 0) {
                throw new FetchException(head.length() == 0
                        ? display + " closed the connection without answering"
                        : display + " closed the connection in the middle of the response headers", true, null);
            }
            head.append(chunk, 0, n);
            headerEnd = findHeaderEnd(head.array(), head.length());
        }
        // what the server sent is quoted in errors only after the redaction: a server may echo the credentials
        // (403 Forbidden for admin:pw), and they must be found before the text is cut or escaped
        Head h = Head.parse(new String(head.array(), 0, headerEnd, StandardCharsets.ISO_8859_1), display, this::redact);
        h.check(display);
        if (h.contentLength > maxBytes) {
            throw BoundedBuffer.tooLarge("response from " + display, maxBytes);
        }
        BodyReader body = new BodyReader(h, maxBytes, display, sink, this::redact);
        int leftover = head.length() - headerEnd;
        if (leftover > 0) {
            body.feed(head.array(), headerEnd, leftover);
        }
        while (!body.done()) {
            int n = input.read(chunk, chunk.length, "reading the response body from " + display);
            if (n < 0) {
                body.eof();
                break;
            }
            body.feed(chunk, 0, n);
        }
    }

    private static int read(Socket socket, InputStream in, byte[] buf, int len, Deadline deadline, String doing)
            throws IOException {
        long left = deadline.remainingMillis();
        if (left <= 0) {
            throw deadline.timeout(doing);
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        try {
            return in.read(buf, 0, len);
        } catch (SocketTimeoutException e) {
            throw deadline.timeout(doing);
        }
    }

    private static int findHeaderEnd(byte[] b, int len) {
        for (int i = 0; i < len; i++) {
            if (b[i] == '\n') {
                if (i + 1 < len && b[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < len && b[i + 1] == '\r' && b[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** Replaces control and non-ASCII characters and truncates, so server text is safe to log. */
    static String printable(String s, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < max; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (s.length() > max) {
            sb.append("...");
        }
        return sb.toString();
    }

    /** The parsed status line and the headers that matter. */
    static final class Head {
        int status;
        String reason = "";
        long contentLength = -1;
        boolean chunked;
        String location;

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        static Head parse(String text, String display, java.util.function.UnaryOperator<String> redact)
                throws FetchException {
            String[] lines = text.split("\r?\n");
            Head h = new Head();
            String status = lines.length == 0 ? "" : lines[0]; // blank lines only: nothing to split
            if (!status.startsWith("HTTP/1.") || status.length() < 12) {
                throw new FetchException(display + " did not answer with HTTP/1.x: '"
                        + printable(redact.apply(status), 80) + "'", false, null);
            }
            // "HTTP/1.x SSS": three digits after one space (Integer.parseInt would take "+12" or "-10")
            if (status.charAt(8) != ' ' || !isDigit(status.charAt(9)) || !isDigit(status.charAt(10))
                    || !isDigit(status.charAt(11)) || (status.length() > 12 && status.charAt(12) != ' ')) {
                throw new FetchException(display + " sent a malformed status line: '"
                        + printable(redact.apply(status), 80) + "'", false, null);
            }
            h.status = Integer.parseInt(status.substring(9, 12));
            // parsed raw (a password "200" must not break "HTTP/1.1 200 OK"), quoted redacted
            h.reason = status.length() > 13 ? printable(redact.apply(status.substring(13)), 80) : "";
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i];
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                switch (name) {
                    case "content-length":
                        try {
                            h.contentLength = Long.parseLong(value);
                        } catch (NumberFormatException e) {
                            throw new FetchException(display + " sent a malformed Content-Length: '"
                                    + printable(redact.apply(value), 40) + "'", false, null);
                        }
                        break;
                    case "transfer-encoding":
                        h.chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                        break;
                    case "location":
                        // credentials taken out first: making it printable could make its user info unparsable
                        h.location = printable(redact.apply(Urls.describe(value)), 200);
                        break;
                    default:
                        break;
                }
            }
            return h;
        }

        void check(String display) throws FetchException {
            if (status >= 200 && status < 300) {
                return;
            }
            String what = "HTTP " + status + (reason.isEmpty() ? "" : " " + reason) + " from " + display;
            if (status >= 300 && status < 400) {
                // a Location may carry credentials (user:password@, a token in the query): shown without them
                throw new FetchException(what + ": redirected to "
                        + (location == null ? "(no Location)" : location)
                        + "; redirects are not followed, configure the final stats URI", false, null);
            }
            if (status == 401 || status == 403) {
                throw new FetchException(what + ": check the credentials (basicAuth; --user with --password-env "
                        + "or --password-file on the command line) and the stats page's 'stats auth' / ACLs",
                        false, null);
            }
            if (status == 503 || status == 404) {
                // HAProxy answers 503 for any path but 'stats uri' on a stats frontend without a backend; a 404
                // comes from a server behind a frontend (a wrong port or path)
                throw new FetchException(what + ": is the path the stats page's 'stats uri' (e.g. /stats)?"
                        + (status == 503 ? " HAProxy answers 503 for any other path of a stats-only frontend"
                                : " Is the port the stats listener's?"), status >= 500, null);
            }
            throw new FetchException(what, status >= 500, null);
        }
    }

    /** Hands the body on for identity, Content-Length or chunked framing, within the cap. */
    static final class BodyReader {
        private final Head head;
        private final BodySink sink;
        private final long cap;
        private final String display;
        private boolean done;
        /** The body bytes handed to the sink so far. */
        private long received;
        // chunked state
        private int state; // 0 size line, 1 data, 2 CRLF after data, 3 trailers
        private final StringBuilder line = new StringBuilder();
        private long chunkLeft;

        private final java.util.function.UnaryOperator<String> redact;

        BodyReader(Head head, long cap, String display, BodySink sink, java.util.function.UnaryOperator<String> redact) {
            this.redact = redact;
            this.head = head;
            this.sink = sink;
            this.cap = cap;
            this.display = display;
            this.done = head.contentLength == 0 && !head.chunked;
        }

        boolean done() {
            return done;
        }

        void feed(byte[] b, int off, int len) throws FetchException {
            if (done) {
                return;
            }
            if (!head.chunked) {
                int take = len;
                if (head.contentLength >= 0) {
                    take = (int) Math.min(len, head.contentLength - received);
                }
                out(b, off, take);
                if (head.contentLength >= 0 && received >= head.contentLength) {
                    done = true;
                }
                return;
            }
            int i = off;
            int end = off + len;
            while (i < end && !done) {
                switch (state) {
                    case 0:
                    case 2:
                    case 3: {
                        byte c = b[i++];
                        if (c == '\n') {
                            String l = line.toString().trim();
                            line.setLength(0);
                            if (state == 2) {
                                state = 0;
                            } else if (state == 3) {
                                if (l.isEmpty()) {
                                    done = true;
                                }
                            } else {
                                int semi = l.indexOf(';');
                                String hex = semi >= 0 ? l.substring(0, semi).trim() : l;
                                try {
                                    chunkLeft = Long.parseLong(hex, 16);
                                } catch (NumberFormatException e) {
                                    throw new FetchException(display + " sent a malformed chunk size: '"
                                            + printable(redact.apply(hex), 40) + "'", false, null);
                                }
                                if (chunkLeft < 0) {
                                    throw new FetchException(display + " sent a negative chunk size", false, null);
                                }
                                state = chunkLeft == 0 ? 3 : 1;
                            }
                        } else if (c != '\r') {
                            if (line.length() > 1024) {
                                throw new FetchException(display + " sent a chunk header line over 1024 bytes",
                                        false, null);
                            }
                            line.append((char) (c & 0xff));
                        }
                        break;
                    }
                    default: {
                        int take = (int) Math.min(end - i, chunkLeft);
                        out(b, i, take);
                        i += take;
                        chunkLeft -= take;
                        if (chunkLeft == 0) {
                            state = 2;
                        }
                        break;
                    }
                }
            }
        }

        void eof() throws FetchException {
            if (head.chunked) {
                if (!done) {
                    throw new FetchException(display + " closed the connection before the end of the chunked "
                            + "response (" + received + " bytes received)", true, null);
                }
            } else if (head.contentLength >= 0 && received < head.contentLength) {
                throw new FetchException(display + " closed the connection after " + received + " of "
                        + head.contentLength + " body bytes (truncated response)", true, null);
            }
            done = true;
        }

        private void out(byte[] b, int off, int len) throws FetchException {
            if (received + len > cap) {
                throw BoundedBuffer.tooLarge("response from " + display, cap);
            }
            received += len;
            if (len > 0) {
                sink.accept(b, off, len);
            }
        }
    }
}
