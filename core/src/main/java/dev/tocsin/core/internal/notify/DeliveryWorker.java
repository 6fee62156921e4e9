package dev.tocsin.core.internal.notify;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.slf4j.Logger;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Delivers one target's queue on one daemon thread: batches taken from a {@link CoalescingQueue}, encoded, posted with
 * a Resilience4j retry (exponential backoff) around a circuit breaker. A batch that still fails with a retryable error
 * is put back (unless newer values superseded it), so nothing is lost while the target is down except what the bounded
 * queue must drop; a non-retryable answer (4xx) drops the batch. Failures and drops are logged once per episode.
 * While the circuit breaker is open the worker waits for its open period to pass: calls it rejects are not requests,
 * so they are neither retried nor counted as failures.
 *
 * @param <K> the queue key
 * @param <V> the queued value
 */
public final class DeliveryWorker<K, V> {

    private final String name;
    private final URI uri;
    private final DeliverySettings settings;
    private final Transport transport;
    private final Function<List<V>, byte[]> encoder;
    private final int batchMax;
    private final Logger log;
    private final CoalescingQueue<K, V> queue;
    private final DeliveryStats stats = new DeliveryStats();
    private final CircuitBreaker circuitBreaker;
    private final Retry retry;
    private final Thread thread;

    private volatile boolean closing;
    private volatile boolean dropping;
    private volatile boolean failing;
    private long episodeDrops;
    private long episodeFailures;
    /** {@link System#nanoTime()} when the circuit breaker last opened (read and written on the delivery thread). */
    private volatile long openedAtNanos;
    private final Object pauseLock = new Object();
    /** Guards {@link #closed} against offers and requeues: nothing enters the queue after close() emptied it. */
    private final Object closeLock = new Object();
    /** The values of the batch being delivered (0 between batches; written by the delivery thread). */
    private volatile int inFlight;
    /** Set by {@link #awaitClose} when it empties the queue (under {@link #closeLock}). */
    private boolean closed;
    /** Notifications given up while closing, and why (written by the delivery thread, read by close()). */
    private volatile long closeDropped;
    /**
     * Values offered after {@link #beginClose()}: dropped, and reported by {@link #awaitClose} (those offered after its
     * report are counted as dropped only; the notifier warns about calls after close itself).
     */
    private final java.util.concurrent.atomic.AtomicLong refusedWhileClosing =
            new java.util.concurrent.atomic.AtomicLong();
    private volatile String closeWhy;
    /** Whether the current batch reached the transport (set by {@link #post}; delivery thread only). */
    private boolean attempted;
    /** The current batch's last real failure (delivery thread only): what to report when the breaker cut it short. */
    private Throwable lastFailure;

