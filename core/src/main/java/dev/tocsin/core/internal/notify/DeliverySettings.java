package dev.tocsin.core.internal.notify;

import dev.tocsin.core.internal.Redaction;

import javax.net.ssl.SSLContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The delivery options shared by the HTTP notifiers, with their defaults. Mutable; the builders fill it. */
public final class DeliverySettings {

    /** Request timeout for the whole exchange (default 10 s, as Prometheus). */
    public Duration timeout = Duration.ofSeconds(10);
    /** Attempts per batch, first one included (default 3). */
    public int maxAttempts = 3;
    /** First retry backoff (default 500 ms). */
    public Duration initialBackoff = Duration.ofMillis(500);
    /** Backoff multiplier (default 2). */
    public double backoffMultiplier = 2.0;
    /** Longest backoff (default 5 s). */
    public Duration maxBackoff = Duration.ofSeconds(5);
    /** Failure rate in percent over the last calls that opens the circuit (default 50). */
    public float circuitFailureRate = 50f;
    /** Calls in the circuit breaker's sliding window (default 10; at least 5 calls before it may open). */
    public int circuitWindow = 10;
    /** How long an open circuit rejects calls before a probe (default 5 s). */
    public Duration circuitOpenDuration = Duration.ofSeconds(5);
    /** Queue capacity. */
    public int queueCapacity;
    /** How long close() may take to flush (default 5 s). */
    public Duration flushTimeout = Duration.ofSeconds(5);
    /** TLS context, null for the JVM default. */
    public SSLContext sslContext;
    /** The Authorization header value, null for none. Never logged. */
    private String authorization;
    /** The secrets in it, in every form a server might echo back (see {@link #redact}); never logged. */
    private java.util.List<String> secrets = java.util.List.of();
    /** Overrides the HTTP transport (tests, benchmarks). */
    public Transport transport;

    /** Creates settings with the given queue capacity. */
    public DeliverySettings(int queueCapacity) {
        this.queueCapacity = queueCapacity;
    }

    /**
     * Returns what the Authorization header holds, for a warning ("basic auth", "bearer token"), or {@code null}
     * without one. Never the secret itself.
     */
    public String credentialsKind() {
        if (authorization == null) {
            return null;
        }
        return authorization.startsWith("Bearer ") ? "bearer token" : "basic auth";
    }

    /** Sets basic auth. */
    public void basicAuth(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("basic auth user name must not contain ':'");
        }
        if (user.isEmpty()) {
            throw new IllegalArgumentException("basic auth user name must not be empty");
        }
        if (authorization != null && authorization.startsWith("Bearer ")) {
            throw new IllegalStateException("give at most one of basicAuth and bearerToken");
        }
        String encoded = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        authorization = "Basic " + encoded;
        secrets = java.util.List.of(encoded, user + ":" + password, password);
    }

    /** Sets a bearer token. */
    public void bearerToken(String token) {
        Objects.requireNonNull(token, "token");
        if (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("bearer token must be non-empty printable ASCII without spaces");
        }
        if (authorization != null && authorization.startsWith("Basic ")) {
            throw new IllegalStateException("give at most one of basicAuth and bearerToken");
        }
        authorization = "Bearer " + token;
        secrets = java.util.List.of(token);
    }

    /**
     * Returns a server's answer made fit for a log line: the configured credentials (the Authorization header's value,
     * and a basic-auth user:password and password; a server may echo them back) and anything that looks like an
     * Authorization value replaced by {@code <redacted>}, on one line (control characters and line breaks as spaces),
     * at most {@code max} characters.
     */
    public String redact(String text, int max) {
        return Redaction.oneLine(Redaction.credentialLike(Redaction.secrets(text, secrets)), max);
    }

    /** Returns the request headers to add. */
    public Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        if (authorization != null) {
            h.put("Authorization", authorization);
        }
        return h;
    }

    /** Returns whether credentials are configured (for toString, never the value). */
    public boolean hasCredentials() {
        return authorization != null;
    }

    /** Checks every value; throws IllegalArgumentException naming the option. */
    public void validate() {
        positive("timeout", timeout);
        positive("initialBackoff", initialBackoff);
        positive("maxBackoff", maxBackoff);
        positive("circuitOpenDuration", circuitOpenDuration);
        positive("flushTimeout", flushTimeout);
        atLeastOne("maxAttempts", maxAttempts);
        multiplier(backoffMultiplier);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is shorter than initialBackoff "
                    + initialBackoff);
        }
        failureRate(circuitFailureRate);
        atLeastOne("circuitWindow", circuitWindow);
        atLeastOne("queueCapacity", queueCapacity);
    }

    /** Throws unless {@code value} is at least 1, naming the option. */
    public static int atLeastOne(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1: " + value);
        }
        return value;
    }

    /** Throws unless {@code m} is a finite number of at least 1. */
    public static double multiplier(double m) {
        if (!(m >= 1.0) || Double.isInfinite(m)) { // NaN fails the first test
            throw new IllegalArgumentException("backoffMultiplier must be a finite number of at least 1: " + m);
        }
        return m;
    }

    /** Throws unless {@code rate} is in (0, 100]. */
    public static float failureRate(float rate) {
        if (!(rate > 0 && rate <= 100)) {
            throw new IllegalArgumentException("circuitFailureRate must be in (0, 100]: " + rate);
        }
        return rate;
    }

    /** Throws if {@code d} is not strictly positive. */
    public static Duration positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }
}
