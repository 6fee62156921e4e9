package dev.tocsin.core.internal;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.expr.BoundedRegex;
import dev.tocsin.core.internal.expr.Expression;
import dev.tocsin.core.internal.expr.History;
import dev.tocsin.core.internal.expr.Vector;
import dev.tocsin.core.rules.RecordingRule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One registered recording rule (Prometheus' rules/recording.go): evaluates its expression, renames the result and
 * adds the rule's labels, writes the samples for the rules after it and for the history, and marks stale the series it
 * wrote last time and not this time.
 */
final class RecordingRuntime {

    private static final Logger LOG = LoggerFactory.getLogger("dev.tocsin.core.Evaluator");

    /** Prometheus' error when the rule's labels make two results equal. */
    static final String DUPLICATE = "vector contains metrics with the same labelset after applying rule labels";

    final RecordingRule rule;
    /** The group's limit on the series one evaluation may write (0 = none). */
    private final int limit;
    private final Expression expression;
    private final List<String> labelNames = new ArrayList<>();
    private final List<String> labelValues = new ArrayList<>();
    /** The series written by the last successful evaluation. */
    private Set<Labels> written = Set.of();
    private String lastLogged;
    /** The failure of the last evaluation (Prometheus' wording where it has one), or null. */
    String lastError;
    /** Hears every sample written (rule unit tests, see {@link DefaultEvaluator#observeRecorded}); or null. */
    volatile RecordedObserver observer;

    volatile boolean removed;

    /** When it runs (its rule-file group's interval). */
    final Pace pace;

    RecordingRuntime(RecordingRule rule, int limit) {
        this(rule, limit, 0);
    }

    RecordingRuntime(RecordingRule rule, int limit, long everyMillis) {
        this.rule = rule;
        this.limit = limit;
        this.pace = new Pace(everyMillis);
        this.expression = Expression.parseRule(rule.expr());
        new java.util.TreeMap<>(rule.labels()).forEach((k, v) -> {
            labelNames.add(k);
            labelValues.add(v);
        });
    }

    /** Returns the expression. */
    Expression expression() {
        return expression;
    }

    /**
     * Evaluates the rule at {@code time} and writes its output.
     *
     * @return false when the evaluation failed: nothing is written and nothing is marked stale, as in Prometheus
     */
    boolean evaluate(Snapshot snapshot, long time, RecordedSeries recorded, History history) {
        Map<Labels, Integer> out;
        Vector v;
        BoundedRegex.openEvaluation();
        try {
            v = expression.evaluate(snapshot);
            out = new LinkedHashMap<>(v.size() * 2);
            for (int i = 0; i < v.size(); i++) {
                Labels.Builder b = v.sample(i).labels().toBuilder().put(Labels.METRIC_NAME, rule.name());
                for (int j = 0; j < labelNames.size(); j++) {
                    b.put(labelNames.get(j), labelValues.get(j)); // an empty value removes the label
                }
                if (out.put(b.build(), i) != null) {
                    throw new IllegalStateException(DUPLICATE);
                }
            }
            if (limit > 0 && out.size() > limit) {
                throw new IllegalStateException("exceeded limit of " + limit + " with " + out.size() + " series");
            }
        } catch (OutOfMemoryError | InternalError | UnknownError e) {
            throw e;
        } catch (Throwable e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (!msg.equals(lastLogged)) {
                LOG.warn("recording rule {} failed to evaluate, nothing recorded: {}", rule.name(), msg);
                LOG.debug("recording rule failure detail", e);
            }
            lastLogged = msg;
            lastError = msg;
            return false;
        } finally {
            BoundedRegex.closeEvaluation();
        }
        lastLogged = null;
        lastError = null;
        for (Labels gone : written) {
            if (!out.containsKey(gone)) {
                recorded.remove(gone);
                history.markRecordedStale(gone, time);
            }
        }
        Set<Labels> now = new HashSet<>(out.size() * 2);
        for (Map.Entry<Labels, Integer> e : out.entrySet()) {
            int i = e.getValue();
            double value = v.sample(i).value();
            boolean held = v.held(i);
            recorded.put(new Sample(e.getKey(), value), held, time);
            history.appendRecorded(e.getKey(), time, value, held);
            RecordedObserver o = observer;
            if (o != null && !held) {
                o.recorded(rule.name(), e.getKey(), time, value);
            }
            now.add(e.getKey());
        }
        written = now;
        return true;
    }

    /** Forgets the rule's series (it was removed) and returns them, to be marked stale. */
    Set<Labels> clear(RecordedSeries recorded) {
        Set<Labels> w = written;
        w.forEach(recorded::remove);
        written = Set.of();
        return w;
    }
}
