package dev.tocsin.core.internal;

import dev.tocsin.core.Labels;
import dev.tocsin.core.MetricsView;
import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.expr.EvalContext;
import dev.tocsin.core.internal.expr.Family;
import dev.tocsin.core.internal.expr.History;
import dev.tocsin.core.internal.expr.Vector;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The metrics of one evaluation, grouped by metric name; immutable once built. */
final class Snapshot implements MetricsView, EvalContext, ExpressionContextProvider {


    /** One metric's samples with their held flags. */
    static final class Group {
        final Sample[] samples;
        final boolean[] held;
        final Family family;
        final List<Sample> list;
        final boolean anyHeld;

        Group(Sample[] samples, boolean[] held) {
            this.samples = samples;
            this.held = held;
            this.family = new Family(samples, held);
            this.list = Collections.unmodifiableList(Arrays.asList(samples));
            boolean any = false;
            for (boolean h : held) {
                any |= h;
            }
            this.anyHeld = any;
        }
    }

    private final Instant time;
    private final Map<String, Group> groups;
    private final boolean anyHeld;
    private final Set<Labels> heldTargets;
    private Set<Sample> heldSamples;
    private History history = History.empty();
    /** The recording rules' series, overlaid on the sources' (null until attached). */
    private RecordedSeries recorded;
    /** The sources that know their samples' own timestamps (rule unit tests' input series); usually none. */
    private List<RawSeriesSource> timestamped = List.of();
    /** The series sources skipped and look up on demand (see {@link OnDemandSeries}); usually none. */
    private List<OnDemand> onDemand = List.of();
    /** Every series of an on-demand name, once {@link #series(String)} asked for all of them; guarded by itself. */
    private final Map<String, OnDemandResult> onDemandAll = new HashMap<>();
    /** Shared subexpression results of this evaluation (see {@link EvalContext#memo()}); cleared on any change. */
    private final Map<String, Vector> memo = new HashMap<>();
    /** The recorded series' version the memo was filled at: a write by a recording rule invalidates it. */
    private long memoVersion = -1;

    Snapshot(Instant time, Map<String, Group> groups, boolean anyHeld, Set<Labels> heldTargets) {
        this.time = time;
        this.groups = groups;
        this.anyHeld = anyHeld;
        this.heldTargets = heldTargets;
    }

    /**
     * One source's on-demand look-up in this evaluation.
     *
     * @param series the look-up
     * @param held whether the source's read is held from an earlier evaluation
     * @param target the source's instance and job (for messages)
     */
    record OnDemand(OnDemandSeries series, boolean held, Labels target) {
    }

    /** Samples looked up on demand, and whether any came from a held read. */
    private record OnDemandResult(List<Sample> samples, boolean held) {
    }

    /** Attaches the sources' on-demand look-ups, before any rule reads this snapshot. */
    void attachOnDemand(List<OnDemand> lookups) {
        this.onDemand = List.copyOf(lookups);
    }

    /** Whether some source answers this name on demand in this evaluation. */
    private boolean onDemand(String metricName) {
        for (OnDemand o : onDemand) {
            if (o.series.names().contains(metricName)) {
                return true;
            }
        }
        return false;
    }

    /** Asks every source that skipped {@code metricName} for the samples matching {@code labels}. */
    private OnDemandResult lookUp(String metricName, Map<String, String> labels) {
        List<Sample> out = new java.util.ArrayList<>();
        boolean held = false;
        for (OnDemand o : onDemand) {
            if (!o.series.names().contains(metricName)) {
                continue;
            }
            List<Sample> found;
            try {
                found = o.series.lookup(metricName, labels);
            } catch (RuntimeException e) {
                throw new IllegalStateException("source " + o.target.get("instance") + " (job "
                        + o.target.get("job") + ") could not look up " + metricName + " on demand: " + e, e);
            }
            out.addAll(found);
            held |= o.held && !found.isEmpty();
        }
        return new OnDemandResult(out, held);
    }

    /** Every on-demand sample of a name (looked up once per evaluation). */
    private OnDemandResult lookUpAll(String metricName) {
        synchronized (onDemandAll) {
            OnDemandResult r = onDemandAll.get(metricName);
            if (r == null) {
                r = lookUp(metricName, Map.of());
                onDemandAll.put(metricName, r);
            }
            return r;
        }
    }

    /** The samples the sources returned for a name, then the recorded series' (nothing looked up on demand). */
    private List<Sample> read(String metricName) {
        if (recorded != null && !recorded.isEmpty() && recorded.family(metricName) != null) {
            return list(merged(metricName));
        }
        Group g = groups.get(metricName);
        return g == null ? List.of() : g.list;
    }

    private static List<Sample> concat(List<Sample> a, List<Sample> b) {
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        List<Sample> out = new java.util.ArrayList<>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return out;
    }

