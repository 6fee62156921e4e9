package dev.tocsin.core;

/**
 * Receives the outcome of every evaluation and delivers what it chooses (Alertmanager, webhooks, logs).
 *
 * <p>{@link #accept(Notification)} is called on the evaluation thread and must not block: implementations hand work
 * to their own bounded queue (a call that takes a quarter of the evaluation interval or more, at least 10 ms and at
 * most 1 s, is logged at WARN, at most once a minute per notifier). Exceptions are logged and isolated.
 * {@link #close()} flushes within a bounded time.
 */
public interface Notifier extends AutoCloseable {

    /**
     * Called once after every evaluation.
     *
     * @param notification the transitions of this evaluation and every alert currently firing or retained as resolved
     */
    void accept(Notification notification);

    /** Flushes pending deliveries within a bounded time and releases resources. Never throws. */
    @Override
    void close();
}
