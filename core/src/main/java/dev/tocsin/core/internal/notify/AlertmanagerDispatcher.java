package dev.tocsin.core.internal.notify;

import dev.tocsin.core.internal.Urls;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Notification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Prometheus's sending logic for Alertmanager: decides, per evaluation, which FIRING / RESOLVED alerts to (re)send,
 * builds their API v2 form and queues it for every target. One {@link DeliveryWorker} per Alertmanager.
 */
public final class AlertmanagerDispatcher implements AutoCloseable {

    /** Alerts per POST, as Prometheus. */
    public static final int BATCH = 256;
    private static final Logger LOG = LoggerFactory.getLogger("dev.tocsin.core.notify.AlertmanagerNotifier");

    private final List<DeliveryWorker<Labels, AmAlert>> workers = new ArrayList<>();
    private final Transport transport;
    private final boolean ownsTransport;
    private final DeliverySettings settings;
    private final Duration resendDelay;
    private final Labels externalLabels;
    private final String generatorUrl;
    /** Last send per alert identity; touched only by the evaluation thread (accept is not concurrent). */
    private final Map<Labels, Sent> sent = new HashMap<>();
    private long generation;

    private static final class Sent {
        AlertState state;
        Instant firedAt;
        Instant lastSentAt;
        long generation;
        /** When the evaluator last listed the alert. */
        Instant lastSeen;
    }

    /**
     * Creates the dispatcher and starts one worker per target.
     *
     * @param targets the Alertmanager base URLs (without {@code /api/v2/alerts})
     */
    public AlertmanagerDispatcher(List<URI> targets, DeliverySettings settings, Duration resendDelay,
                                  Labels externalLabels, String generatorUrl) {
        settings.validate();
        this.settings = settings;
        this.resendDelay = resendDelay;
        this.externalLabels = externalLabels;
        this.generatorUrl = generatorUrl;
        this.ownsTransport = settings.transport == null;
        this.transport = ownsTransport
                ? new HttpTransport(settings.timeout, settings.sslContext, settings.headers())
                : settings.transport;
        for (URI base : targets) {
            URI post = apiUri(base);
            workers.add(new DeliveryWorker<>("alertmanager " + describe(base), post, settings, transport,
                    AmAlert::encode, BATCH, LOG));
        }
        workers.forEach(DeliveryWorker::start);
    }

    /**
     * Returns {@code base} with {@code /api/v2/alerts} appended to its path (an existing path prefix is kept, a path
     * that already ends with it is left alone); a query stays after the path, a fragment (never sent) is dropped.
     */
    public static URI apiUri(URI base) {
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!path.endsWith("/api/v2/alerts")) {
            path += "/api/v2/alerts";
        }
        StringBuilder s = new StringBuilder(base.getScheme()).append("://").append(base.getRawAuthority())
                .append(path);
        if (base.getRawQuery() != null) {
            s.append('?').append(base.getRawQuery());
        }
        return URI.create(s.toString());
    }

    /** Returns a URL as it may be shown: never its user info, nor its query's values (see {@link Urls#describe}). */
    public static String describe(URI u) {
        return Urls.describe(u);
    }

    /** Returns the workers (per target, in configuration order). */
    public List<DeliveryWorker<Labels, AmAlert>> workers() {
        return workers;
    }

    /**
     * Handles one evaluation's outcome: queues every FIRING or RESOLVED alert that just changed, or whose last send
     * is older than the resend delay (strictly), to every target.
     *
     * @return how many alerts were queued (per target)
     */
    public int accept(Notification n) {
        Instant now = n.time();
        generation++;
        Duration validFor = (n.evaluationInterval().compareTo(resendDelay) > 0 ? n.evaluationInterval() : resendDelay)
                .multipliedBy(4);
        List<Map.Entry<Labels, AmAlert>> batch = new ArrayList<>();
        for (Alert a : n.active()) {
            consider(a, now, validFor, batch);
        }
        for (Alert a : n.transitions()) {
            // Normally also in active; covers an evaluator that lists a transition only there.
            Sent s = sent.get(a.labels());
            if (s == null || s.generation != generation) {
                consider(a, now, validFor, batch);
            }
        }
        // An alert the evaluator did not list this time (its rule failed, or its group did not run after a failed
        // run) keeps its last send for as long as Alertmanager keeps the alert (validFor), as Prometheus keeps its
        // alerts' last sending time through failed evaluations: when it is listed again unchanged, it waits out the
        // resend delay instead of being sent at once. A new firing (another firedAt) is sent at once either way.
        Iterator<Sent> it = sent.values().iterator();
        while (it.hasNext()) {
            Sent s = it.next();
            if (s.generation != generation && (s.lastSeen == null || s.lastSeen.plus(validFor).isBefore(now))) {
                it.remove();
            }
        }
        // one evaluation's alerts are queued at once: the workers send them in as few requests as the batch allows
        for (DeliveryWorker<Labels, AmAlert> w : workers) {
            w.offerAll(batch);
        }
        return batch.size();
    }

    private void consider(Alert a, Instant now, Duration validFor, List<Map.Entry<Labels, AmAlert>> batch) {
        if (a.state() == AlertState.PENDING) {
            Sent pending = sent.get(a.labels());
            if (pending != null) {
                pending.lastSeen = now;
            }
            return;
        }
        Instant firedAt = a.firedAt().orElse(a.activeAt());
        Sent s = sent.get(a.labels());
        if (s == null) {
            s = new Sent();
            sent.put(a.labels(), s);
        } else if (s.generation == generation) {
            return;
        }
        s.generation = generation;
        s.lastSeen = now;
        boolean changed = s.state != a.state() || !firedAt.equals(s.firedAt);
        if (!changed && !s.lastSentAt.plus(resendDelay).isBefore(now)) {
            return;
        }
        s.state = a.state();
        s.firedAt = firedAt;
        s.lastSentAt = now;
        Instant endsAt = a.state() == AlertState.RESOLVED ? a.resolvedAt().orElse(now) : now.plus(validFor);
        if (endsAt.isBefore(firedAt)) {
            endsAt = firedAt;
        }
        Labels labels = withExternal(a.labels());
        batch.add(Map.entry(labels, new AmAlert(labels, a.annotations(), firedAt, endsAt, generatorUrl)));
    }

    private Labels withExternal(Labels labels) {
        if (externalLabels.isEmpty()) {
            return labels;
        }
        Labels.Builder b = null;
        for (int i = 0; i < externalLabels.size(); i++) {
            if (!labels.has(externalLabels.name(i))) {
                if (b == null) {
                    b = labels.toBuilder();
                }
                b.put(externalLabels.name(i), externalLabels.value(i));
            }
        }
        return b == null ? labels : b.build();
    }

    /** Returns the summed counters of every target. */
    public long[] totals() {
        long[] t = new long[4];
        for (DeliveryWorker<?, ?> w : workers) {
            t[0] += w.stats().sent.sum();
            t[1] += w.stats().failed.sum();
            t[2] += w.stats().dropped.sum();
            t[3] += w.stats().retried.sum();
        }
        return t;
    }

    /** Flushes every target in parallel within the flush timeout, then stops. */
    @Override
    public void close() {
        long deadline = System.nanoTime() + settings.flushTimeout.toNanos();
        workers.forEach(DeliveryWorker::beginClose);
        workers.forEach(w -> w.awaitClose(deadline));
        if (ownsTransport) {
            transport.close();
        }
    }
}
