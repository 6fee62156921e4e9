package dev.tocsin.core.internal;

import dev.tocsin.core.internal.expr.EvalContext;

/** Implemented by the evaluator's {@link dev.tocsin.core.MetricsView} so expression rules can read its snapshot. */
public interface ExpressionContextProvider {

    /** Returns the snapshot as an expression context. */
    EvalContext expressionContext();
}
