package dev.tocsin.haproxy;

import dev.tocsin.core.MetricInterest;
import dev.tocsin.core.MetricSource;
import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.Urls;
import dev.tocsin.haproxy.internal.HttpStatsTransport;
import dev.tocsin.haproxy.internal.RuntimeApiTransport;
import dev.tocsin.haproxy.internal.StatsTransport;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.net.URI;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reads one HAProxy's statistics and turns them into haproxy_exporter v1 metrics ({@code haproxy_backend_up},
 * {@code haproxy_server_up}, ...), so the public HAProxy rule packs work unchanged. Its health series is
 * {@code haproxy_up}.
 *
 * <p>Transports: the HTTP(S) stats page's CSV ({@link Builder#statsUri(URI)}), or the Runtime API over a unix socket
 * ({@link Builder#runtimeApi(Path)}) or TCP ({@link Builder#runtimeApi(String, int)}). Every fetch has a connect
 * timeout, a whole-response deadline and a size cap, goes through a retry and a circuit breaker, and never follows
 * redirects. A failed {@link #collect()} throws an exception whose message says what happened (the evaluator then
 * sets {@code haproxy_up} to 0 and logs it).
 *
 * <pre>{@code
 * HaproxySource lb = HaproxySource.builder()
 *         .statsUri(URI.create("https://lb1:8404/stats;csv"))
 *         .basicAuth("monitor", password)
 *         .build();
 * }</pre>
 *
 * <p>Watch several HAProxy instances with several sources; they share nothing mutable. Thread-safe. Built only by
 * {@link #builder()} (sealed: the evaluator reads the built source in ways a wrapper could not; a test that needs
 * a stand-in can stub a {@link MetricSource}).
 */
public sealed interface HaproxySource extends MetricSource permits DefaultHaproxySource {

    /**
     * Returns a new builder.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /** Returns {@code haproxy_up}. */
    @Override
    String healthMetric();

    /**
     * Fetches the statistics once and maps them.
     *
     * <p>Besides the exporter's metrics the result holds {@code haproxy_exporter_scrapes_total},
     * {@code haproxy_exporter_csv_parse_failures_total}, {@code tocsin_haproxy_fetch_retries_total},
     * {@code tocsin_haproxy_circuit_open_total} and, on Runtime API transports, {@code haproxy_version_info}.
     *
     * @throws HaproxyReadException when the statistics cannot be read or are not HAProxy CSV; the message says what
     *     happened (connection refused, timeout after 5s, HTTP 401, response larger than the cap, not CSV at line N)
     */
    @Override
    List<Sample> collect() throws java.io.IOException;

    /**
     * Fetches the statistics once and maps only the metrics {@code interest} includes: the evaluator passes the
     * names its rules read, so a source watched by a few rules does not build the ~70 series per server the exporter
     * table defines. Every row is still read (skipped rows are still counted and logged).
     *
     * @param interest the metric names wanted ({@link MetricInterest#all()} for everything)
     * @throws java.io.IOException as {@link #collect()}
     */
    @Override
    List<Sample> collect(MetricInterest interest) throws java.io.IOException;

    /**
     * Returns counters about this source's fetches (for host metrics or health pages).
     *
     * @return a snapshot of the counters
     */
    Stats stats();

    /**
     * Counters of one source since it was built.
     *
     * @param scrapes calls of {@link #collect()} (also exported as {@code haproxy_exporter_scrapes_total})
     * @param failures scrapes that failed (fetch or whole-document CSV failure)
     * @param csvParseFailures malformed rows skipped plus unusable documents
     *     ({@code haproxy_exporter_csv_parse_failures_total})
     * @param retries retried fetch attempts ({@code tocsin_haproxy_fetch_retries_total})
     * @param circuitOpened times the circuit breaker opened ({@code tocsin_haproxy_circuit_open_total})
     * @param rejectedByOpenCircuit scrapes refused at once because the circuit was open
     * @param circuitState the circuit breaker's state
     */
    record Stats(long scrapes, long failures, long csvParseFailures, long retries, long circuitOpened,
                        long rejectedByOpenCircuit, CircuitState circuitState) {
    }

    /** The state of a source's circuit breaker (see {@link Builder#circuitBreaker(int, Duration)}). */
    enum CircuitState {
        /** Scrapes go to HAProxy. */
        CLOSED,
        /** Scrapes fail at once without contacting HAProxy, until the open period ends. */
        OPEN,
        /** One trial scrape decides whether it closes or opens again. */
        HALF_OPEN,
        /** No circuit breaker ({@link Builder#noCircuitBreaker()}). */
        DISABLED
    }

    /**
     * Configures a {@link HaproxySource}. Exactly one transport must be chosen (one of {@link #statsUri},
     * {@link #runtimeApi(Path)} and {@link #runtimeApi(String, int)}; the same one called again replaces it).
     * Defaults: job {@code haproxy}, instance {@code host:port} or the socket path, connect timeout 2 s, read timeout 5 s (the whole response),
     * response cap 16 MiB, TLS verified with the JVM's trust store, 2 attempts per scrape 100 ms apart, circuit opens
     * after 5 consecutive failed scrapes for 10 s, {@link StatusMapping#FIXED}, every server field, no excluded server
     * states, {@code haproxy_version_info} on Runtime API transports.
     */
    final class Builder {
        URI statsUri;
        Path socketPath;
        String tcpHost;
        int tcpPort;
        byte[] authorization;
        SSLContext sslContext;
        KeyStore trustStore;
        boolean insecure;
        /** The transport methods called (a second, different one contradicts the first). */
        final java.util.Set<String> transportsChosen = new java.util.LinkedHashSet<>();
        Duration connectTimeout = Duration.ofSeconds(2);
        Duration readTimeout = Duration.ofSeconds(5);
        long maxResponseBytes = 16L * 1024 * 1024;
        String instance;
        String job = "haproxy";
        StatusMapping statusMapping = StatusMapping.FIXED;
        Set<String> serverMetricFields = Set.of();
        Set<String> excludedServerStates = Set.of();
        int maxAttempts = 2;
        Duration backoff = Duration.ofMillis(100);
        int failuresToOpen = 5;
        Duration openFor = Duration.ofSeconds(10);
        Clock clock = Clock.systemUTC();
        boolean versionInfo = true;

        private Builder() {
        }

        /**
         * Reads the HTTP or HTTPS stats page, e.g. {@code http://lb1:8404/stats;csv}. When the URI does not contain
         * {@code ;csv}, it is appended (so {@code http://lb1:8404/stats} works too). The URI must not hold user info:
         * use {@link #basicAuth(String, char[])}.
         *
         * @param uri the stats page's URL
         * @return this builder
         * @throws IllegalArgumentException if the scheme is not http/https, the host is missing, the port is empty
         *     ({@code http://lb1:/stats}) or outside 1..65535, or user info is present
         */
        public Builder statsUri(URI uri) {
            Urls.checkHttp("statsUri", uri, "use basicAuth(user, password)");
            clearTransport("statsUri(...)");
            this.statsUri = uri;
            return this;
        }

        /**
         * Reads {@code show stat} from the Runtime API on a unix socket ({@code stats socket /path level ...}).
         *
         * @param unixSocket the path of the Runtime API's unix socket
         * @return this builder
         */
        public Builder runtimeApi(Path unixSocket) {
            Objects.requireNonNull(unixSocket, "unixSocket");
            clearTransport("runtimeApi(path)");
            this.socketPath = unixSocket;
            return this;
        }

        /**
         * Reads {@code show stat} from the Runtime API over TCP ({@code stats socket ipv4@host:port ...}).
         *
         * @param host the host the Runtime API listens on
         * @param port its TCP port
         * @return this builder
         * @throws IllegalArgumentException if the port is outside 1..65535 or the host is empty
         */
        public Builder runtimeApi(String host, int port) {
            Objects.requireNonNull(host, "host");
            if (host.isEmpty()) {
                throw new IllegalArgumentException("host must not be empty");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1..65535: " + port);
            }
            clearTransport("runtimeApi(host, port)");
            this.tcpHost = host;
            this.tcpPort = port;
            return this;
        }

        /** Forgets the transport chosen before (the same method called again replaces it; see {@link #build}). */
        private void clearTransport(String chosen) {
            transportsChosen.add(chosen);
            statsUri = null;
            socketPath = null;
            tcpHost = null;
        }

        /**
         * Sends HTTP basic authentication ({@code stats auth user:pass}). The password array is copied; clear yours
         * afterwards if you like. Credentials never appear in logs, {@code toString()} or exception messages.
         *
         * @param user the user name
         * @param password the password (copied)
         * @return this builder
         * @throws IllegalArgumentException if the user is empty or contains a colon
         */
        public Builder basicAuth(String user, char[] password) {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (user.isEmpty() || user.indexOf(':') >= 0) {
                throw new IllegalArgumentException("basic auth user must be non-empty and contain no ':'");
            }
            char[] joined = new char[user.length() + 1 + password.length];
            user.getChars(0, user.length(), joined, 0);
            joined[user.length()] = ':';
            System.arraycopy(password, 0, joined, user.length() + 1, password.length);
            java.nio.ByteBuffer utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(joined));
            byte[] raw = new byte[utf8.remaining()];
            utf8.get(raw);
            Arrays.fill(joined, '\0');
            if (utf8.hasArray()) {
                Arrays.fill(utf8.array(), (byte) 0);
            }
            byte[] b64 = Base64.getEncoder().encode(raw);
            Arrays.fill(raw, (byte) 0);
            byte[] header = new byte[6 + b64.length];
            System.arraycopy("Basic ".getBytes(StandardCharsets.US_ASCII), 0, header, 0, 6);
            System.arraycopy(b64, 0, header, 6, b64.length);
            Arrays.fill(b64, (byte) 0);
            this.authorization = header;
            return this;
        }

        /**
         * Uses this TLS context for {@code https} (its trust managers decide which certificates are accepted).
         *
         * @param context the TLS context
         * @return this builder
         */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Trusts the certificates in this key store for {@code https} (e.g. a self-signed stats certificate).
         *
         * @param trustStore the certificates to trust
         * @return this builder
         */
        public Builder trustStore(KeyStore trustStore) {
            this.trustStore = Objects.requireNonNull(trustStore, "trustStore");
            return this;
        }

        /**
         * Accepts any certificate and host name for {@code https}. Only for tests or trusted networks: it allows
         * man-in-the-middle attacks. A warning is logged when the source is built.
         *
         * @return this builder
         */
        public Builder insecureSkipTlsVerify() {
            this.insecure = true;
            return this;
        }

        /**
         * Sets the TCP connect timeout (default 2 s).
         *
         * @param timeout the connect timeout, positive
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * Sets the deadline for the whole exchange after connecting: TLS handshake, request and the complete
         * response (default 5 s), which is parsed and mapped as it arrives, so the deadline covers that too (about
         * 15 ms for a 4 MB CSV). A server that answers slowly, byte by byte, is cut off at this deadline.
         *
         * @param timeout the deadline, positive
         * @return this builder
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /**
         * Sets the largest response body accepted (default 16 MiB); a larger one is aborted and the scrape fails.
         *
         * @param bytes the largest body accepted, positive
         * @return this builder
         */
        public Builder maxResponseBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxResponseBytes must be positive: " + bytes);
            }
            this.maxResponseBytes = bytes;
            return this;
        }

        /**
         * Sets the {@code instance} label (default {@code host:port}, or the socket path).
         *
         * @param instance the {@code instance} label, non-empty
         * @return this builder
         */
        public Builder instance(String instance) {
            this.instance = nonEmpty(instance, "instance");
            return this;
        }

        /**
         * Sets the {@code job} label (default {@code haproxy}).
         *
         * @param job the {@code job} label, non-empty
         * @return this builder
         */
        public Builder job(String job) {
            this.job = nonEmpty(job, "job");
            return this;
        }

        /**
         * Sets how status strings map to {@code haproxy_*_up} (default {@link StatusMapping#FIXED}).
         *
         * @param mapping the status mapping
         * @return this builder
         */
        public Builder statusMapping(StatusMapping mapping) {
            this.statusMapping = Objects.requireNonNull(mapping, "mapping");
            return this;
        }

        /**
         * Exports only these server CSV columns (by header name, e.g. {@code "status", "scur"}, or by column number
         * as the exporter's {@code --haproxy.server-metric-fields} takes them, e.g. {@code "17"} for {@code status}).
         * Default: all. A name must be a HAProxy CSV column, or {@link #build()} fails: a typo would silently drop
         * the metric, and the rules that read it would never fire.
         *
         * @param csvColumns the server CSV column names (or numbers) to export
         * @return this builder
         */
        public Builder serverMetricFields(String... csvColumns) {
            this.serverMetricFields = copy(csvColumns, "csvColumns");
            return this;
        }

        /**
         * Drops the series of server rows whose status is exactly one of these strings (e.g.
         * {@code "MAINT (resolution)"} for the spare slots of a server-template, {@code "MAINT"} for servers parked in
         * maintenance), like the exporter's {@code --haproxy.server-exclude-states}. Default: none.
         * The backend aggregates ({@code haproxy_backend_servers_total}, {@code haproxy_backend_servers{state}}) still
         * count them, so a backend of parked servers is still seen as all in maintenance.
         *
         * @param states the server statuses to drop
         * @return this builder
         */
        public Builder excludeServerStates(String... states) {
            this.excludedServerStates = copy(states, "states");
            return this;
        }

        /**
         * Sets the retry: at most {@code maxAttempts} attempts per scrape (1 = no retry; default 2), the first retry
         * after {@code backoff} (default 100 ms), doubling after that. Only failures that a retry may cure are
         * retried: refused or reset connections, HTTP 5xx. Timeouts, HTTP 4xx, redirects, oversized responses are
         * not. All attempts and waits of one scrape share one budget, {@link #connectTimeout} plus
         * {@link #readTimeout} (7 s by default): a retry is made only when its wait leaves at least 100 ms of it,
         * and no attempt runs past it, so reading the statistics never takes longer than the budget whatever is
         * asked here (a Runtime API transport's {@code show info}, asked at the first scrape and after a failure, gets
         * only what is left of the same budget; a failed one is asked again after 30 s, the wait doubling up to 10
         * minutes while it keeps failing).
         *
         * @param maxAttempts attempts per scrape, at least 1
         * @param backoff the delay before the first retry, positive
         * @return this builder
         */
        public Builder retry(int maxAttempts, Duration backoff) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            this.backoff = positive(backoff, "backoff");
            return this;
        }

        /**
         * Sets the circuit breaker: after {@code consecutiveFailures} failed scrapes in a row (default 5) it opens for
         * {@code openFor} (default 10 s), during which {@link #collect()} fails at once without contacting HAProxy;
         * then one trial scrape decides whether it closes again. While it is open a HAProxy that came back is not
         * seen: its {@code haproxy_up} stays 0 and its alerts stay held for up to {@code openFor}. For the fastest
         * recovery, set {@code openFor} to the evaluation interval (as {@code tocsin watch} does): at most one
         * evaluation then skips the read.
         *
         * @param consecutiveFailures failed scrapes in a row that open the circuit, at least 1
         * @param openFor how long the circuit stays open, positive
         * @return this builder
         */
        public Builder circuitBreaker(int consecutiveFailures, Duration openFor) {
            if (consecutiveFailures < 1) {
                throw new IllegalArgumentException("consecutiveFailures must be at least 1: " + consecutiveFailures);
            }
            this.failuresToOpen = consecutiveFailures;
            this.openFor = positive(openFor, "openFor");
            return this;
        }

        /**
         * Turns the circuit breaker off: every scrape contacts HAProxy.
         *
         * @return this builder
         */
        public Builder noCircuitBreaker() {
            this.failuresToOpen = 0;
            return this;
        }

        /**
         * Whether to read {@code show info} for {@code haproxy_version_info} on Runtime API transports (default on).
         *
         * @param enabled whether to read {@code show info}
         * @return this builder
         */
        public Builder versionInfo(boolean enabled) {
            this.versionInfo = enabled;
            return this;
        }

        /**
         * Sets the clock the circuit breaker measures its open time with, and the wait before a failed {@code show info}
         * is asked again (default system UTC; for tests).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Returns the source.
         *
         * @return the source
         * @throws IllegalStateException if no transport was chosen or two different ones were, or TLS or basic-auth settings contradict the
         *     transport (basic auth or TLS settings on a Runtime API, TLS settings on plain http, two TLS settings)
         */
        public HaproxySource build() {
            if (statsUri == null && socketPath == null && tcpHost == null) {
                throw new IllegalStateException("choose a transport: statsUri(...) or runtimeApi(...)");
            }
            if (transportsChosen.size() > 1) {
                throw new IllegalStateException("choose one transport: " + String.join(" and ", transportsChosen)
                        + " were both given");
            }
            int tlsSettings = (sslContext != null ? 1 : 0) + (trustStore != null ? 1 : 0) + (insecure ? 1 : 0);
            if (tlsSettings > 1) {
                throw new IllegalStateException("give at most one of sslContext, trustStore, insecureSkipTlsVerify");
            }
            boolean https = statsUri != null && "https".equalsIgnoreCase(statsUri.getScheme());
            if (tlsSettings > 0 && !https) {
                throw new IllegalStateException("TLS settings need an https statsUri");
            }
            if (authorization != null && statsUri == null) {
                throw new IllegalStateException("basicAuth applies to the HTTP stats page only, not the Runtime API");
            }
            StatsTransport transport;
            if (statsUri != null) {
                transport = new HttpStatsTransport(statsUri, authorization, https ? socketFactory() : null,
                        !insecure, connectTimeout, readTimeout, maxResponseBytes);
            } else if (socketPath != null) {
                transport = RuntimeApiTransport.unix(socketPath, connectTimeout, readTimeout, maxResponseBytes);
            } else {
                transport = RuntimeApiTransport.tcp(tcpHost, tcpPort, connectTimeout, readTimeout, maxResponseBytes);
            }
            if (authorization != null) {
                Urls.warnIfCleartext(DefaultHaproxySource.LOG, statsUri, "basic auth", transport.describe());
            }
            if (insecure) {
                DefaultHaproxySource.LOG.warn("TLS verification is OFF for {}: any certificate is accepted", transport.describe());
            }
            return new DefaultHaproxySource(this, transport);
        }

        private SSLSocketFactory socketFactory() {
            try {
                if (sslContext != null) {
                    return sslContext.getSocketFactory();
                }
                if (trustStore != null) {
                    TrustManagerFactory tmf = TrustManagerFactory.getInstance(
                            TrustManagerFactory.getDefaultAlgorithm());
                    tmf.init(trustStore);
                    SSLContext ctx = SSLContext.getInstance("TLS");
                    ctx.init(null, tmf.getTrustManagers(), null);
                    return ctx.getSocketFactory();
                }
                if (insecure) {
                    SSLContext ctx = SSLContext.getInstance("TLS");
                    ctx.init(null, new TrustManager[] {new TrustAll()}, null);
                    return ctx.getSocketFactory();
                }
                return SSLContext.getDefault().getSocketFactory();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
            }
        }

        String defaultInstance() {
            if (statsUri != null) {
                boolean https = "https".equalsIgnoreCase(statsUri.getScheme());
                int port = statsUri.getPort() == -1 ? (https ? 443 : 80) : statsUri.getPort();
                return statsUri.getHost() + ":" + port;
            }
            if (socketPath != null) {
                return socketPath.toString();
            }
            return tcpHost + ":" + tcpPort;
        }

        private static Set<String> copy(String[] values, String what) {
            Objects.requireNonNull(values, what);
            Set<String> s = new LinkedHashSet<>();
            for (String v : values) {
                s.add(Objects.requireNonNull(v, what + " element"));
            }
            return Set.copyOf(s);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }

        private static String nonEmpty(String s, String what) {
            Objects.requireNonNull(s, what);
            if (s.isEmpty()) {
                throw new IllegalArgumentException(what + " must not be empty");
            }
            return s;
        }

        /** Accepts every certificate; used only after an explicit {@link Builder#insecureSkipTlsVerify()}. */
        private static final class TrustAll extends X509ExtendedTrustManager {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }

    }
}
