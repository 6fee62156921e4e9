package dev.tocsin.core.source;

import dev.tocsin.core.MetricInterest;
import dev.tocsin.core.MetricSource;
import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.source.HttpScraper;
import dev.tocsin.core.internal.source.PromTextParser;
import dev.tocsin.core.internal.source.ScrapeLabels;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Scrapes any HTTP(S) endpoint that serves the Prometheus text exposition format (version 0.0.4), for example
 * HAProxy's built-in exporter ({@code http-request use-service prometheus-exporter}), a node exporter or another
 * application's {@code /metrics}.
 *
 * <pre>{@code
 * MetricSource haproxy = PrometheusTextSource.builder(URI.create("http://127.0.0.1:8405/metrics"))
 *         .job("haproxy")
 *         .build();
 * }</pre>
 *
 * <p>It behaves like one Prometheus scrape target: its health series is {@code up} (1 after a successful scrape, 0
 * after a failed one), and the evaluator adds {@code instance} (default {@code host:port} of the URI) and {@code job}
 * to every sample. As with Prometheus's default {@code honor_labels: false}, a scraped sample that already carries
 * {@code instance} or {@code job} keeps that value as {@code exported_instance} / {@code exported_job} (prefixed again
 * while the name is taken); with {@link Builder#honorLabels(boolean) honorLabels(true)} the scraped values win.
 *
 * <p>A scrape fails (and {@code up} becomes 0) on a connection error, a non-200 status (redirects are not followed), a
 * response that is not complete within the read timeout, a response larger than the size cap, and a response that is
 * not valid text format: the first malformed line fails the whole scrape, as in Prometheus, with a
 * {@link PrometheusTextFormatException} naming its line and column. Samples whose series repeats an earlier one in the
 * same response are dropped (the first one is kept), as Prometheus drops them. Timestamps in the response are checked
 * but not used: every sample counts as read at the evaluation (1 ms before it, as every live source's).
 *
 * <p>Credentials (basic auth, bearer token) are sent only in the {@code Authorization} header and never appear in
 * {@link #toString()}, logs or exception messages. TLS certificates and host names are verified with the JVM's
 * default trust store unless {@link Builder#sslContext(SSLContext)} supplies another context. Thread-safe: scrapes
 * are serialized.
 */
public final class PrometheusTextSource implements MetricSource {

    private final URI uri;
    private final String described;
    private final String instance;
    private final String job;
    private final boolean honorLabels;
    private final String authKind;
    private final HttpScraper scraper;
    private final int sampleLimit;

    private PrometheusTextSource(Builder b) {
        this.uri = b.uri;
        this.described = describe(b.uri);
        this.instance = b.instance != null ? b.instance : hostPort(b.uri);
        this.job = b.job;
        this.honorLabels = b.honorLabels;
        this.sampleLimit = b.sampleLimit;
        this.authKind = b.authKind;
        this.scraper = new HttpScraper(b.uri, described, b.connectTimeout, b.readTimeout, b.maxResponseBytes,
                b.authorization, b.sslContext);
    }

    /**
     * Starts building a source for the given {@code http} or {@code https} URI.
     *
     * @param uri the endpoint, e.g. {@code http://host:9100/metrics}
     * @return a new builder
     * @throws IllegalArgumentException if the URI is not absolute http(s) with a host and a port in 1..65535 (when
     *     given), or carries user info (use {@link Builder#basicAuth(String, char[])})
     */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /** Returns the {@code instance} label value: as configured, or the URI's {@code host:port}. */
    @Override
    public String instance() {
        return instance;
    }

    /** Returns the {@code job} label value. */
    @Override
    public String job() {
        return job;
    }

    /** Returns {@code up}, as Prometheus names a scrape target's health. */
    @Override
    public String healthMetric() {
        return "up";
    }

    /**
     * Scrapes the endpoint once and returns its samples.
     *
     * @throws IOException if the endpoint cannot be read (connection, status, timeout, size), with a message that
     *     names the URI (without its query's values) and never a credential
     * @throws PrometheusTextFormatException if the response is not valid text format
     */
    @Override
    public List<Sample> collect() throws IOException {
        return collect(MetricInterest.all());
    }

    /**
     * Scrapes the endpoint once and returns the samples of the metric names {@code interest} includes. The whole
     * response is still checked: malformed text fails the scrape whichever metric it concerns.
     *
     * @throws IOException if the endpoint cannot be read (connection, status, timeout, size), with a message that
     *     names the URI (without its query's values) and never a credential
     * @throws PrometheusTextFormatException if the response is not valid text format
     */
    @Override
    public synchronized List<Sample> collect(MetricInterest interest) throws IOException {
        Objects.requireNonNull(interest, "interest");
        byte[] body = scraper.fetch();
        PromTextParser.Result parsed;
        try {
            parsed = PromTextParser.parse("metrics from " + described, body, sampleLimit);
        } catch (PromTextParser.SampleLimitExceeded e) {
            // as Prometheus' sample_limit: the whole scrape fails, up goes to 0
            throw new IOException("metrics from " + described + ": " + e.getMessage() + " (sampleLimit)");
        }
        List<Sample> samples = parsed.samples();
        if (!interest.isAll()) {
            List<Sample> wanted = new ArrayList<>();
            for (Sample s : samples) {
                if (interest.includes(s.labels().metricName())) {
                    wanted.add(s);
                }
            }
            samples = wanted;
        }
        return ScrapeLabels.apply(samples, honorLabels, instance, job);
    }

    /** Describes the source without credentials or the URI's query. */
    @Override
    public String toString() {
        return "PrometheusTextSource[" + described + ", instance=" + instance + ", job=" + job
                + (authKind == null ? "" : ", " + authKind) + "]";
    }

    static String describe(URI uri) {
        return dev.tocsin.core.internal.Urls.describe(uri);
    }

    static String hostPort(URI uri) {
        int port = uri.getPort();
        if (port < 0) {
            port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        }
        String host = uri.getHost();
        return host + ":" + port;
    }

    /**
     * Builds a {@link PrometheusTextSource}. Defaults: instance {@code host:port} of the URI, connect timeout 2 s,
     * read timeout 5 s (the whole response, from sending the request to its last byte), response cap 16 MiB, no
     * authentication, TLS verified with the JVM's default trust store, {@code honorLabels(false)}. {@link #job(String)}
     * is required.
     */
    public static final class Builder {
        private final URI uri;
        private String instance;
        private String job;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration readTimeout = Duration.ofSeconds(5);
        private long maxResponseBytes = 16L << 20;
        private int sampleLimit;
        private char[] authorization;
        private String authKind;
        private SSLContext sslContext;
        private boolean honorLabels;

        private Builder(URI uri) {
            // the checks every http(s) target of Tocsin gets (user info refused: use basicAuth(user, password))
            this.uri = dev.tocsin.core.internal.Urls.checkHttp("uri", uri,
                    "use basicAuth(user, password) or bearerToken(token)");
        }

        /**
         * Sets the {@code instance} label value (default: the URI's {@code host:port}).
         *
         * @param instance the {@code instance} label value, non-empty
         * @return this builder
         */
        public Builder instance(String instance) {
            this.instance = nonEmpty(instance, "instance");
            return this;
        }

        /**
         * Sets the {@code job} label value (required).
         *
         * @param job the {@code job} label value, non-empty
         * @return this builder
         */
        public Builder job(String job) {
            this.job = nonEmpty(job, "job");
            return this;
        }

        /**
         * Sets the TCP (and TLS handshake) connect timeout (default 2 s).
         *
         * @param timeout the connect timeout, positive
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * Sets the deadline for the whole response, from sending the request to receiving its last byte (default
         * 5 s); a slower response fails the scrape.
         *
         * @param timeout the deadline, positive
         * @return this builder
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /**
         * Sets the most samples a scrape may have, as Prometheus' {@code sample_limit} (default 0: no limit): a
         * response with more fails the scrape ({@code up} 0), and parsing stops there. The 16 MiB size cap alone
         * admits about a million short series, which take hundreds of megabytes and seconds to parse.
         *
         * @param samples the most samples accepted, or 0 for no limit
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder sampleLimit(int samples) {
            if (samples < 0) {
                throw new IllegalArgumentException("sampleLimit must not be negative: " + samples);
            }
            this.sampleLimit = samples;
            return this;
        }

        /**
         * Sets the largest accepted response body in bytes (default 16 MiB); a larger one fails the scrape.
         *
         * @param bytes the largest body accepted, positive
         * @return this builder
         */
        public Builder maxResponseBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxResponseBytes must be positive");
            }
            this.maxResponseBytes = bytes;
            return this;
        }

        /**
         * Sends HTTP basic authentication. The password array is copied; clear yours afterwards. Exclusive with
         * {@link #bearerToken(char[])}.
         *
         * @param user the user name
         * @param password the password (copied)
         * @return this builder
         * @throws IllegalArgumentException if the user is empty or contains {@code ':'}
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
            var bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(joined));
            byte[] raw = new byte[bytes.remaining()];
            bytes.get(raw);
            Arrays.fill(joined, '\0');
            String encoded = Base64.getEncoder().encodeToString(raw);
            Arrays.fill(raw, (byte) 0);
            return authorization(("Basic " + encoded).toCharArray(), "basic auth");
        }

        /**
         * Sends {@code Authorization: Bearer <token>}. The array is copied; clear yours afterwards. Exclusive with
         * {@link #basicAuth(String, char[])}.
         *
         * @param token the token (copied), printable ASCII without spaces
         * @return this builder
         */
        public Builder bearerToken(char[] token) {
            Objects.requireNonNull(token, "token");
            if (token.length == 0) {
                throw new IllegalArgumentException("bearer token must not be empty");
            }
            for (char c : token) {
                if (c < 0x21 || c > 0x7e) {
                    throw new IllegalArgumentException("bearer token must be printable ASCII without spaces");
                }
            }
            char[] value = new char[7 + token.length];
            "Bearer ".getChars(0, 7, value, 0);
            System.arraycopy(token, 0, value, 7, token.length);
            return authorization(value, "bearer token");
        }

        private Builder authorization(char[] value, String kind) {
            if (authorization != null) {
                Arrays.fill(value, '\0');
                throw new IllegalStateException("give at most one of basicAuth and bearerToken");
            }
            this.authorization = value;
            this.authKind = kind;
            return this;
        }

        /**
         * Uses this TLS context (trust store, client certificate) for https URIs instead of the JVM default.
         *
         * @param context the TLS context
         * @return this builder
         */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Whether scraped {@code instance} and {@code job} labels win over the source's (Prometheus's
         * {@code honor_labels}); default false: they are kept as {@code exported_instance} / {@code exported_job}.
         *
         * @param honor whether the scraped labels win
         * @return this builder
         */
        public Builder honorLabels(boolean honor) {
            this.honorLabels = honor;
            return this;
        }

        /**
         * Returns the source.
         *
         * @return the source
         * @throws IllegalStateException if no job was set, or an SSL context was given for a plain http URI
         */
        public PrometheusTextSource build() {
            if (job == null) {
                throw new IllegalStateException("job is required");
            }
            if (sslContext != null && !"https".equalsIgnoreCase(uri.getScheme())) {
                throw new IllegalStateException("sslContext applies to https URIs only");
            }
            if (authorization != null) {
                dev.tocsin.core.internal.Urls.warnIfCleartext(org.slf4j.LoggerFactory.getLogger(
                        PrometheusTextSource.class), uri, authKind, dev.tocsin.core.internal.Urls.describe(uri));
            }
            return new PrometheusTextSource(this);
        }

        private static String nonEmpty(String s, String what) {
            Objects.requireNonNull(s, what);
            if (s.isEmpty()) {
                throw new IllegalArgumentException(what + " must not be empty");
            }
            return s;
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }
    }
}
