package dev.tocsin.core;

/**
 * Host code that hears every alert transition: to {@link AlertState#PENDING}, to {@link AlertState#FIRING} and to
 * {@link AlertState#RESOLVED}. A pending alert dropped before firing sends no transition, as in Prometheus.
 *
 * <p>Called on the evaluation thread, in order, after each evaluation. Keep it quick; an exception thrown here is
 * logged and does not affect other listeners or rules.
 */
@FunctionalInterface
public interface AlertListener {

    /**
     * Called once per transition.
     *
     * @param alert the alert's snapshot right after the transition; {@link Alert#state()} tells which transition
     */
    void onTransition(Alert alert);
}
