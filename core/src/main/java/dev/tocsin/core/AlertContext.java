package dev.tocsin.core;

import java.util.Map;

/**
 * Computes extra diagnostic facts for an alert when it becomes PENDING or FIRING (see {@link Alert#context()}).
 */
@FunctionalInterface
public interface AlertContext {

    /**
     * Returns facts about the alert, e.g. {@code down_servers -> "s1 (DOWN, L4CON ...)"}.
     *
     * @param alertLabels the alert's final labels
     * @param metrics the metrics of this evaluation
     * @return the facts (never {@code null}; empty when there is nothing to add)
     * @throws Exception on failure; the alert then keeps no context for this evaluation
     */
    Map<String, String> compute(Labels alertLabels, MetricsView metrics) throws Exception;
}
