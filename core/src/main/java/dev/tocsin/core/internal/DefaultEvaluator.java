package dev.tocsin.core.internal;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertListener;
import dev.tocsin.core.EvaluationStats;
import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Labels;
import dev.tocsin.core.MetricInterest;
import dev.tocsin.core.MetricSource;
import dev.tocsin.core.Notification;
import dev.tocsin.core.Notifier;
import dev.tocsin.core.Rule;
import dev.tocsin.core.Sample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/** The {@link Evaluator} built by {@link Evaluator.Builder}. */
public final class DefaultEvaluator implements Evaluator {

    private static final Logger LOG = LoggerFactory.getLogger("dev.tocsin.core.Evaluator");
    private static final long CLOSE_WAIT_MILLIS = 10_000;
    /** The most threads reading sources in parallel (one per source up to this). */
    private static final int MAX_READERS = 32;

    private final List<SourceRuntime> sources;
    /** The registered alerting rules ({@link RuleRuntime}) and recording rules ({@link RecordingRuntime}), in order. */
    private final CopyOnWriteArrayList<Object> rules = new CopyOnWriteArrayList<>();
    /** Expressions evaluated by {@link #query} whose history must be kept (rule unit tests). */
    private final CopyOnWriteArrayList<dev.tocsin.core.internal.expr.Expression> queried =
            new CopyOnWriteArrayList<>();
    private final List<AlertListener> listeners;
    private final List<Notifier> notifiers;
    private final Duration interval;
    private final Clock clock;
    private final ScheduledExecutorService externalExecutor;
    private final Labels externalLabels;
    private final String externalUrl;
    private final boolean holdOnSourceFailure;
    private final Duration sourceStaleness;

    private final ReentrantLock evalLock = new ReentrantLock();
    /** Samples of past cycles for range selectors and offsets; only touched under {@link #evalLock}. */
    private final dev.tocsin.core.internal.expr.History history = new dev.tocsin.core.internal.expr.History();
    /** The recording rules' latest samples; only touched under {@link #evalLock}. */
    private final RecordedSeries recorded = new RecordedSeries();
    /** Series of removed recording rules, to be marked stale in the history at the next evaluation. */
    private final List<Labels> pendingStale = new ArrayList<>();
    /** The rules whose last evaluation failed: name and message. */
    private volatile List<Map.Entry<String, String>> lastErrors = List.of();
    /** The newest timestamp up to which samples of timestamped raw sources are in {@link #history}. */
    private long rawRecordedUntil = Long.MIN_VALUE;
    private final Object lifecycle = new Object();
    private ScheduledThreadPoolExecutor ownExecutor;
    private volatile Thread evaluatorThread;
    /** Reads several sources in parallel (created on first use when there are two or more sources). */
    private volatile ExecutorService readers;
    /** A source's collect() still running from an earlier cycle: not started again until it ends. */
    private final Map<SourceRuntime, Future<Object>> inFlight = new HashMap<>();
    /** An interrupted evaluation left reads running: the next one waits for them rather than count them failed. */
    private boolean abandonedReads;
    private volatile ScheduledFuture<?> task;
    /** Where {@link #task} runs, once started. */
    private volatile ScheduledExecutorService scheduler;
    /** The scheduled evaluations' times. */
    private final TickGrid grid;
    /** Listeners and notifiers that took long enough to delay evaluations (evaluation thread only). */
    private final SlowCalls slowCalls;
    /** Skipped grid times not yet reported, and when the last report was (scheduling thread only). */
    private long skippedTicks;
    private Instant skipReportedAt;
    private volatile boolean closed;
    /** The rules of the evaluation in progress (under {@link #evalLock}), else null. */
    private List<Object> cycleRules;
    /** close() was called on the evaluating thread: the evaluation closes the rest when it ends. */
    private boolean closeAfterEvaluation;
    /** Released when close() has closed everything: a second close() waits for it. */
    private final java.util.concurrent.CountDownLatch closedLatch = new java.util.concurrent.CountDownLatch(1);
    private volatile List<Alert> current = List.of();
    private volatile EvaluationStats lastStats;

    /**
     * A rule (a {@link Rule} or a {@link dev.tocsin.core.rules.RecordingRule}) with its rule-file group's settings.
     *
     * @param rule the rule
     * @param limit the most alerts (series) it may produce in one evaluation, 0 for none
     * @param intervalMillis the group's evaluation interval in milliseconds, 0 for every evaluation
     */
    public record Grouped(Object rule, int limit, long intervalMillis) {
    }

