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
        return now;
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
        int n = g.samples.length;
        Sample[] s = Arrays.copyOf(g.samples, n + rf.size());
        boolean[] h = Arrays.copyOf(g.held, s.length);
        for (int i = 0; i < rf.size(); i++) {
            s[n + i] = rf.sample(i);
            h[n + i] = rf.held(i);
        }
        return new Family(s, h);
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

    /**
     * A view for one Java rule's evaluation that remembers whether the rule read any held series, so that its
     * results can be told held even when the rule builds new samples.
     */
    final class Tracking implements MetricsView {
        private boolean readHeld;

        @Override
        public Instant time() {
            return time;
        }

        @Override
        public List<Sample> series(String metricName) {
            if (recorded != null && !recorded.isEmpty() && recorded.family(metricName) != null) {
                Family f = merged(metricName);
                readHeld |= anyHeld(f);
                return list(f);
            }
            Group g = groups.get(metricName);
            if (g == null) {
                return List.of();
            }
            readHeld |= g.anyHeld;
            return g.list;
        }

        /** Returns whether the rule read a series replayed from a failed source. */
        boolean readHeld() {
            return readHeld;
        }
    }

    /** Returns a fresh tracking view. */
    Tracking tracking() {
        return new Tracking();
    }

    @Override
    public Instant time() {
        return time;
    }

    @Override
    public List<Sample> series(String metricName) {
        if (recorded != null && !recorded.isEmpty() && recorded.family(metricName) != null) {
            return list(merged(metricName));
        }
        Group g = groups.get(metricName);
        return g == null ? List.of() : g.list;
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
