package dev.tocsin.core.internal;

/**
 * When a rule of a rule-file group with its own {@code interval} runs: at the first evaluation, then at the first
 * evaluation at least that interval after its last run, as Prometheus evaluates a group at its own interval. Half of
 * the evaluator's interval (at most half the group's) is forgiven, so that an evaluation that lands a little early
 * does not push the group a whole evaluator interval late. An evaluation earlier than the last run (a clock stepped
 * back) runs it. Without an interval the rule runs at every evaluation. Only touched under the evaluation lock.
 */
final class Pace {

    private final long everyMillis;
    private long lastRun = Long.MIN_VALUE;

    /**
     * Creates the pace of a rule.
     *
     * @param everyMillis the group's interval in milliseconds; 0 or less for every evaluation
     */
    Pace(long everyMillis) {
        this.everyMillis = everyMillis;
    }

    /**
     * Returns whether the rule runs in the evaluation at {@code t}, and if so remembers {@code t} as its last run.
     *
     * @param t the evaluation time in epoch milliseconds
     * @param evaluatorIntervalMillis the evaluator's own interval in milliseconds
     */
    boolean due(long t, long evaluatorIntervalMillis) {
        if (everyMillis <= 0) {
            return true;
        }
        long last = lastRun;
        long forgiven = Math.min(Math.max(0, evaluatorIntervalMillis), everyMillis) / 2;
        if (last == Long.MIN_VALUE || t < last || t - last >= everyMillis - forgiven) {
            lastRun = t;
            return true;
        }
        return false;
    }
}
