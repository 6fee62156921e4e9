package dev.tocsin.core;

/**
 * Host code that hears every alert transition: to {@link AlertState#PENDING}, to {@link AlertState#FIRING} and to
 * {@link AlertState#RESOLVED}. A pending alert dropped before firing sends no transition, as in Prometheus.
 *
 * <p>Called on the evaluation thread, in order, after each evaluation, which waits for it: keep it quick and hand slow
 * work (network, disk, locks) to an executor of your own. A call that takes a quarter of the evaluation interval or
 * more (at least 10 ms, at most 1 s) is logged at WARN with the listener's class, at most once a minute per listener.
 * An exception thrown here is logged and does not affect other listeners or rules.
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
