package dev.tocsin.core.internal;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Rule;
import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.expr.BoundedRegex;
import dev.tocsin.core.internal.expr.Vector;
import dev.tocsin.core.internal.template.Template;
import dev.tocsin.core.internal.template.TemplateData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One registered rule and its alerts: Prometheus's alerting state machine (rules/alerting.go), plus Tocsin's hold of
 * alerts built on a failed source's series.
 */
final class RuleRuntime {

    private static final Logger LOG = LoggerFactory.getLogger("dev.tocsin.core.Evaluator");

    /** How long a resolved alert is kept so it can be re-sent as resolved (Prometheus's resolvedRetention). */
    static final Duration RESOLVED_RETENTION = Duration.ofMinutes(15);

    /** Prometheus' error when two results of an alerting rule have the same labels once its labels are applied. */
    static final String DUPLICATE_LABELSET = "vector contains metrics with the same labelset after applying alert labels";

    /** A rule result Prometheus refuses with a fixed message; the message here adds the details (for the log). */
    static final class ResultException extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        /** Prometheus' message, without the details. */
        final String prometheusMessage;

        ResultException(String prometheusMessage, String detail) {
            super(prometheusMessage + ": " + detail);
            this.prometheusMessage = prometheusMessage;
        }
    }

    final Rule rule;
    /** The group's limit on the alerts one evaluation may produce (0 = none). */
    private final int limit;
    private boolean limitLogged;
    private final RuleTemplates templates;
    private final BuiltRule built;
    private final Duration forDuration;
    private final Duration keepFiringFor;
    private final dev.tocsin.core.Runbook runbook;
    private final Map<Labels, ActiveAlert> active = new LinkedHashMap<>();
    private String lastError;
    /** The rule's labels as written (unexpanded templates): the base of its ALERTS series, as in Prometheus. */
    private final Map<String, String> rawLabels;
    /** The ALERTS and ALERTS_FOR_STATE series written by the last successful evaluation. */
    private java.util.Set<Labels> alertSeries = java.util.Set.of();
    /** The message of the last evaluation's failure (Prometheus' wording where it has one), or null. */
    String lastFailure;
    volatile boolean removed;

    /** When it runs (its rule-file group's interval). */
    final Pace pace;

    RuleRuntime(Rule rule, int limit) {
        this(rule, limit, 0);
    }

    RuleRuntime(Rule rule, int limit, long everyMillis) {
        this.rule = rule;
        this.limit = limit;
        this.pace = new Pace(everyMillis);
        String name = rule.name();
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("invalid alert name '" + name + "': must not be empty");
        }
        this.forDuration = requireNonNegative(rule.forDuration(), name, "for");
        this.keepFiringFor = requireNonNegative(rule.keepFiringFor(), name, "keep_firing_for");
        try {
            this.runbook = rule.runbook().orElse(null);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("rule " + name + ": runbook() failed: " + e, e);
        }
        Map<String, String> raw;
        try {
            raw = rule.labels() == null ? Map.of() : new TreeMap<>(rule.labels());
        } catch (RuntimeException e) {
            raw = Map.of(); // reported by the template compilation below
        }
        this.rawLabels = raw;
        if (rule instanceof BuiltRule) {
            this.built = (BuiltRule) rule;
            this.templates = built.templates();
        } else {
            this.built = null;
            this.templates = RuleTemplates.compile(name, rule.labels(), rule.annotations());
        }
    }

    /** Returns the expressions its templates query with literal texts (see {@link RuleTemplates#queryExpressions}). */
    List<dev.tocsin.core.internal.expr.Expression> templateQueries() {
        return templates.queryExpressions();
    }

    /** Returns whether one of its templates builds a query's text at expansion time. */
    boolean dynamicTemplateQueries() {
        return templates.hasDynamicQueries();
    }

    private static Duration requireNonNegative(Duration d, String rule, String what) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException("rule " + rule + ": " + what + " must be a non-negative duration, got "
                    + d);
        }
        return d;
    }

    /** Mutable state of one alert instance. */
    static final class ActiveAlert {
        final Labels labels;
        Map<String, String> annotations;
        AlertState state;
        double value;
        Instant activeAt;
        Instant firedAt;
        Instant resolvedAt;
        Instant keepFiringSince;
        /** The last evaluation that found it (present or frozen), and how long it has been PENDING while frozen. */
        Instant lastEvalAt;
        Duration frozen = Duration.ZERO;
        /** The labels of the alert's ALERTS series (per state) and ALERTS_FOR_STATE series, built when needed. */
        Labels alertsPending;
        Labels alertsFiring;
        Labels forState;
        Map<String, String> context = Map.of();

        ActiveAlert(Labels labels) {
            this.labels = labels;
        }
    }

    /** One candidate from the rule's result. */
    private static final class Candidate {
        final Labels labels;
        final Map<String, String> annotations;
        final double value;
        final boolean held;

        Candidate(Labels labels, Map<String, String> annotations, double value, boolean held) {
            this.labels = labels;
            this.annotations = annotations;
            this.value = value;
            this.held = held;
        }
    }

    /**
     * Evaluates the rule at {@code ts}, updating its alerts and appending transitions.
     *
     * @return false when the evaluation failed (nothing changed)
     */
    boolean evaluate(Snapshot snapshot, Instant ts, Labels externalLabels, String externalUrl,
                     List<Alert> transitions) {
        Map<Labels, Candidate> candidates;
        BoundedRegex.openEvaluation(); // one regex budget for the expression and the templates
        try {
            candidates = candidates(snapshot, externalLabels, externalUrl);
        } catch (OutOfMemoryError | InternalError | UnknownError e) {
            throw e;
        } catch (Throwable e) {
            String msg = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!msg.equals(lastError)) {
                LOG.warn("rule {} failed to evaluate, its alerts are unchanged: {}", rule.name(), msg);
                LOG.debug("rule failure detail", e);
            }
            lastError = msg;
            // Prometheus' wording where it has one (the log above also names the details)
            lastFailure = e instanceof ResultException ? ((ResultException) e).prometheusMessage
                    : String.valueOf(e.getMessage());
            return false;
        } finally {
            BoundedRegex.closeEvaluation();
        }
        lastError = null;
        lastFailure = null;
        int mark = transitions.size();
        int activePending = 0;

        for (Candidate c : candidates.values()) {
            ActiveAlert a = active.get(c.labels);
            if (a != null && a.state != AlertState.RESOLVED) {
                if (c.held) {
                    continue; // frozen: a failed source's replayed data neither updates nor promotes it
                }
                a.value = c.value;
                a.annotations = c.annotations;
                continue;
            }
            if (c.held) {
                // a failed source's replayed data never starts an alert
                continue;
            }
            ActiveAlert n = new ActiveAlert(c.labels);
            n.annotations = c.annotations;
            n.state = AlertState.PENDING;
            n.value = c.value;
            n.activeAt = ts;
            active.remove(c.labels); // a retained resolved alert is replaced by a fresh one (re-inserted last)
            active.put(c.labels, n);
        }

        for (Iterator<ActiveAlert> it = active.values().iterator(); it.hasNext(); ) {
            ActiveAlert a = it.next();
            Candidate c = candidates.get(a.labels);
            // a held candidate keeps an active alert present (frozen) but never revives a resolved one
            boolean present = c != null && (!c.held || a.state != AlertState.RESOLVED);
            if (!present) {
                boolean keepFiring = false;
                if (a.state == AlertState.FIRING && !keepFiringFor.isZero()) {
                    if (a.keepFiringSince == null) {
                        a.keepFiringSince = ts;
                    }
                    if (Duration.between(a.keepFiringSince, ts).compareTo(keepFiringFor) < 0) {
                        keepFiring = true;
                    }
                }
                if (a.state == AlertState.PENDING || (a.resolvedAt != null
                        && Duration.between(a.resolvedAt, ts).compareTo(RESOLVED_RETENTION) > 0)) {
                    it.remove();
                }
                if (a.state == AlertState.FIRING && !keepFiring) {
                    a.state = AlertState.RESOLVED;
                    a.resolvedAt = ts;
                    transitions.add(snapshot(a));
                }
                if (keepFiring) {
                    activePending++;
                }
                continue;
            }
            activePending++;
            boolean isFrozen = c.held;
            if (!isFrozen) {
                a.keepFiringSince = null;
            }
            if (isFrozen && a.state == AlertState.PENDING && a.lastEvalAt != null && a.lastEvalAt.isBefore(ts)) {
                // its source failed: the condition is not observed, so the time does not count towards for
                a.frozen = a.frozen.plus(Duration.between(a.lastEvalAt, ts));
            }
            a.lastEvalAt = ts;
            if (a.state == AlertState.PENDING && !isFrozen
                    && Duration.between(a.activeAt, ts).minus(a.frozen).compareTo(forDuration) >= 0) {
                a.state = AlertState.FIRING;
                a.firedAt = ts;
                a.context = context(a.labels, snapshot);
                transitions.add(snapshot(a));
            } else if (a.state == AlertState.PENDING && a.activeAt.equals(ts)) {
                a.context = context(a.labels, snapshot);
                transitions.add(snapshot(a));
            }
            // the context is computed when the alert becomes PENDING or FIRING, not on every evaluation: with many
            // alerts firing, recomputing every context each cycle would cost alerts x series
        }
        if (limit > 0 && activePending > limit) {
            // as Prometheus: every alert of the rule is dropped (nothing is sent about them) and the rule fails
            active.clear();
            while (transitions.size() > mark) {
                transitions.remove(transitions.size() - 1);
            }
            lastFailure = "exceeded limit of " + limit + " with " + activePending + " alerts";
            if (!limitLogged) {
                LOG.warn("rule {} failed, its alerts are dropped: {}", rule.name(), lastFailure);
            }
            limitLogged = true;
            return false;
        }
        limitLogged = false;
        return true;
    }

    /**
     * The metric names the rule declared it reads ({@link Rule#reads()} and {@link Rule#readsOnDemand()}), the only
     * ones its Java condition and context see; null (any) when it declared none, or when asking fails.
     */
    private java.util.Set<String> visibleNames() {
        try {
            java.util.Optional<java.util.Set<String>> reads = rule.reads();
            if (reads == null || reads.isEmpty()) {
                return null;
            }
            java.util.Set<String> onDemand = rule.readsOnDemand();
            if (onDemand == null || onDemand.isEmpty()) {
                return reads.get();
            }
            java.util.Set<String> all = new java.util.HashSet<>(reads.get());
            all.addAll(onDemand);
            return all;
        } catch (OutOfMemoryError | InternalError | UnknownError e) {
            throw e;
        } catch (Throwable e) {
            return null; // the evaluator logs a failing reads() where it asks for the sources' interest
        }
    }

    private Map<String, String> context(Labels labels, Snapshot snapshot) {
        try {
            Map<String, String> c = rule.context(labels, snapshot.tracking(visibleNames()));
            if (c == null || c.isEmpty()) {
                return Map.of();
            }
            Map<String, String> copy = new TreeMap<>();
            c.forEach((k, v) -> {
                if (k != null && v != null) {
                    copy.put(k, v);
                }
            });
            return copy;
        } catch (OutOfMemoryError | InternalError | UnknownError e) {
            throw e;
        } catch (Throwable e) {
            LOG.debug("rule {}: context computation failed: {}", rule.name(), e.toString());
            return Map.of();
        }
    }

    private Map<Labels, Candidate> candidates(Snapshot snapshot, Labels externalLabels, String externalUrl)
            throws Exception {
        List<Sample> samples;
        boolean[] held;
        if (built != null && built.expression().isPresent()) {
            Vector v = built.expression().get().evaluate(snapshot);
            samples = v.samples();
            held = new boolean[v.size()];
            for (int i = 0; i < held.length; i++) {
                held[i] = v.held(i);
            }
        } else {
            Snapshot.Tracking view = snapshot.tracking(visibleNames());
            samples = rule.evaluate(view);
            if (samples == null) {
                throw new IllegalStateException("rule returned null");
            }
            held = new boolean[samples.size()];
            for (int i = 0; i < held.length; i++) {
                Sample s = samples.get(i);
                if (s == null) {
                    throw new IllegalStateException("rule returned a null sample");
                }
                held[i] = view.readHeld() && snapshot.isHeld(s);
            }
        }
        if (samples.isEmpty()) {
            return Map.of();
        }
        TemplateData.Query query = templates.usesQuery() ? templates.query(snapshot) : null;
        Map<Labels, Candidate> out = new HashMap<>(samples.size() * 2);
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            TemplateData data = new TemplateData(s.labels(), s.value(), externalLabels, externalUrl, query);
            Labels.Builder lb = s.labels().toBuilder().remove(Labels.METRIC_NAME);
            List<String> ln = templates.labelNames();
            List<Template> lt = templates.labelTemplates();
            for (int j = 0; j < ln.size(); j++) {
                lb.put(ln.get(j), lt.get(j).expand(data));
            }
            lb.put("alertname", rule.name());
            Labels labels = lb.build();
            Map<String, String> annotations;
            List<String> an = templates.annotationNames();
            if (an.isEmpty()) {
                annotations = Map.of();
            } else {
                annotations = new TreeMap<>();
                List<Template> at = templates.annotationTemplates();
                for (int j = 0; j < an.size(); j++) {
                    annotations.put(an.get(j), at.get(j).expand(data));
                }
            }
            Candidate prev = out.put(labels, new Candidate(labels, annotations, s.value(), held[i]));
            if (prev != null) {
                throw new ResultException(DUPLICATE_LABELSET, labels.toString());
            }
        }
        return out;
    }

    /** Prometheus' series of the pending and firing alerts, with the alert state as label {@code alertstate}. */
    static final String ALERTS = "ALERTS";
    /** Prometheus' series of the pending and firing alerts, with the time they became active as value. */
    static final String ALERTS_FOR_STATE = "ALERTS_FOR_STATE";

    /**
     * Writes, after a successful evaluation at {@code time}, Prometheus' {@code ALERTS} (value 1) and
     * {@code ALERTS_FOR_STATE} (value: when the alert became active, in whole Unix seconds) series of every pending
     * and firing alert (rules/alerting.go), for the rules after this one now and every rule from the next evaluation
     * on, and marks stale the series written last time and not now (an alert that resolved, went away or changed
     * state), as the rule manager does. A resolved alert writes nothing.
     */
    void writeAlertSeries(long time, RecordedSeries recorded, dev.tocsin.core.internal.expr.History history) {
        java.util.Set<Labels> now = new java.util.HashSet<>(active.size() * 4);
        for (ActiveAlert a : active.values()) {
            if (a.state == AlertState.RESOLVED) {
                continue;
            }
            Labels series = a.state == AlertState.FIRING ? firingLabels(a) : pendingLabels(a);
            Labels forState = forStateLabels(a);
            double since = a.activeAt.getEpochSecond();
            recorded.put(new Sample(series, 1), false, time);
            history.appendRecorded(series, time, 1, false);
            recorded.put(new Sample(forState, since), false, time);
            history.appendRecorded(forState, time, since, false);
            now.add(series);
            now.add(forState);
        }
        for (Labels gone : alertSeries) {
            if (!now.contains(gone)) {
                recorded.remove(gone);
                history.markRecordedStale(gone, time);
            }
        }
        alertSeries = now.isEmpty() ? java.util.Set.of() : now;
    }

    /** Forgets the rule's ALERTS series (the rule was removed or nobody reads them any more), returning them. */
    java.util.Set<Labels> clearAlertSeries(RecordedSeries recorded) {
        java.util.Set<Labels> w = alertSeries;
        w.forEach(recorded::remove);
        alertSeries = java.util.Set.of();
        return w;
    }

    private Labels pendingLabels(ActiveAlert a) {
        if (a.alertsPending == null) {
            a.alertsPending = alertLabels(a, ALERTS).put("alertstate", "pending").build();
        }
        return a.alertsPending;
    }

    private Labels firingLabels(ActiveAlert a) {
        if (a.alertsFiring == null) {
            a.alertsFiring = alertLabels(a, ALERTS).put("alertstate", "firing").build();
        }
        return a.alertsFiring;
    }

    private Labels forStateLabels(ActiveAlert a) {
        if (a.forState == null) {
            a.forState = alertLabels(a, ALERTS_FOR_STATE).build();
        }
        return a.forState;
    }

    /** The rule's raw labels, overridden by the alert's labels, then the metric name and {@code alertname}. */
    private Labels.Builder alertLabels(ActiveAlert a, String metricName) {
        Labels.Builder b = a.labels.toBuilder();
        rawLabels.forEach((k, v) -> {
            if (v != null && !a.labels.has(k)) {
                b.put(k, v); // a label whose template expanded to "" (so the alert lacks it) keeps its raw text
            }
        });
        return b.put(Labels.METRIC_NAME, metricName).put("alertname", rule.name());
    }

    /** Returns a snapshot of one alert. */
    Alert snapshot(ActiveAlert a) {
        Alert.Builder b = Alert.builder(rule.name(), a.labels, a.state, a.activeAt).annotations(a.annotations)
                .value(a.value).context(a.context);
        if (a.firedAt != null) {
            b.firedAt(a.firedAt);
        }
        if (a.resolvedAt != null) {
            b.resolvedAt(a.resolvedAt);
        }
        if (runbook != null) {
            b.runbook(runbook);
        }
        return b.build();
    }

    /** Appends snapshots of every alert (any state) to {@code out}. */
    void allAlerts(List<Alert> out) {
        int from = out.size();
        for (ActiveAlert a : active.values()) {
            out.add(snapshot(a));
        }
        out.subList(from, out.size()).sort((x, y) -> x.labels().compareTo(y.labels()));
    }

    /** Appends snapshots of FIRING and retained RESOLVED alerts to {@code out}. */
    void sendableAlerts(List<Alert> out) {
        for (ActiveAlert a : active.values()) {
            if (a.state != AlertState.PENDING) {
                out.add(snapshot(a));
            }
        }
    }
}