    /**
     * Creates the evaluator from the builder's settings.
     *
     * @param rules {@link Rule}s and {@link dev.tocsin.core.rules.RecordingRule}s, each possibly {@link Grouped},
     *     in evaluation order
     */
    public DefaultEvaluator(List<MetricSource> sources, List<?> rules, List<AlertListener> listeners,
                            List<Notifier> notifiers, Duration interval, Clock clock,
                            ScheduledExecutorService executor, Labels externalLabels, String externalUrl,
                            boolean holdOnSourceFailure, Duration sourceStaleness) {
        List<SourceRuntime> rs = new ArrayList<>();
        Set<Labels> targets = new HashSet<>();
        for (MetricSource s : sources) {
            SourceRuntime r = new SourceRuntime(s);
            if (!targets.add(r.target)) {
                throw new IllegalArgumentException("two sources share instance and job " + r.target);
            }
            rs.add(r);
        }
        this.sources = List.copyOf(rs);
        for (Object o : rules) {
            int limit = 0;
            long every = 0;
            Object r = o;
            if (o instanceof Grouped) {
                limit = ((Grouped) o).limit();
                every = ((Grouped) o).intervalMillis();
                r = ((Grouped) o).rule();
            }
            if (r instanceof dev.tocsin.core.rules.RecordingRule) {
                this.rules.add(new RecordingRuntime((dev.tocsin.core.rules.RecordingRule) r, limit, every));
            } else {
                RuleRuntime added = new RuleRuntime((Rule) r, limit, every);
                warnIfDuplicate(added);
                this.rules.add(added);
            }
        }
        this.listeners = listeners;
        this.notifiers = notifiers;
        this.interval = interval;
        this.grid = new TickGrid(interval);
        this.slowCalls = new SlowCalls(interval);
        this.clock = clock;
        this.externalExecutor = executor;
        this.externalLabels = externalLabels;
        this.externalUrl = externalUrl;
        this.holdOnSourceFailure = holdOnSourceFailure;
        this.sourceStaleness = sourceStaleness;
    }

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("evaluator is closed");
            }
            if (scheduler != null) {
                throw new IllegalStateException("evaluator already started");
            }
            ScheduledExecutorService ex = externalExecutor;
            if (ex == null) {
                ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, r -> {
                    Thread t = new Thread(r, "tocsin-evaluator");
                    t.setDaemon(true);
                    evaluatorThread = t;
                    return t;
                });
                // close() shuts it down: the next tick, already scheduled, must neither run nor be waited for
                own.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
                own.setRemoveOnCancelPolicy(true);
                ownExecutor = own;
                ex = own;
            }
            scheduler = ex;
            if (!schedule(0)) {
                scheduler = null; // start() may be called again, with an executor that runs tasks
                throw new IllegalStateException("the executor refused the first evaluation (is it shut down?)");
            }
        }
    }

    /** One scheduled evaluation, at its grid time (see {@link TickGrid}); then the next one is scheduled. */
    private void tick() {
        try {
            if (!closed) {
                Instant at = grid.next(clock.instant());
                reportSkipped(at);
                evaluate(at);
            }
        } catch (OutOfMemoryError | InternalError | UnknownError e) {
            LOG.error("evaluation failed: {}", e.toString()); // said before it leaves: a scheduled task keeps it
            throw e;
        } catch (Throwable e) {
            // never let the scheduling stop; an evaluation cut short by close() is no failure
            if (!closed) {
                LOG.error("evaluation failed unexpectedly", e);
            }
        } finally {
            long delay;
            try {
                delay = grid.delayNanos(clock.instant());
            } catch (Throwable e) {
                // a clock that failed once: try again in one interval rather than never
                LOG.error("the clock failed; next evaluation in one interval", e);
                delay = interval.toNanos();
            }
            schedule(delay);
        }
    }

    /** Skipped grid times (evaluations that overran the interval), said at most once a minute. */
    private void reportSkipped(Instant at) {
        skippedTicks += grid.takeSkipped();
        if (skippedTicks > 0 && (skipReportedAt == null || !at.isBefore(skipReportedAt.plusSeconds(60)))) {
            LOG.warn("evaluations take longer than the interval ({}): {} skipped since {}",
                    dev.tocsin.core.internal.expr.PromDuration.format(interval), skippedTicks,
                    skipReportedAt == null ? "the start" : skipReportedAt);
            skippedTicks = 0;
            skipReportedAt = at;
        }
    }

    /**
     * Schedules the next tick. No lock: close() holds the lifecycle lock while it waits for this thread's task to
     * end. A tick scheduled while close() runs is cancelled here or by close(), whichever comes second.
     */
    private boolean schedule(long delayNanos) {
        if (closed) {
            return true;
        }
        ScheduledFuture<?> f;
        try {
            f = scheduler.schedule(this::tick, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            if (!closed) {
                // the host's executor was shut down: say once that evaluations stop
                LOG.error("the executor refused the next evaluation; scheduled evaluations stop", e);
            }
            return false;
        }
        task = f;
        if (closed) {
            f.cancel(false);
        }
        return true;
    }

    @Override
    public List<Alert> evaluate(Instant now) {
        java.util.Objects.requireNonNull(now, "now");
        if (closed) {
            throw new IllegalStateException("evaluator is closed");
        }
        if (evalLock.isHeldByCurrentThread()) {
            // a listener, notifier, source or rule of the evaluation in progress: a nested one would notify before
            // the outer one, which would then send an older view
            throw new IllegalStateException("evaluate() called during an evaluation (from a listener, notifier,"
                    + " source or rule); evaluations do not nest");
        }
        evalLock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("evaluator is closed");
            }
            // the rules of this evaluation: one added meanwhile takes part from the next one, as documented (the
            // sources were read without its metrics)
            cycleRules = java.util.Arrays.asList(rules.toArray());
            long t0 = System.nanoTime();
            Snapshot snapshot = readSources(now);
            if (Thread.currentThread().isInterrupted()) {
                // the reads may have failed for it: healthy sources would look down and their alerts fire
                throw new java.util.concurrent.CancellationException("evaluation interrupted while reading the"
                        + " sources; nothing was updated");
            }
            long t1 = System.nanoTime();
            recordHistory(snapshot, now);
            long t = now.toEpochMilli();
            recorded.expire(t);
            for (Labels l : pendingStale) {
                history.markRecordedStale(l, t);
            }
            pendingStale.clear();
            long t2 = System.nanoTime();
            snapshot.attachRecorded(recorded);
            boolean alertSeries = alertSeriesRead();
            List<Alert> transitions = new ArrayList<>();
            List<Alert> all = new ArrayList<>();
            List<Alert> sendable = new ArrayList<>();
            List<Map.Entry<String, String>> errors = new ArrayList<>();
            for (Object o : cycleRules) {
                if (o instanceof RecordingRuntime) {
                    RecordingRuntime rr = (RecordingRuntime) o;
                    if (rr.removed || !rr.pace.due(t, interval.toMillis())) {
                        continue; // not due: its last output stays visible for the usual lookback
                    }
                    if (!evaluateRecording(rr, snapshot, t)) {
                        errors.add(Map.entry(rr.rule.name(), String.valueOf(rr.lastError)));
                    }
                    continue;
                }
                RuleRuntime r = (RuleRuntime) o;
                if (r.removed) {
                    continue;
                }
                if (!r.pace.due(t, interval.toMillis())) {
                    // its group is not due: its alerts stay as its last evaluation left them (and are sent again
                    // unless that evaluation failed)
                    r.allAlerts(all);
                    if (r.lastFailure == null) {
                        r.sendableAlerts(sendable);
                    }
                    continue;
                }
                boolean ok;
                int mark = transitions.size();
                try {
                    ok = r.evaluate(snapshot, now, externalLabels, externalUrl, transitions);
                } catch (OutOfMemoryError | InternalError | UnknownError e) {
                    throw e;
                } catch (Throwable e) {
                    // user code reached outside the rule's own guard (e.g. a template function): isolate it
                    LOG.warn("rule {} failed: {}", r.rule.name(), e.toString());
                    while (transitions.size() > mark) {
                        transitions.remove(transitions.size() - 1);
                    }
                    r.lastFailure = String.valueOf(e.getMessage());
                    ok = false;
                }
                if (!ok) {
                    errors.add(Map.entry(r.rule.name(), String.valueOf(r.lastFailure)));
                } else if (alertSeries) {
                    r.writeAlertSeries(t, recorded, history);
                } else {
                    for (Labels l : r.clearAlertSeries(recorded)) {
                        history.markRecordedStale(l, t);
                    }
                }
                r.allAlerts(all);
                if (ok) {
                    // as Prometheus: a rule whose evaluation failed sends nothing this cycle
                    r.sendableAlerts(sendable);
                }
            }
            current = List.copyOf(all);
            lastErrors = List.copyOf(errors);
            long t3 = System.nanoTime();
            notifyListeners(transitions);
            // a rule removed by a listener (removeRule sends nothing of its alerts) is left out of the notification
            List<Alert> toSend = transitions;
            List<Alert> active = sendable;
            java.util.Set<String> removedNow = new java.util.HashSet<>();
            for (Object o : cycleRules) {
                if (o instanceof RuleRuntime && ((RuleRuntime) o).removed) {
                    removedNow.add(((RuleRuntime) o).rule.name());
                }
            }
            if (!removedNow.isEmpty()) {
                toSend = new ArrayList<>(transitions);
                toSend.removeIf(a -> removedNow.contains(a.ruleName()));
                active = new ArrayList<>(sendable);
                active.removeIf(a -> removedNow.contains(a.ruleName()));
            }
            notifyNotifiers(new Notification(now, interval, toSend, active));
            long t4 = System.nanoTime();
            lastStats = new EvaluationStats(now, Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1),
                    Duration.ofNanos(t3 - t2), Duration.ofNanos(t4 - t3), snapshot.seriesCount());
            return List.copyOf(transitions);
        } finally {
            cycleRules = null;
            unlockAndFinishDeferredClose();
        }
    }

    /** The rules of the evaluation in progress (see {@link #evaluate}), else every registered rule. */
    private List<Object> ruleList() {
        List<Object> c = cycleRules;
        return c != null ? c : rules;
    }

    /**
     * Whether some rule or queried expression may read the {@code ALERTS} or {@code ALERTS_FOR_STATE} series: only
     * then are they written (a few set lookups per cycle; nothing is built for the alerts when nobody reads them). A
     * Java rule reads them only when its {@link Rule#reads()} names them.
     */
    private boolean alertSeriesRead() {
        for (dev.tocsin.core.internal.expr.Expression e : queried) {
            if (readsAlertSeries(e)) {
                return true;
            }
        }
        for (Object o : ruleList()) {
            if (o instanceof RecordingRuntime) {
                RecordingRuntime rr = (RecordingRuntime) o;
                if (!rr.removed && readsAlertSeries(rr.expression())) {
                    return true;
                }
                continue;
            }
            RuleRuntime r = (RuleRuntime) o;
            if (r.removed) {
                continue;
            }
            if (r.dynamicTemplateQueries()) {
                return true;
            }
            for (dev.tocsin.core.internal.expr.Expression q : r.templateQueries()) {
                if (readsAlertSeries(q)) {
                    return true;
                }
            }
            if (r.rule instanceof BuiltRule && ((BuiltRule) r.rule).expression().isPresent()) {
                if (readsAlertSeries(((BuiltRule) r.rule).expression().get())) {
                    return true;
                }
                continue;
            }
            try {
                java.util.Optional<java.util.Set<String>> reads = r.rule.reads();
                if (reads != null && reads.isPresent() && (reads.get().contains(RuleRuntime.ALERTS)
                        || reads.get().contains(RuleRuntime.ALERTS_FOR_STATE))) {
                    return true;
                }
            } catch (OutOfMemoryError | InternalError | UnknownError e) {
                throw e;
            } catch (Throwable e) {
                // interest() reports it
            }
        }
        return false;
    }

    private static boolean readsAlertSeries(dev.tocsin.core.internal.expr.Expression e) {
        return e.readsAllFamilies() || e.readsAllHistory()
                || e.metricNames().contains(RuleRuntime.ALERTS)
                || e.metricNames().contains(RuleRuntime.ALERTS_FOR_STATE)
                || e.historyMetricNames().contains(RuleRuntime.ALERTS)
                || e.historyMetricNames().contains(RuleRuntime.ALERTS_FOR_STATE);
    }

    private boolean evaluateRecording(RecordingRuntime rr, Snapshot snapshot, long t) {
        try {
            return rr.evaluate(snapshot, t, recorded, history);
        } catch (OutOfMemoryError | InternalError | UnknownError e) {
            throw e;
        } catch (Throwable e) {
            LOG.warn("recording rule {} failed: {}", rr.rule.name(), e.toString());
            rr.lastError = String.valueOf(e.getMessage());
            return false;
        }
    }

    @Override
    public java.util.Optional<EvaluationStats> lastEvaluation() {
        return java.util.Optional.ofNullable(lastStats);
    }

    /**
     * Internal, for rule unit tests: the rules (alerting and recording) whose evaluation failed in the last
     * evaluation, in evaluation order, with the failure's message.
     */
    public List<Map.Entry<String, String>> lastEvaluationErrors() {
        return lastErrors;
    }

    /**
     * Internal, for rule unit tests: {@code observer} hears every sample the registered recording rules write from the
     * next evaluation on (promtool's test storage refuses a second, different sample of a series at one time).
     */
    public void observeRecorded(RecordedObserver observer) {
        for (Object o : rules) {
            if (o instanceof RecordingRuntime) {
                ((RecordingRuntime) o).observer = observer;
            }
        }
    }

    /**
     * Internal, for rule unit tests: keep the history this expression reads (its ranges and offsets) from the next
     * evaluation on, so that {@link #query} can evaluate it.
     */
    public void retainHistoryFor(dev.tocsin.core.internal.expr.Expression e) {
        queried.add(java.util.Objects.requireNonNull(e, "e"));
    }

    /**
     * Internal, for rule unit tests ({@code promql_expr_test}): evaluates an expression at {@code at} (at or after
     * the last evaluation) over the sources read at {@code at}, the recorded series visible then and the history.
     * Changes no rule's state.
     *
     * @throws dev.tocsin.core.internal.expr.ExpressionEvaluationException when the evaluation fails
     */
    public dev.tocsin.core.internal.expr.Vector query(dev.tocsin.core.internal.expr.Expression e, Instant at) {
        evalLock.lock();
        try {
            Snapshot snapshot = readSources(at);
            snapshot.attachTimestampedSources(recordRawSamples(at.toEpochMilli()));
            snapshot.attachHistory(history);
            recorded.expire(at.toEpochMilli());
            snapshot.attachRecorded(recorded);
            return e.evaluate(snapshot);
        } finally {
            unlockAndFinishDeferredClose();
        }
    }

    /** Releases the evaluation lock; closes what close() left when it was called under it (see evaluate). */
    private void unlockAndFinishDeferredClose() {
        boolean closeNow = closeAfterEvaluation && evalLock.getHoldCount() == 1;
        evalLock.unlock();
        if (closeNow) {
            closeAfterEvaluation = false;
            finishClose(); // close() was called from this evaluation's listener, notifier, source or rule
        }
    }

    /**
     * Puts every sample of the timestamped raw sources (rule unit tests' input series) up to {@code t} into the
     * history, each with its own timestamp, as Prometheus reads its storage (not one sample per evaluation).
     *
     * @return those sources; empty for live sources
     */
    private List<RawSeriesSource> recordRawSamples(long t) {
        List<RawSeriesSource> timestamped = new ArrayList<>();
        for (SourceRuntime s : sources) {
            if (s.source instanceof RawSeriesSource && ((RawSeriesSource) s.source).hasTimestampedSamples()) {
                timestamped.add((RawSeriesSource) s.source);
            }
        }
        if (t > rawRecordedUntil) {
            for (RawSeriesSource s : timestamped) {
                s.samplesBetween(rawRecordedUntil, t, history::recordRaw);
            }
            rawRecordedUntil = t;
        }
        return timestamped;
    }

    /**
     * Sizes the history for the registered rules' ranges and offsets (per metric name, the longest range plus offset
     * with which a rule reads it), records
     * this cycle's samples of the metrics they read that way, and attaches the history to the snapshot.
     */
    private void recordHistory(Snapshot snapshot, Instant now) {
        long retention = 0;
        Map<String, Long> names = new java.util.HashMap<>();
        boolean all = false;
        List<dev.tocsin.core.internal.expr.Expression> exprs = new ArrayList<>(queried);
        for (Object o : ruleList()) {
            if (o instanceof RecordingRuntime) {
                if (!((RecordingRuntime) o).removed) {
                    exprs.add(((RecordingRuntime) o).expression());
                }
                continue;
            }
            RuleRuntime r = (RuleRuntime) o;
            if (!r.removed && r.rule instanceof BuiltRule && ((BuiltRule) r.rule).expression().isPresent()) {
                exprs.add(((BuiltRule) r.rule).expression().get());
            }
            if (!r.removed) {
                exprs.addAll(r.templateQueries());
            }
        }
        for (dev.tocsin.core.internal.expr.Expression e : exprs) {
            if (e.readsAllHistory()) {
                all = true;
                retention = Math.max(retention, e.lookbackNeeded().toMillis());
            }
            for (Map.Entry<String, Long> n : e.historyLookbackMillis().entrySet()) {
                names.merge(n.getKey(), n.getValue(), Math::max);
            }
        }
        history.configure(names, retention, all);
        List<RawSeriesSource> timestamped = recordRawSamples(now.toEpochMilli());
        // the sources' samples, just before now (see History.SOURCE_TIME_OFFSET_MILLIS)
        long t = now.toEpochMilli() - dev.tocsin.core.internal.expr.History.SOURCE_TIME_OFFSET_MILLIS;
        snapshot.attachTimestampedSources(timestamped);
        if (timestamped.isEmpty()) {
            history.record(t, snapshot);
        } else {
            history.record(t, snapshot, l -> {
                for (RawSeriesSource s : timestamped) {
                    if (s.isOwnSeries(l)) {
                        return true;
                    }
                }
                return false;
            });
        }
        snapshot.attachHistory(history);
    }

    private Snapshot readSources(Instant now) {
        List<SourceRuntime.Read> reads = collectAll(now);
        boolean anyHeld = false;
        Set<Labels> heldTargets = new HashSet<>();
        for (int i = 0; i < reads.size(); i++) {
            if (reads.get(i).held) {
                anyHeld = true;
                heldTargets.add(sources.get(i).target);
            }
        }
        Map<String, Snapshot.Group> groups = new HashMap<>();
        if (reads.size() == 1) {
            SourceRuntime.Read r = reads.get(0);
            for (Map.Entry<String, Sample[]> e : r.groups.entrySet()) {
                groups.put(e.getKey(), new Snapshot.Group(e.getValue(), flags(e.getValue().length, r.held)));
            }
        } else {
            Map<String, List<Sample[]>> parts = new HashMap<>();
            Map<String, List<Boolean>> partHeld = new HashMap<>();
            for (SourceRuntime.Read r : reads) {
                for (Map.Entry<String, Sample[]> e : r.groups.entrySet()) {
                    parts.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
                    partHeld.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(r.held);
                }
            }
            for (Map.Entry<String, List<Sample[]>> e : parts.entrySet()) {
                int n = 0;
                for (Sample[] a : e.getValue()) {
                    n += a.length;
                }
                Sample[] all = new Sample[n];
                boolean[] held = new boolean[n];
                int o = 0;
                List<Boolean> hs = partHeld.get(e.getKey());
                for (int i = 0; i < e.getValue().size(); i++) {
                    Sample[] a = e.getValue().get(i);
                    System.arraycopy(a, 0, all, o, a.length);
                    if (hs.get(i)) {
                        java.util.Arrays.fill(held, o, o + a.length, true);
                    }
                    o += a.length;
                }
                groups.put(e.getKey(), new Snapshot.Group(all, held));
            }
        }
        // health series: never held
        Map<String, List<Sample>> health = new HashMap<>();
        for (SourceRuntime.Read r : reads) {
            if (r.health == null) {
                continue; // a RawSeriesSource has no health series
            }
            health.computeIfAbsent(r.health.metricName(), k -> new ArrayList<>()).add(r.health);
        }
        for (Map.Entry<String, List<Sample>> e : health.entrySet()) {
            Snapshot.Group existing = groups.get(e.getKey());
            List<Sample> merged = new ArrayList<>(e.getValue());
            List<Boolean> mergedHeld = new ArrayList<>();
            merged.forEach(x -> mergedHeld.add(false));
            if (existing != null) {
                for (int i = 0; i < existing.samples.length; i++) {
                    merged.add(existing.samples[i]);
                    mergedHeld.add(existing.held[i]);
                }
            }
            boolean[] h = new boolean[merged.size()];
            for (int i = 0; i < h.length; i++) {
                h[i] = mergedHeld.get(i);
            }
            groups.put(e.getKey(), new Snapshot.Group(merged.toArray(new Sample[0]), h));
        }
        Snapshot snapshot = new Snapshot(now, groups, anyHeld, heldTargets);
        snapshot.defaultSubqueryStep(interval.toMillis());
        List<Snapshot.OnDemand> onDemand = new ArrayList<>(0);
        for (int i = 0; i < reads.size(); i++) {
            SourceRuntime.Read r = reads.get(i);
            if (r.onDemand != null) {
                onDemand.add(new Snapshot.OnDemand(r.onDemand, r.held, sources.get(i).target));
            }
        }
        if (!onDemand.isEmpty()) {
            snapshot.attachOnDemand(onDemand);
        }
        return snapshot;
    }

    /**
     * Reads every source. One source is read on the evaluation thread; several are read in parallel on a small
     * bounded pool, and a source that has not answered within the evaluation interval counts as failed for this
     * cycle, so one slow HAProxy never delays the others' alerts.
     */
    private List<SourceRuntime.Read> collectAll(Instant now) {
        List<SourceRuntime.Read> reads = new ArrayList<>(sources.size());
        MetricInterest interest = interest();
        if (sources.size() == 1) {
            SourceRuntime s = sources.get(0);
            reads.add(s.complete(s.collect(interest), now, holdOnSourceFailure, sourceStaleness));
            return reads;
        }
        if (sources.isEmpty()) {
            return reads;
        }
        if (readers == null) {
            // a thread per source (up to MAX_READERS): a source whose reads outlast the interval keeps its thread
            // busy, and would otherwise queue a healthy source's read behind it at every cycle
            int n = Math.min(sources.size(), MAX_READERS);
            readers = Executors.newFixedThreadPool(n, r -> {
                Thread t = new Thread(r, "tocsin-source-reader");
                t.setDaemon(true);
                return t;
            });
            if (closed) {
                readers.shutdownNow(); // close() gave up waiting for this evaluation: leave no threads behind
            }
        }
        long deadline = System.nanoTime() + interval.toNanos();
        List<Future<Object>> futures = new ArrayList<>(sources.size());
        boolean reuse = abandonedReads;
        for (SourceRuntime s : sources) {
            Future<Object> previous = inFlight.get(s);
            if (previous != null && !previous.isDone() && abandonedReads) {
                futures.add(previous); // started by an evaluation that was interrupted: its answer is this cycle's
            } else if (previous != null && !previous.isDone()) {
                futures.add(null); // still busy with an earlier cycle's read
            } else {
                Future<Object> f;
                try {
                    f = readers.submit(() -> s.collect(interest));
                } catch (RejectedExecutionException e) {
                    // closed meanwhile: the evaluation ends with this source unread
                    f = java.util.concurrent.CompletableFuture.completedFuture(
                            new IllegalStateException("evaluator is closing"));
                }
                inFlight.put(s, f);
                futures.add(f);
            }
        }
        for (int i = 0; i < sources.size(); i++) {
            SourceRuntime s = sources.get(i);
            Future<Object> f = futures.get(i);
            Object outcome;
            if (f == null) {
                outcome = new TimeoutException("the previous read has not finished yet");
            } else {
                try {
                    outcome = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    outcome = new TimeoutException("no answer within the evaluation interval (" + interval + ")");
                } catch (ExecutionException e) {
                    outcome = e.getCause();
                } catch (InterruptedException e) {
                    // evaluate() gives up (see there): counting the sources failed would fire their alerts; the
                    // reads go on, and the next evaluation takes their answers
                    abandonedReads = true;
                    Thread.currentThread().interrupt();
                    throw new java.util.concurrent.CancellationException("evaluation interrupted while reading the"
                            + " sources; nothing was updated");
                }
            }
            reads.add(s.complete(outcome, now, holdOnSourceFailure, sourceStaleness));
        }
        if (reuse) {
            abandonedReads = false;
        }
        return reads;
    }

    /**
     * The metric names the registered alerting rules (see {@link Rule#reads()}) and recording rules read: every name
     * as soon as one rule may read anything. A recording rule's output (and {@code ALERTS} / {@code ALERTS_FOR_STATE},
     * which come from the evaluator) needs no source, but listing it is harmless. Recomputed each cycle (a few small
     * set unions), so added and removed rules count at once.
     */
    MetricInterest interest() {
        java.util.Set<String> names = new java.util.HashSet<>();
        // names only rules' readsOnDemand() name; MetricInterest.of drops those another rule reads in every cycle
        java.util.Set<String> onDemand = new java.util.HashSet<>();
        for (Object o : ruleList()) {
            if (o instanceof RecordingRuntime) {
                RecordingRuntime rr = (RecordingRuntime) o;
                if (rr.removed) {
                    continue;
                }
                dev.tocsin.core.internal.expr.Expression e = rr.expression();
                if (e.readsAllFamilies() || e.readsAllHistory()) {
                    return MetricInterest.all();
                }
                names.addAll(e.metricNames());
                names.addAll(e.historyMetricNames());
                continue;
            }
            RuleRuntime r = (RuleRuntime) o;
            if (r.removed) {
                continue;
            }
            // what its templates query: a text built at expansion time may read any metric
            if (r.dynamicTemplateQueries()) {
                return MetricInterest.all();
            }
            for (dev.tocsin.core.internal.expr.Expression q : r.templateQueries()) {
                if (q.readsAllFamilies() || q.readsAllHistory()) {
                    return MetricInterest.all();
                }
                names.addAll(q.metricNames());
                names.addAll(q.historyMetricNames());
            }
            java.util.Optional<java.util.Set<String>> reads;
            try {
                reads = r.rule.reads();
            } catch (OutOfMemoryError | InternalError | UnknownError e) {
                throw e;
            } catch (Throwable e) {
                LOG.warn("rule {}: reads() failed, reading every metric: {}", r.rule.name(), e.toString());
                return MetricInterest.all();
            }
            if (reads == null || reads.isEmpty()) {
                return MetricInterest.all();
            }
            java.util.Set<String> lazy;
            try {
                lazy = r.rule.readsOnDemand();
            } catch (OutOfMemoryError | InternalError | UnknownError e) {
                throw e;
            } catch (Throwable e) {
                LOG.warn("rule {}: readsOnDemand() failed, reading its metrics in every evaluation: {}",
                        r.rule.name(), e.toString());
                lazy = null;
            }
            if (lazy == null || lazy.isEmpty()) {
                names.addAll(reads.get());
            } else {
                for (String n : reads.get()) {
                    (lazy.contains(n) ? onDemand : names).add(n);
                }
            }
        }
        return MetricInterest.of(names, onDemand);
    }

    private static boolean[] flags(int n, boolean value) {
        boolean[] f = new boolean[n];
        if (value) {
            java.util.Arrays.fill(f, true);
        }
        return f;
    }

    private void notifyListeners(List<Alert> transitions) {
        for (Alert a : transitions) {
            for (AlertListener l : listeners) {
                long t0 = System.nanoTime();
                try {
                    l.onTransition(a);
                    timed(l, "alert listener", t0);
                } catch (OutOfMemoryError | InternalError | UnknownError e) {
                    throw e;
                } catch (Throwable e) {
                    LOG.warn("alert listener {} failed on {} {}: {}", l.getClass().getName(), a.state(),
                            a.ruleName(), e.toString());
                    LOG.debug("listener failure detail", e);
                }
            }
        }
    }

    /** Warns (at most once a minute per callback) when a listener's or notifier's call since {@code t0} was slow. */
    private void timed(Object callback, String what, long t0) {
        long now = System.nanoTime();
        String warning = slowCalls.record(callback, what, now - t0, now);
        if (warning != null) {
            LOG.warn(warning);
        }
    }

    private void notifyNotifiers(Notification n) {
        for (Notifier notifier : notifiers) {
            long t0 = System.nanoTime();
            try {
                notifier.accept(n);
                timed(notifier, "notifier", t0);
            } catch (OutOfMemoryError | InternalError | UnknownError e) {
                throw e;
            } catch (Throwable e) {
                LOG.warn("notifier {} failed: {}", notifier.getClass().getName(), e.toString());
                LOG.debug("notifier failure detail", e);
            }
        }
    }

    @Override
    public void addRule(Rule rule) {
        if (closed) {
            throw new IllegalStateException("evaluator is closed");
        }
        RuleRuntime added = new RuleRuntime(java.util.Objects.requireNonNull(rule, "rule"), 0);
        warnIfDuplicate(added);
        rules.add(added);
    }

    /**
     * Warns when an alerting rule has the name and the labels of one already registered (a preset next to its copy
     * from {@code Rule.from}, say): both run, as in Prometheus, and where their expressions give the same series their
     * alerts have the same labels, which Alertmanager takes for one alert. Rules of one name with different labels (a
     * warning and a critical threshold) are common and not reported.
     */
    private void warnIfDuplicate(RuleRuntime added) {
        for (Object o : rules) {
            if (!(o instanceof RuleRuntime) || ((RuleRuntime) o).removed) {
                continue;
            }
            Rule other = ((RuleRuntime) o).rule;
            try {
                if (other.name().equals(added.rule.name()) && other.labels().equals(added.rule.labels())) {
                    LOG.warn("rule {} is registered twice with the same labels {}: both run, and their alerts for the"
                            + " same series look alike (one alert to Alertmanager); remove one, or add a label that"
                            + " tells them apart", added.rule.name(), added.rule.labels());
                    return;
                }
            } catch (OutOfMemoryError | InternalError | UnknownError e) {
                throw e;
            } catch (Throwable e) {
                return; // a rule whose name or labels fail is reported where it is evaluated
            }
        }
    }

    @Override
    public boolean removeRule(String name) {
        // under the evaluation lock, so a running evaluation cannot bring the removed rule's alerts back
        evalLock.lock();
        try {
            return removeRuleLocked(name);
        } finally {
            evalLock.unlock();
        }
    }

    private boolean removeRuleLocked(String name) {
        boolean any = false;
        for (Object o : rules) {
            if (o instanceof RuleRuntime && ((RuleRuntime) o).rule.name().equals(name)) {
                ((RuleRuntime) o).removed = true;
                any |= rules.remove(o);
                pendingStale.addAll(((RuleRuntime) o).clearAlertSeries(recorded));
            }
        }
        if (any) {
            List<Alert> kept = new ArrayList<>();
            for (Alert a : current) {
                if (!a.ruleName().equals(name)) {
                    kept.add(a);
                }
            }
            current = List.copyOf(kept);
        }
        return any;
    }

    @Override
    public void addRecordingRule(dev.tocsin.core.rules.RecordingRule rule) {
        if (closed) {
            throw new IllegalStateException("evaluator is closed");
        }
        rules.add(new RecordingRuntime(java.util.Objects.requireNonNull(rule, "rule"), 0));
    }

    @Override
    public boolean removeRecordingRule(String name) {
        evalLock.lock();
        try {
            boolean any = false;
            for (Object o : rules) {
                if (o instanceof RecordingRuntime && ((RecordingRuntime) o).rule.name().equals(name)) {
                    RecordingRuntime rr = (RecordingRuntime) o;
                    rr.removed = true;
                    any |= rules.remove(o);
                    pendingStale.addAll(rr.clear(recorded));
                }
            }
            return any;
        } finally {
            evalLock.unlock();
        }
    }

    @Override
    public List<dev.tocsin.core.rules.RecordingRule> recordingRules() {
        List<dev.tocsin.core.rules.RecordingRule> out = new ArrayList<>();
        for (Object o : rules) {
            if (o instanceof RecordingRuntime) {
                out.add(((RecordingRuntime) o).rule);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public List<Rule> rules() {
        List<Rule> out = new ArrayList<>();
        for (Object o : rules) {
            if (o instanceof RuleRuntime) {
                out.add(((RuleRuntime) o).rule);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public List<Alert> alerts() {
        return current;
    }

    @Override
    public void close() {
        boolean first;
        boolean onEvaluatorThread = Thread.currentThread() == evaluatorThread;
        synchronized (lifecycle) {
            first = !closed;
            closed = true;
            if (first) {
                if (task != null) {
                    task.cancel(false);
                }
                if (ownExecutor != null) {
                    ownExecutor.shutdown(); // the tick in progress, if any, ends; no other starts
                }
            }
        }
        if (!first) {
            awaitClosed(); // a second close() (a shutdown hook beside try-with-resources) returns once it is done
            return;
        }
        if (evalLock.isHeldByCurrentThread()) {
            // closed from a listener, notifier, source or rule of the evaluation in progress: it ends first (its
            // notifiers still hear this cycle), then closes the rest (see evaluate)
            closeAfterEvaluation = true;
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        // wait (bounded) for an evaluation in progress, so its sources are not cut off and notifiers not closed
        // under it
        boolean locked = false;
        try {
            locked = evalLock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (locked) {
            evalLock.unlock();
        } else if (!onEvaluatorThread) {
            LOG.warn("close(): an evaluation still runs after {} ms (a slow listener, notifier, source or rule?);"
                    + " closing without it", CLOSE_WAIT_MILLIS);
        }
        if (ownExecutor != null && !onEvaluatorThread) {
            try {
                if (!ownExecutor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    ownExecutor.shutdownNow();
                }
            } catch (InterruptedException e) {
                ownExecutor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        finishClose();
    }

    /** Stops the source readers and closes the notifiers (in parallel, each within its own flush time). */
    private void finishClose() {
        try {
            ExecutorService r;
            synchronized (lifecycle) {
                r = readers;
            }
            if (r != null) {
                r.shutdownNow();
            }
            List<Thread> closing = new ArrayList<>();
            for (Notifier n : notifiers) {
                Thread t = new Thread(() -> closeNotifier(n), "tocsin-close-notifier");
                t.setDaemon(true);
                t.start();
                closing.add(t);
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
            for (Thread t : closing) {
                try {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        } finally {
            closedLatch.countDown();
        }
    }

    private static void closeNotifier(Notifier n) {
        try {
            n.close();
        } catch (Throwable e) {
            LOG.warn("notifier {} failed to close: {}", n.getClass().getName(), e.toString());
        }
    }

    /** Waits (bounded) until the first close() has closed everything. */
    private void awaitClosed() {
        if (evalLock.isHeldByCurrentThread()) {
            return; // the first close() waits for this evaluation: waiting for it here would wait for ourselves
        }
        try {
            closedLatch.await(3 * CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Evaluator[" + sources.size() + " sources, " + rules.size() + " rules, interval " + interval + "]";
    }
}