    /**
     * Creates a worker (not started).
     *
     * @param name a short description of the target for logs and the thread name (no credentials)
     */
    public DeliveryWorker(String name, URI uri, DeliverySettings settings, Transport transport,
                          Function<List<V>, byte[]> encoder, int batchMax, Logger log) {
        this.name = name;
        this.uri = uri;
        this.settings = settings;
        this.transport = transport;
        this.encoder = encoder;
        this.batchMax = batchMax;
        this.log = log;
        this.queue = new CoalescingQueue<>(settings.queueCapacity);
        this.circuitBreaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.circuitWindow)
                .minimumNumberOfCalls(Math.min(5, settings.circuitWindow))
                .failureRateThreshold(settings.circuitFailureRate)
                .waitDurationInOpenState(settings.circuitOpenDuration)
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(t -> t instanceof IOException
                        || (t instanceof StatusException && ((StatusException) t).retryable()))
                .build());
        this.retry = Retry.of(name, RetryConfig.custom()
                .maxAttempts(settings.maxAttempts)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(settings.initialBackoff,
                        settings.backoffMultiplier, settings.maxBackoff))
                // a call the open breaker rejected is not retried within the batch: the worker waits for the breaker
                .retryOnException(t -> retryable(t) && !(t instanceof CallNotPermittedException))
                .failAfterMaxAttempts(true)
                .build());
        circuitBreaker.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAtNanos = System.nanoTime();
            }
        });
        this.thread = new Thread(this::run, "tocsin-notify-" + name);
        thread.setDaemon(true);
    }

    static boolean retryable(Throwable t) {
        return t instanceof IOException || t instanceof CallNotPermittedException
                || (t instanceof StatusException && ((StatusException) t).retryable());
    }

    /** Starts the delivery thread. */
    public void start() {
        thread.start();
    }

    /** Returns the counters. */
    public DeliveryStats stats() {
        return stats;
    }

    /** Returns the circuit breaker (tests: what it records is what Resilience4j logs at debug level). */
    CircuitBreaker circuitBreaker() {
        return circuitBreaker;
    }

    /** Returns the number of queued entries. */
    public int queued() {
        return queue.size();
    }

    /** Queues a value; never blocks beyond a short lock. Counts and logs (once per episode) a drop. */
    public void offer(K key, V value) {
        if (closing) {
            stats.dropped.increment();
            refusedWhileClosing.incrementAndGet();
            return;
        }
        int d;
        synchronized (closeLock) {
            if (closed) { // closing began after the check above and close() has emptied the queue already
                stats.dropped.increment();
                refusedWhileClosing.incrementAndGet();
                return;
            }
            d = queue.offer(key, value);
        }
        if (d > 0) {
            noteDrops(d);
        }
    }

    /** Queues several values at once (see {@link CoalescingQueue#offerAll}); otherwise as {@link #offer}. */
    public void offerAll(List<Map.Entry<K, V>> batch) {
        if (batch.isEmpty()) {
            return;
        }
        if (closing) {
            stats.dropped.add(batch.size());
            refusedWhileClosing.addAndGet(batch.size());
            return;
        }
        int d;
        synchronized (closeLock) {
            if (closed) {
                stats.dropped.add(batch.size());
                refusedWhileClosing.addAndGet(batch.size());
                return;
            }
            d = queue.offerAll(batch);
        }
        if (d > 0) {
            noteDrops(d);
        }
    }

    private synchronized void noteDrops(int n) {
        stats.dropped.add(n);
        episodeDrops += n;
        if (!dropping) {
            dropping = true;
            log.warn("Notification queue for {} is full ({} entries): dropping the oldest; further drops are "
                    + "counted but not logged until it drains", name, settings.queueCapacity);
        }
    }

    private void run() {
        try {
            while (true) {
                List<Map.Entry<K, V>> batch = queue.take(batchMax, 100);
                if (batch.isEmpty()) {
                    if (closing) {
                        return;
                    }
                    endDropEpisode();
                    continue;
                }
                deliver(batch);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            log.error("Notification delivery to {} stopped by an unexpected error", name, e);
        }
    }

    private void deliver(List<Map.Entry<K, V>> batch) throws InterruptedException {
        List<V> values = new ArrayList<>(batch.size());
        for (Map.Entry<K, V> e : batch) {
            values.add(e.getValue());
        }
        byte[] body;
        try {
            body = encoder.apply(values);
        } catch (OutOfMemoryError | InternalError | UnknownError e) {
            throw e;
        } catch (RuntimeException | Error e) { // a StackOverflowError, say: this batch is lost, not the thread
            stats.failed.add(values.size());
            log.error("Cannot encode {} notification(s) for {}; dropped", values.size(), name, e);
            return;
        }
        CheckedSupplier<Transport.Response> call = Retry.decorateCheckedSupplier(retry,
                CircuitBreaker.decorateCheckedSupplier(circuitBreaker, () -> post(body)));
        attempted = false;
        lastFailure = null;
        inFlight = values.size();
        try {
            call.get();
            landed();
            stats.sent.add(values.size());
            endFailureEpisode();
        } catch (InterruptedException e) {
            landed();
            requeue(batch);
            throw e;
        } catch (Throwable t) {
            landed();
            if (Thread.currentThread().isInterrupted()) {
                requeue(batch);
                return;
            }
            boolean rejected = t instanceof CallNotPermittedException;
            Throwable cause = rejected && lastFailure != null ? lastFailure : t;
            boolean closingNow = closing; // read once: a close in the middle of this must not leave it half-seen
            if (closingNow && (attempted && retryable(t) || rejected && closeWhy != null)) {
                // closing, and a request to the target failed just now (or earlier in this close, which opened the
                // breaker): no more waiting for it; close() reports these as dropped (a call only the breaker refused
                // before any failure in this close waits below for one trial instead)
                giveUpAtClose(values.size(), attempted || closeWhy == null ? scrub(what(cause), 300) : closeWhy);
                return;
            }
            if (attempted) {
                // a request was made and failed; when the breaker then rejected the next attempt, the request's
                // failure is what went wrong
                stats.failed.add(values.size());
                noteFailure(cause, values.size());
            } else {
                log.debug("Delivery of {} notification(s) to {} waits: circuit breaker open", values.size(), name);
            }
            if (rejected || retryable(t)) {
                requeue(batch);
                if (closingNow) {
                    // only the breaker said no (an attempted batch was given up above), and the target may be well
                    // again: wait for its trial call (close() interrupts this at its deadline and counts what is left)
                    Thread.sleep(pauseMillis());
                } else {
                    pause(pauseMillis());
                }
            }
        }
    }

    /**
     * How long to wait before the next batch after a failure: while the circuit breaker is open, until its open period
     * has passed (calls before then would be rejected, not sent), else the initial backoff.
     */
    private long pauseMillis() {
        long backoff = Math.max(1, settings.initialBackoff.toMillis());
        if (circuitBreaker.getState() != CircuitBreaker.State.OPEN) {
            return backoff;
        }
        long open = settings.circuitOpenDuration.toNanos();
        long left = openedAtNanos + open - System.nanoTime();
        if (left <= 0) {
            // still open past its period by this clock (the breaker reads the wall clock, which may have stepped
            // back): wait the backoff rather than poll it
            return backoff;
        }
        // + 1 ms: the breaker compares its own clock's instants, so be just past the end of its period
        return Math.min(open, left) / 1_000_000 + 1;
    }

    private Transport.Response post(byte[] body) throws IOException, InterruptedException, StatusException {
        if (attempted) {
            stats.retried.increment(); // a request repeated within the batch (a rejected attempt is none)
        }
        attempted = true;
        Transport.Response r;
        try {
            r = transport.post(uri, body, settings.timeout);
        } catch (IOException e) {
            // the JDK's message may quote what the peer sent (an invalid status line echoing the request's headers):
            // scrubbed here, before Resilience4j's debug log prints the exception, and without the original as cause
            IOException scrubbed = new ScrubbedIOException(scrub(what(e), 300), e.getClass().getSimpleName());
            lastFailure = scrubbed;
            throw scrubbed;
        } catch (RuntimeException e) {
            lastFailure = e;
            throw e;
        }
        if (r.status() / 100 != 2) {
            // the answer is logged: the credentials a server might echo back are taken out, and it stays one short line
            StatusException e = new StatusException(r.status(), scrub(r.body(), 200));
            lastFailure = e;
            throw e;
        }
        return r;
    }

    /**
     * What went wrong, in words: the first message along the causes, else what the exception's type means (Java's HTTP
     * client throws a {@code ConnectException} without a message when the connection is refused).
     */
    static String what(Throwable t) {
        if (t instanceof CallNotPermittedException) {
            return "circuit breaker open";
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && !m.isBlank()) {
                return m;
            }
            if (c instanceof java.net.ConnectException) {
                return "connection refused";
            }
            if (c instanceof java.net.http.HttpTimeoutException) {
                return "timed out";
            }
        }
        return "no detail";
    }

    /** Ends the current batch's time in flight (see {@link #inFlight}). */
    private void landed() {
        inFlight = 0;
    }

    private void requeue(List<Map.Entry<K, V>> batch) {
        int d;
        synchronized (closeLock) {
            if (closed) { // a request that outlived close(): nothing will take the batch any more
                stats.dropped.add(batch.size());
                return;
            }
            d = queue.requeue(batch);
        }
        if (d > 0) {
            noteDrops(d);
        }
    }

    /** Path segments at least this long are hidden on their own too (tokens; words such as "services" are not). */
    private static final int SECRET_LIKE = 12;

    /**
     * Returns {@code text} as it may be logged: the configured credentials and anything credential-like removed
     * ({@link DeliverySettings#redact}), and the target URL's path and query too (a webhook keeps its secret there,
     * and receivers echo it in their errors), on one line, at most {@code max} characters.
     */
    String scrub(String text, int max) {
        String t = text == null ? "" : text;
        List<String> parts = new ArrayList<>();
        String path = uri.getRawPath();
        String decoded = uri.getPath();
        // Alertmanager's API path is no secret and tells where a 404 came from: only what stands before it is hidden
        if (path != null && path.endsWith("/api/v2/alerts")) {
            path = path.substring(0, path.length() - "/api/v2/alerts".length());
            decoded = decoded != null && decoded.endsWith("/api/v2/alerts")
                    ? decoded.substring(0, decoded.length() - "/api/v2/alerts".length()) : decoded;
        }
        if (path != null && path.length() > 1) {
            if (uri.getRawQuery() != null) {
                parts.add(path + "?" + uri.getRawQuery());
            }
            parts.add(path);
            if (decoded != null && decoded.length() > 1 && !decoded.equals(path)) {
                parts.add(decoded);
            }
            // a token-like segment echoed on its own (Slack's .../T000/B000/XXXXsecret); words are no secret
            for (String segment : path.split("/")) {
                if (segment.length() >= SECRET_LIKE && tokenLike(segment)) {
                    parts.add(segment);
                }
            }
        }
        String query = uri.getRawQuery();
        if (query != null) {
            if (query.length() >= 6) {
                parts.add(query);
            }
            for (String pair : query.split("&")) {
                String value = pair.substring(pair.indexOf('=') + 1);
                if (value.length() >= 6 && tokenLike(value)) {
                    parts.add(value);
                    try {
                        parts.add(java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8));
                    } catch (IllegalArgumentException e) {
                        // not valid percent-encoding: the raw form is hidden already
                    }
                }
            }
        }
        return settings.redact(dev.tocsin.core.internal.Redaction.secrets(t, parts), max);
    }

    /** Whether {@code s} mixes at least two of lower case, upper case and digits, as tokens do and words do not. */
    private static boolean tokenLike(String s) {
        boolean lower = false;
        boolean upper = false;
        boolean digit = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            lower |= c >= 'a' && c <= 'z';
            upper |= c >= 'A' && c <= 'Z';
            digit |= c >= '0' && c <= '9';
        }
        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) >= 2;
    }

    private synchronized void noteFailure(Throwable t, int n) {
        episodeFailures += n;
        // a JDK message may quote what the peer sent (an invalid status line echoing the request's headers or path)
        String what = scrub(what(t), 300);
        String kind = t instanceof ScrubbedIOException ? ((ScrubbedIOException) t).kind : t.getClass().getSimpleName();
        if (!failing) {
            failing = true;
            log.warn("Delivery of {} notification(s) to {} failed after the retry budget: {} ({}); {}; further "
                            + "failures logged at debug level until it recovers", n, name, what,
                    kind, retryable(t) ? "kept queued" : "not retryable, dropped");
        } else {
            log.debug("Delivery of {} notification(s) to {} failed: {}", n, name, what);
        }
    }

    private synchronized void endFailureEpisode() {
        if (failing) {
            failing = false;
            // at WARN, as the failure was: who was told that failures go quiet "until it recovers" hears that it did
            log.warn("Delivery to {} recovered ({} notification deliveries had failed)", name, episodeFailures);
            episodeFailures = 0;
        }
    }

    private synchronized void endDropEpisode() {
        if (dropping) {
            dropping = false;
            log.warn("Notification queue for {} drained; {} entries had been dropped", name, episodeDrops);
            episodeDrops = 0;
        }
    }

    /** Waits {@code millis}, or less when {@link #beginClose()} is called meanwhile (it gives up at once then). */
    private void pause(long millis) throws InterruptedException {
        synchronized (pauseLock) {
            if (!closing) {
                pauseLock.wait(millis);
            }
        }
    }

    /** Counts a batch given up while closing (the target down): dropped, reported once by {@link #awaitClose}. */
    private void giveUpAtClose(int n, String why) {
        stats.dropped.add(n);
        closeDropped += n;
        if (closeWhy == null) {
            closeWhy = why; // the first failure: what is reported, whatever comes after it
        }
    }

    /** Marks the worker as closing: it stops after the queue is empty (failed batches are no longer put back). */
    public void beginClose() {
        closing = true;
        synchronized (pauseLock) {
            pauseLock.notifyAll(); // a worker waiting for a target that is down gives up now, not at the deadline
        }
    }

    /**
     * Waits for the queue to drain until {@code deadlineNanos} ({@link System#nanoTime()}), then stops the thread and
     * counts what is left as dropped.
     */
    public void awaitClose(long deadlineNanos) {
        try {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                thread.join(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
            try {
                // at most a second past the shared deadline: several targets closed one after the other still end
                // within deadline + 1 s together
                long hard = deadlineNanos + 1_000_000_000L - System.nanoTime();
                thread.join(Math.max(1, hard / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int left;
        synchronized (closeLock) {
            if (closed) {
                return; // closed before (the dispatcher's close() may be called twice): reported then
            }
            closed = true;
            left = queue.clear();
        }
        stats.dropped.add(left);
        // read after the thread ended (join) or was given up on; a batch still in a request that ignored the interrupt
        // is counted when the request ends (as dropped) and reported here
        long dropped = left + closeDropped + (thread.isAlive() ? inFlight : 0);
        if (dropped > 0) {
            String why = closeWhy;
            if (why == null) {
                log.warn("Closing: {} notification(s) for {} could not be delivered in time and were dropped",
                        dropped, name);
            } else {
                log.warn("Closing: {} notification(s) for {} could not be delivered and were dropped (the target"
                        + " failed while closing: {})", dropped, name, why);
            }
        }
        // offers that came after close() began (an evaluation still running on another thread): never queued
        long refused = refusedWhileClosing.get();
        if (refused > 0) {
            log.warn("Closing: {} notification(s) for {} came after close() began and were dropped", refused, name);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /** A transport's I/O failure, its message scrubbed, naming the original exception's type. */
    static final class ScrubbedIOException extends IOException {
        private static final long serialVersionUID = 1L;
        /** The simple name of the original exception's class. */
        final String kind;

        ScrubbedIOException(String message, String kind) {
            super(message);
            this.kind = kind;
        }
    }
}
