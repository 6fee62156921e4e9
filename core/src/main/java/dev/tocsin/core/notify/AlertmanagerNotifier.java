package dev.tocsin.core.notify;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Notification;
import dev.tocsin.core.Notifier;
import dev.tocsin.core.internal.Urls;
import dev.tocsin.core.internal.notify.AlertmanagerDispatcher;
import dev.tocsin.core.internal.notify.DeliverySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Sends alerts to one or more Alertmanagers ({@code POST /api/v2/alerts}) exactly as Prometheus does: FIRING and
 * RESOLVED alerts only, when they change and again whenever their last send is older than the resend delay;
 * {@code startsAt} is when the alert fired, {@code endsAt} when it resolved or, while it fires,
 * {@code now + 4 * max(evaluation interval, resend delay)}. Every alert goes to every Alertmanager, in batches of at
 * most 256, each Alertmanager on its own thread and bounded queue, with retries and a circuit breaker of its own, so
 * that one Alertmanager being down never delays another.
 *
 * <pre>{@code
 * Notifier am = AlertmanagerNotifier.builder()
 *         .url(URI.create("http://am1:9093"))
 *         .url(URI.create("http://am2:9093"))
 *         .externalLabels(Labels.of("cluster", "eu1"))
 *         .build();
 * }</pre>
 *
 * <p>{@link #accept(Notification)} never blocks and never throws. See {@code docs/notifications.md} for every option,
 * the payload and the delivery guarantees.
 */
public final class AlertmanagerNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerNotifier.class);

    private final AlertmanagerDispatcher dispatcher;
    private final List<URI> urls;
    private final boolean credentials;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean warnedClosed = new AtomicBoolean();

    private AlertmanagerNotifier(Builder b) {
        this.urls = List.copyOf(b.urls);
        this.credentials = b.settings.hasCredentials();
        this.dispatcher = new AlertmanagerDispatcher(urls, b.settings, b.resendDelay, b.externalLabels,
                b.generatorUrl);
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
     * Returns a notifier for these Alertmanagers with every default.
     *
     * @param alertmanagers the Alertmanagers' base URLs
     * @return the notifier, its delivery threads started
     * @throws IllegalArgumentException if no URL is given or one is not a valid http(s) URL
     */
    public static AlertmanagerNotifier to(URI... alertmanagers) {
        java.util.Objects.requireNonNull(alertmanagers, "alertmanagers");
        Builder b = builder();
        for (URI u : alertmanagers) {
            b.url(u);
        }
        return b.build();
    }

    /** Queues the alerts due for sending; returns at once. Never throws. After {@link #close()}: nothing (WARN once). */
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
            LOG.error("Alertmanager notifier failed to handle an evaluation's notification", e);
        }
    }

    /**
     * Returns the counters (unit: one alert to one Alertmanager), summed over every Alertmanager.
     *
     * @return a snapshot of the counters
     */
    public NotifierStats stats() {
        long[] t = dispatcher.totals();
        return new NotifierStats(t[0], t[1], t[2], t[3]);
    }

    /**
     * Flushes what is queued to every Alertmanager, in parallel, within the flush timeout; what is left is counted as
     * dropped. Idempotent, never throws.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                dispatcher.close();
            } catch (RuntimeException e) {
                LOG.error("Error while closing the Alertmanager notifier", e);
            }
        }
    }

    /** Returns the Alertmanager URLs; never credentials. */
    @Override
    public String toString() {
        return "AlertmanagerNotifier[" + urls.stream().map(AlertmanagerDispatcher::describe)
                .collect(Collectors.joining(", ")) + (credentials ? ", credentials set" : "") + "]";
    }

    /**
     * Configures an {@link AlertmanagerNotifier}. Defaults: resend delay 1 minute, no external labels, no generator
     * URL, timeout 10 s, 3 attempts with backoff 500 ms doubling up to 5 s, circuit breaker opening at 50 % failures
     * over the last 10 calls (at least 5) for 5 s, queue of 10,000 alerts per Alertmanager, flush timeout 5 s, no
     * credentials, the JVM's default TLS context (certificates verified).
     */
    public static final class Builder extends HttpNotifierBuilder<Builder> {
        private final List<URI> urls = new ArrayList<>();
        private Duration resendDelay = Duration.ofMinutes(1);

        private Builder() {
            super(10_000);
        }

        /**
         * Adds an Alertmanager by its base URL, e.g. {@code http://am:9093} (alerts go to {@code /api/v2/alerts}
         * appended to its path, before a query; a path already ending in it is kept). Credentials go in
         * {@link #basicAuth} or {@link #bearerToken}, not in the URL.
         *
         * @param alertmanager the Alertmanager's base URL
         * @return this builder
         * @throws IllegalArgumentException if not an http(s) URL with a host, if its port is empty or outside
         *     1..65535, if it holds user info, or if the same Alertmanager was added already (every alert would go
         *     to it twice)
         */
        public Builder url(URI alertmanager) {
            URI checked = Targets.check("url", alertmanager);
            URI api = dev.tocsin.core.internal.notify.AlertmanagerDispatcher.apiUri(checked);
            for (URI u : urls) {
                if (dev.tocsin.core.internal.notify.AlertmanagerDispatcher.apiUri(u).equals(api)) {
                    throw new IllegalArgumentException("url: Alertmanager "
                            + dev.tocsin.core.internal.notify.AlertmanagerDispatcher.describe(checked)
                            + " is given twice (every alert would be sent to it twice)");
                }
            }
            urls.add(checked);
            return this;
        }

        /**
         * Sets the resend delay (default 1 minute): alerts are re-sent when their last send is older.
         *
         * @param resendDelay the resend delay, positive
         * @return this builder
         */
        public Builder resendDelay(Duration resendDelay) {
            this.resendDelay = DeliverySettings.positive("resendDelay", resendDelay);
            return this;
        }

        /**
         * Returns the notifier; its delivery threads (one per Alertmanager) start at once.
         *
         * @return the notifier
         * @throws IllegalArgumentException if no URL was given or an option is out of range
         * @throws IllegalStateException if an {@code sslContext} was given and no URL is https
         */
        public AlertmanagerNotifier build() {
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("AlertmanagerNotifier needs at least one url");
            }
            if (settings.sslContext != null && urls.stream().noneMatch(u -> "https".equalsIgnoreCase(u.getScheme()))) {
                throw new IllegalStateException("sslContext applies to https URLs, and every url is http");
            }
            settings.validate();
            String credentials = settings.credentialsKind();
            if (credentials != null) {
                for (URI u : urls) {
                    Urls.warnIfCleartext(LOG, u, credentials, Urls.describe(u));
                }
            }
            return new AlertmanagerNotifier(this);
        }
    }
}
