package dev.tocsin.core.internal.expr;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What an expression reads while it is evaluated: the current samples and the history of past evaluations. */
public interface EvalContext {

    /** Returns the evaluation time. */
    Instant time();

    /**
     * Returns the context of the rule evaluation this one is part of: this context itself, or, for a past step of a
     * subquery, the context of the evaluation that runs the subquery. {@code @ start()} and {@code @ end()} inside a
     * subquery read at that evaluation's time, as Prometheus pins them to the start and end of the query, which are
     * both the evaluation time of a rule.
     */
    default EvalContext queryContext() {
        return this;
    }

    /** Returns the current samples of the metric, or {@link Family#empty()}. */
    Family family(String metricName);

    /**
     * Returns the timestamp (epoch milliseconds) of the current sample of the series {@code labels} that an instant
     * selector returned, for {@code timestamp()}: a source read live is sampled at the evaluation time (the default),
     * a recording rule's or alerting rule's output at the evaluation that wrote it, and a series with its own
     * timestamps (a promtool input series) at its latest sample's time.
     */
    default long sampleTimeMillis(dev.tocsin.core.Labels labels) {
        return time().toEpochMilli();
    }

    /**
     * Returns every family of the snapshot, for selectors without a fixed metric name such as {@code {job="x"}}
     * (see {@link Expression#readsAllFamilies()}). The evaluator's snapshot implements it; the default returns none,
     * so such selectors then select nothing.
     */
    default Iterable<Family> families() {
        return List.of();
    }

    /**
     * Returns the samples of past evaluations, for range selectors and {@code offset} (see {@link History}). The
     * evaluator's snapshot implements it; the default is an empty history, so ranges select nothing.
     */
    default History history() {
        return History.empty();
    }

    /**
     * Returns the step of a subquery written without one ({@code x[1h:]}): Prometheus takes its global evaluation
     * interval, promtool the test file's {@code evaluation_interval}; the evaluator gives its interval. The default is
     * Prometheus' default evaluation interval, one minute.
     */
    default long defaultSubqueryStepMillis() {
        return Compiler.DEFAULT_SUBQUERY_STEP_MILLIS;
    }

    /**
     * Returns the steps of the subqueries this evaluation runs inside, multiplied (1 outside any): a nested subquery
     * runs once per step of each one around it, and their product is held to the subquery step limit.
     */
    default long subqueryStepsAround() {
        return 1;
    }

    /**
     * Returns a map in which the compiled plans keep the results of expensive subexpressions (aggregations and range
     * functions, keyed by their PromQL text) for the rest of this evaluation, so that the rules of a pack that share
     * {@code rate(x[1m])} or {@code sum by (backend) (rate(x[1m]))} compute it once; or {@code null} (the default)
     * for no sharing. An implementation must drop every entry whenever what {@link #family}, {@link #families} or
     * {@link #history} return changes (e.g. when a recording rule adds samples), since results are pure functions of
     * those and {@link #time()}.
     */
    default Map<String, Vector> memo() {
        return null;
    }
}
