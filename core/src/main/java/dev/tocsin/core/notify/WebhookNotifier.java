package dev.tocsin.core.notify;

import dev.tocsin.core.Notification;
import dev.tocsin.core.Notifier;
import dev.tocsin.core.internal.Urls;
import dev.tocsin.core.internal.notify.DeliveryStats;
import dev.tocsin.core.internal.notify.WebhookDispatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * POSTs JSON in Alertmanager's webhook format (version 4) to a URL, so that existing webhook receivers work without
 * an Alertmanager in between. Each evaluation sends one message per rule and status for the alerts that went FIRING,
 * and one per rule for those that RESOLVED ({@link Builder#sendResolved(boolean)}); PENDING is never sent and nothing
 * is repeated. Each alert carries a structured {@code runbook} object when its rule has one.
 *
 * <p>Delivery runs on one thread with a bounded queue, retries with backoff and a circuit breaker;
 * {@link #accept(Notification)} never blocks and never throws. See {@code docs/notifications.md}.
 */
public final class WebhookNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);

    private final WebhookDispatcher dispatcher;
    private final URI url;
    private final boolean credentials;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean warnedClosed = new AtomicBoolean();

    private WebhookNotifier(Builder b) {
        this.url = b.url;
        this.credentials = b.settings.hasCredentials();
        this.dispatcher = new WebhookDispatcher(b.url, b.settings,
                new WebhookDispatcher.Format(b.receiver, b.externalUrl, b.externalLabels, b.generatorUrl,
                        b.includeRunbook, b.includeContext), b.sendResolved, b.maxAlerts);
    }

    /**
     * Returns a new builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a notifier posting to {@code url} with every default.
     *
     * @param url the webhook URL
     * @return the notifier, its delivery thread started
     * @throws IllegalArgumentException if not a valid http(s) URL
     */
    public static WebhookNotifier to(URI url) {
        return builder().url(url).build();
    }

    /** Queues this evaluation's messages; returns at once. Never throws. After {@link #close()}: nothing (WARN once). */
    @Override
    public synchronized void accept(Notification notification) {
        if (closed.get()) {
            // an evaluator still running with a notifier another one closed (one builder built both): say so once
            if (warnedClosed.compareAndSet(false, true)) {
                LOG.warn("{} is closed: the notifications of the evaluations that still call it are not sent (a"
                        + " notifier belongs to one evaluator, whose close() closes it)", this);
            }
            return;
        }
        try {
            dispatcher.accept(notification);
        } catch (RuntimeException e) {
            LOG.error("Webhook notifier failed to handle an evaluation's notification", e);
        }
    }

    /**
     * Returns the counters (unit: one webhook message).
     *
     * @return a snapshot of the counters
     */
    public NotifierStats stats() {
        DeliveryStats s = dispatcher.worker().stats();
        return new NotifierStats(s.sent.sum(), s.failed.sum(), s.dropped.sum(), s.retried.sum());
    }

    /** Flushes queued messages within the flush timeout; what is left is counted as dropped. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                dispatcher.close();
            } catch (RuntimeException e) {
                LOG.error("Error while closing the webhook notifier", e);
            }
        }
    }

    /** Returns the URL without user info or query; never credentials. */
    @Override
    public String toString() {
        return "WebhookNotifier[" + Urls.describeOrigin(url) + (credentials ? ", credentials set" : "")
                + "]";
    }

    /**
     * Configures a {@link WebhookNotifier}. Defaults: receiver {@code tocsin}, empty external URL and generator URL,
     * no external labels, resolved messages sent, runbook and context included, at most 256 alerts per message,
     * timeout 10 s, 3 attempts with backoff 500 ms doubling up to 5 s, circuit breaker 50 % of 10 calls for 5 s,
     * queue of 1,000 messages, flush timeout 5 s, no credentials, JVM default TLS.
     */
    public static final class Builder extends HttpNotifierBuilder<Builder> {
        private URI url;
        private String receiver = "tocsin";
        private String externalUrl = "";
        private boolean sendResolved = true;
        private boolean includeRunbook = true;
        private boolean includeContext = true;
        private int maxAlerts = 256;

        private Builder() {
            super(1_000);
        }

        /**
         * Sets the URL to POST to (required). Credentials go in {@link #basicAuth} or {@link #bearerToken}.
         *
         * @param url the webhook URL
         * @return this builder
         * @throws IllegalArgumentException if not an http(s) URL with a host, if its port is empty or outside
         *     1..65535, or if it holds user info
         */
        public Builder url(URI url) {
            this.url = Targets.check("url", url);
            return this;
        }

        /**
         * Sets the {@code receiver} field (default {@code tocsin}).
         *
         * @param receiver the {@code receiver} value
         * @return this builder
         */
        public Builder receiver(String receiver) {
            this.receiver = Objects.requireNonNull(receiver, "receiver");
            return this;
        }

        /**
         * Sets the {@code externalURL} field (default empty).
         *
         * @param externalUrl the {@code externalURL} value
         * @return this builder
         */
        public Builder externalUrl(String externalUrl) {
            this.externalUrl = Objects.requireNonNull(externalUrl, "externalUrl");
            return this;
        }

        /**
         * Whether resolutions are sent, like Alertmanager's {@code send_resolved} (default {@code true}).
         *
         * @param sendResolved whether to send resolutions
         * @return this builder
         */
        public Builder sendResolved(boolean sendResolved) {
            this.sendResolved = sendResolved;
            return this;
        }

        /**
         * Whether each alert carries its rule's runbook as a {@code runbook} object (default {@code true}).
         *
         * @param includeRunbook whether to include the runbook
         * @return this builder
         */
        public Builder includeRunbook(boolean includeRunbook) {
            this.includeRunbook = includeRunbook;
            return this;
        }

        /**
         * Whether each alert carries {@link dev.tocsin.core.Alert#context()} as a {@code context} object (default
         * {@code true}).
         *
         * @param includeContext whether to include the context
         * @return this builder
         */
        public Builder includeContext(boolean includeContext) {
            this.includeContext = includeContext;
            return this;
        }

        /**
         * Sets the most alerts in one message (default 256); larger groups are split.
         *
         * @param maxAlerts the most alerts per message, at least 1
         * @return this builder
         */
        public Builder maxAlertsPerMessage(int maxAlerts) {
            if (maxAlerts < 1) {
                throw new IllegalArgumentException("maxAlertsPerMessage must be at least 1: " + maxAlerts);
            }
            this.maxAlerts = maxAlerts;
            return this;
        }

        /**
         * Returns the notifier; its delivery thread starts at once.
         *
         * @return the notifier
         * @throws IllegalArgumentException if no URL was set or an option is out of range
         * @throws IllegalStateException if an {@code sslContext} was given and the URL is http
         */
        public WebhookNotifier build() {
            if (url == null) {
                throw new IllegalArgumentException("WebhookNotifier needs a url");
            }
            if (settings.sslContext != null && !"https".equalsIgnoreCase(url.getScheme())) {
                throw new IllegalStateException("sslContext applies to https URLs, and the url is http");
            }
            settings.validate();
            String credentials = settings.credentialsKind();
            if (credentials != null) {
                Urls.warnIfCleartext(LOG, url, credentials, Urls.describeOrigin(url));
            }
            return new WebhookNotifier(this);
        }
    }
}
