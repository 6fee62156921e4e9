package dev.tocsin.core.internal.expr;

import java.time.Instant;

/** What an expression reads while it is evaluated. Extended later with history for range selectors. */
public interface EvalContext {

    /** Returns the evaluation time. */
    Instant time();

    /** Returns the current samples of the metric, or {@link Family#empty()}. */
    Family family(String metricName);
}
