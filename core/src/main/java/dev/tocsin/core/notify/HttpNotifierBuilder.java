package dev.tocsin.core.notify;

import dev.tocsin.core.Labels;
import dev.tocsin.core.internal.notify.DeliverySettings;
import dev.tocsin.core.internal.notify.Transport;

import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.Objects;

/**
 * The delivery options shared by the HTTP notifiers ({@link AlertmanagerNotifier.Builder} and
 * {@link WebhookNotifier.Builder}): labels and URLs put in the payload, credentials, TLS, timeout, retry, circuit
 * breaker, queue and flush. Defaults are given by each notifier's builder. A setter refuses its argument at once: a
 * {@code null} with a {@link NullPointerException} naming it, a value out of range with an
 * {@link IllegalArgumentException} naming the option; contradictory settings fail in {@code build()} with an
 * {@link IllegalStateException}.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class HttpNotifierBuilder<B extends HttpNotifierBuilder<B>> {

    final DeliverySettings settings;
    Labels externalLabels = Labels.empty();
    String generatorUrl = "";

    HttpNotifierBuilder(int defaultQueueCapacity) {
        this.settings = new DeliverySettings(defaultQueueCapacity);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * Sets labels added to every alert that does not have them already (default none).
     *
     * @param externalLabels the labels to add
     * @return this builder
     */
    public B externalLabels(Labels externalLabels) {
        this.externalLabels = Objects.requireNonNull(externalLabels, "externalLabels");
        return self();
    }

    /**
     * Sets every alert's {@code generatorURL} (default empty: the field is left out).
     *
     * @param generatorUrl the {@code generatorURL}; empty to leave the field out
     * @return this builder
     */
    public B generatorUrl(String generatorUrl) {
        this.generatorUrl = Objects.requireNonNull(generatorUrl, "generatorUrl");
        return self();
    }

    /**
     * Uses HTTP basic authentication (not together with {@link #bearerToken}: that is an {@link IllegalStateException};
     * the user must be non-empty and without ':'). The password is never logged nor shown by {@code toString()}.
     *
     * @param user the user name
     * @param password the password
     * @return this builder
     */
    public B basicAuth(String user, String password) {
        settings.basicAuth(user, password);
        return self();
    }

    /**
     * Uses a bearer token ({@code Authorization: Bearer ...}; not together with {@link #basicAuth}: that is an
     * {@link IllegalStateException}). Never logged nor shown.
     *
     * @param token the bearer token
     * @return this builder
     */
    public B bearerToken(String token) {
        settings.bearerToken(token);
        return self();
    }

    /**
     * Sets the TLS context for https URLs (default: the JVM default, which verifies certificates). {@code build()}
     * throws an {@link IllegalStateException} when no URL is https: the context would never be used.
     *
     * @param sslContext the TLS context
     * @return this builder
     */
    public B sslContext(SSLContext sslContext) {
        settings.sslContext = Objects.requireNonNull(sslContext, "sslContext");
        return self();
    }

    /**
     * Sets the timeout of one request, connect to last byte of the answer (default 10 s).
     *
     * @param timeout the timeout, positive
     * @return this builder
     */
    public B timeout(Duration timeout) {
        settings.timeout = DeliverySettings.positive("timeout", timeout);
        return self();
    }

    /**
     * Sets the attempts per request, the first one included (default 3; 1 disables retries).
     *
     * @param maxAttempts attempts per request, at least 1
     * @return this builder
     */
    public B maxAttempts(int maxAttempts) {
        settings.maxAttempts = DeliverySettings.atLeastOne("maxAttempts", maxAttempts);
        return self();
    }

    /**
     * Sets the retry backoff: {@code initial}, multiplied by {@code multiplier} after each attempt, at most
     * {@code max} (default 500 ms, 2, 5 s).
     *
     * @param initial the first backoff, positive
     * @param multiplier the factor applied after each attempt, a finite number of at least 1
     * @param max the longest backoff, positive and not shorter than {@code initial}
     * @return this builder
     */
    public B backoff(Duration initial, double multiplier, Duration max) {
        DeliverySettings.positive("backoff initial", initial);
        DeliverySettings.multiplier(multiplier);
        DeliverySettings.positive("backoff max", max);
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff max " + max + " is shorter than initial " + initial);
        }
        settings.initialBackoff = initial;
        settings.backoffMultiplier = multiplier;
        settings.maxBackoff = max;
        return self();
    }

    /**
     * Configures the circuit breaker of each target: it opens when {@code failureRatePercent} of the last
     * {@code window} calls failed (connection errors, timeouts, 5xx, 408, 429; measured once at least
     * {@code min(5, window)} calls were made), and then rejects calls for {@code openDuration} (default 50 %, 10 calls,
     * 5 s): the delivery thread waits for that period to pass, then sends one trial request.
     *
     * @param failureRatePercent the failure rate that opens the circuit, in (0, 100]
     * @param window the number of calls the rate is measured over, at least 1
     * @param openDuration how long the circuit stays open, positive
     * @return this builder
     */
    public B circuitBreaker(float failureRatePercent, int window, Duration openDuration) {
        DeliverySettings.failureRate(failureRatePercent);
        DeliverySettings.atLeastOne("circuitWindow", window);
        settings.circuitOpenDuration = DeliverySettings.positive("circuit breaker openDuration", openDuration);
        settings.circuitFailureRate = failureRatePercent;
        settings.circuitWindow = window;
        return self();
    }

    /**
     * Sets the queue capacity of each target; when full the oldest entry is dropped (and counted).
     *
     * @param capacity the entries each target's queue holds, at least 1
     * @return this builder
     */
    public B queueCapacity(int capacity) {
        settings.queueCapacity = DeliverySettings.atLeastOne("queueCapacity", capacity);
        return self();
    }

    /**
     * Sets how long {@code close()} may take to flush queued deliveries (default 5 s).
     *
     * @param flushTimeout the flush timeout, positive
     * @return this builder
     */
    public B flushTimeout(Duration flushTimeout) {
        settings.flushTimeout = DeliverySettings.positive("flushTimeout", flushTimeout);
        return self();
    }

    /** Replaces the HTTP transport (tests). */
    B transport(Transport transport) {
        settings.transport = Objects.requireNonNull(transport, "transport");
        return self();
    }
}