    /** Attaches the evaluator's history (already updated with this snapshot), before any rule reads it. */
    void attachHistory(History h) {
        this.history = h;
        memo.clear();
    }

    @Override
    public Map<String, Vector> memo() {
        long v = recorded == null ? 0 : recorded.version();
        if (v != memoVersion) {
            // a recording rule (or an ALERTS series) changed what reads see since the memo was filled
            memo.clear();
            memoVersion = v;
        }
        return memo;
    }

    /**
     * Attaches the recording rules' series (after the history recorded this snapshot's source samples): from then on
     * every read sees them too, including those a recording rule writes during this evaluation.
     */
    void attachRecorded(RecordedSeries r) {
        this.recorded = r;
        memo.clear();
        memoVersion = -1;
    }

    /** Attaches the sources that know their samples' timestamps, for {@link #sampleTimeMillis}. */
    void attachTimestampedSources(List<RawSeriesSource> sources) {
        this.timestamped = sources;
    }

    @Override
    public long sampleTimeMillis(Labels labels) {
        long now = time.toEpochMilli();
        if (recorded != null && !recorded.isEmpty()) {
            long t = recorded.timeOf(labels);
            if (t != Long.MIN_VALUE) {
                return t;
            }
        }
        for (RawSeriesSource s : timestamped) {
            if (s.isOwnSeries(labels)) {
                java.util.OptionalLong t = s.sampleTimeMillis(labels, now);
                if (t.isPresent()) {
                    return t.getAsLong();
                }
            }
        }
        return now - History.SOURCE_TIME_OFFSET_MILLIS; // a source's sample, just before the evaluation
    }

    /** Returns the family of a metric: the sources' samples, then the recorded series' (if any). */
    private Family merged(String metricName) {
        Group g = groups.get(metricName);
        Family rf = recorded == null || recorded.isEmpty() ? null : recorded.family(metricName);
        if (rf == null) {
            return g == null ? Family.empty() : g.family;
        }
        if (g == null) {
            return rf;
        }
        // a recorded series with the labels of a source's is the same series, whose sample at this time the source
        // wrote first: a TSDB keeps that one (and refuses a different second one), so the source's is read
        int n = g.samples.length;
        java.util.Set<Labels> fromSources = new java.util.HashSet<>(n * 2);
        for (Sample x : g.samples) {
            fromSources.add(x.labels());
        }
        Sample[] s = Arrays.copyOf(g.samples, n + rf.size());
        boolean[] h = Arrays.copyOf(g.held, s.length);
        int k = n;
        for (int i = 0; i < rf.size(); i++) {
            if (!fromSources.contains(rf.sample(i).labels())) {
                s[k] = rf.sample(i);
                h[k] = rf.held(i);
                k++;
            }
        }
        return new Family(k == s.length ? s : Arrays.copyOf(s, k), k == h.length ? h : Arrays.copyOf(h, k));
    }

    private static List<Sample> list(Family f) {
        Sample[] s = new Sample[f.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = f.sample(i);
        }
        return List.of(s);
    }

