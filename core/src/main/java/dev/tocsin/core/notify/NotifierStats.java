package dev.tocsin.core.notify;

/**
 * Delivery counters of a notifier, summed over its targets, since it was built.
 *
 * <p>For {@link AlertmanagerNotifier} the unit is one alert sent to one Alertmanager; for {@link WebhookNotifier} one
 * webhook message.
 *
 * @param sent delivered with a 2xx answer
 * @param failed whose delivery failed after the retry budget or with a non-retryable answer (retryable ones stay
 *               queued and are counted again each time their retry budget runs out)
 * @param dropped dropped because a bounded queue was full, or still undelivered when {@code close()} gave up
 * @param retried requests repeated after a failed attempt
 */
public record NotifierStats(long sent, long failed, long dropped, long retried) {
}