    private static boolean anyHeld(Family f) {
        for (int i = 0; i < f.size(); i++) {
            if (f.held(i)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public History history() {
        return history;
    }

    /** The step of a subquery written without one: the evaluator's interval (Prometheus takes its global one). */
    private long subqueryStepMillis = 60_000L;

    /** Sets the step of subqueries written without one: the evaluator's interval. */
    void defaultSubqueryStep(long millis) {
        this.subqueryStepMillis = millis;
    }

    @Override
    public long defaultSubqueryStepMillis() {
        return subqueryStepMillis;
    }

    /**
     * A view for one Java rule's evaluation that remembers whether the rule read any held series, so that its
     * results can be told held even when the rule builds new samples.
     */
    final class Tracking implements MetricsView {
        private boolean readHeld;
        /** The metric names the rule declared it reads (null: any), the only ones it sees. */
        private final java.util.Set<String> visible;

        Tracking(java.util.Set<String> visible) {
            this.visible = visible;
        }

        private boolean hidden(String metricName) {
            return visible != null && !visible.contains(Objects.requireNonNull(metricName, "metricName"));
        }

        @Override
        public Instant time() {
            return time;
        }

        @Override
        public List<Sample> series(String metricName) {
            if (hidden(metricName)) {
                return List.of();
            }
            List<Sample> base;
            if (recorded != null && !recorded.isEmpty() && recorded.family(metricName) != null) {
                Family f = merged(metricName);
                readHeld |= anyHeld(f);
                base = list(f);
            } else {
                Group g = groups.get(metricName);
                if (g == null) {
                    base = List.of();
                } else {
                    readHeld |= g.anyHeld;
                    base = g.list;
                }
            }
            if (!onDemand(metricName)) {
                return base;
            }
            OnDemandResult all = lookUpAll(metricName);
            readHeld |= all.held;
            return concat(base, all.samples);
        }

        @Override
        public List<Sample> seriesMatching(String metricName, Map<String, String> labels) {
            Objects.requireNonNull(metricName, "metricName");
            Map<String, String> wanted = Map.copyOf(labels);
            if (hidden(metricName)) {
                return List.of();
            }
            List<Sample> out = returned(metricName, WantedLabels.of(wanted));
            if (onDemand(metricName)) {
                OnDemandResult looked = lookUp(metricName, wanted);
                readHeld |= looked.held;
                out = concat(out, looked.samples);
            }
            return out;
        }

        /** The matching samples the sources returned (not those looked up on demand), tracking held reads. */
        private List<Sample> returned(String metricName, WantedLabels wanted) {
            List<Sample> out = new java.util.ArrayList<>();
            if (recorded != null && !recorded.isEmpty() && recorded.family(metricName) != null) {
                Family f = merged(metricName);
                for (int i = 0; i < f.size(); i++) {
                    if (wanted.test(f.sample(i).labels())) {
                        out.add(f.sample(i));
                        readHeld |= f.held(i);
                    }
                }
                return out;
            }
            Group g = groups.get(metricName);
            if (g != null) {
                for (int i = 0; i < g.samples.length; i++) {
                    if (wanted.test(g.samples[i].labels())) {
                        out.add(g.samples[i]);
                        readHeld |= g.held[i];
                    }
                }
            }
            return out;
        }

        /** Returns whether the rule read a series replayed from a failed source. */
        boolean readHeld() {
            return readHeld;
        }
    }

    /**
     * Returns a fresh tracking view that shows only the metrics named in {@code visible} ({@code null}: all): a rule
     * that declared what it reads sees only that, whatever the sources returned for other rules.
     */
    Tracking tracking(java.util.Set<String> visible) {
        return new Tracking(visible);
    }

    @Override
    public Instant time() {
        return time;
    }

    @Override
    public List<Sample> series(String metricName) {
        List<Sample> base = read(metricName);
        return onDemand(metricName) ? concat(base, lookUpAll(metricName).samples) : base;
    }

    @Override
    public List<Sample> seriesMatching(String metricName, Map<String, String> labels) {
        return new Tracking(null).seriesMatching(metricName, labels); // the same reads, held or not
    }

    @Override
    public Family family(String metricName) {
        if (recorded == null || recorded.isEmpty()) {
            Group g = groups.get(metricName);
            return g == null ? Family.empty() : g.family;
        }
        return merged(metricName);
    }

    /** Returns every family (recorded series included), for selectors without a fixed metric name. */
    public Iterable<Family> families() {
        if (recorded == null || recorded.isEmpty()) {
            return () -> groups.values().stream().map(g -> g.family).iterator();
        }
        List<Family> out = new java.util.ArrayList<>();
        for (Map.Entry<String, Group> e : groups.entrySet()) {
            out.add(recorded.family(e.getKey()) == null ? e.getValue().family : merged(e.getKey()));
        }
        for (String name : recorded.names()) {
            if (!groups.containsKey(name)) {
                out.add(recorded.family(name));
            }
        }
        return out;
    }

    @Override
    public EvalContext expressionContext() {
        return this;
    }

    /** Returns the number of series in this snapshot. */
    int seriesCount() {
        int n = 0;
        for (Group g : groups.values()) {
            n += g.samples.length;
        }
        return n;
    }

    /**
     * Returns whether a sample returned by a Java rule (that read held series) comes from a held source: the very
     * sample object, one with the same labels as a held series, or one carrying the {@code instance} and {@code job}
     * of a held source (a sample the rule built from that source's series).
     */
    boolean isHeld(Sample s) {
        if (!anyHeld) {
            return false;
        }
        Labels l = s.labels();
        if (!heldTargets.isEmpty() && l.has("instance") && l.has("job")
                && heldTargets.contains(Labels.of("instance", l.get("instance"), "job", l.get("job")))) {
            return true;
        }
        if (heldSamples == null) {
            Set<Sample> set = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Group g : groups.values()) {
                for (int i = 0; i < g.samples.length; i++) {
                    if (g.held[i]) {
                        set.add(g.samples[i]);
                    }
                }
            }
            heldSamples = set;
        }
        if (heldSamples.contains(s)) {
            return true;
        }
        Group g = groups.get(s.metricName());
        if (g != null) {
            for (int i = 0; i < g.samples.length; i++) {
                if (g.held[i] && g.samples[i].labels().equals(s.labels())) {
                    return true;
                }
            }
        }
        return false;
    }
}
