package dev.tocsin.core.internal.expr;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A bounded in-memory history of the samples of past evaluations, per series, for range selectors ({@code x[5m]})
 * and {@code offset}. Each evaluation appends every current sample of the metrics that some rule reads through a
 * range or an offset, with the evaluation time as its timestamp. Samples older than the retention (the longest
 * range plus offset of any rule, see {@link Expression#lookbackNeeded()}) are dropped, and so are series not seen for
 * longer than the retention. A series that disappears gets a staleness marker, as Prometheus writes one, so that an
 * {@code offset} lookup does not find it any more. Held samples (replayed from a failed source) are not recorded:
 * they are not new observations; the series is marked held for that evaluation instead.
 *
 * <p>Not thread-safe: the evaluator records and evaluates under its evaluation lock.
 */
public final class History {

    /** Prometheus' staleness marker, a NaN with a distinct bit pattern. */
    static final long STALE_NAN_BITS = 0x7ff0000000000002L;

    private static final History EMPTY = new History();

    /**
     * The most samples kept per series (about 5.8 days at a 5 s interval): memory stays bounded even for very long
     * ranges; older samples are dropped first.
     */
    public static final int MAX_SAMPLES_PER_SERIES = 100_000;

    /** The stored samples of one series, oldest first, in compact parallel arrays. */
    public static final class Series {
        private final Labels labels;
        private Labels withoutName;
        private long[] times = new long[4];
        private double[] values = new double[4];
        private int start;
        private int end;
        private long lastSeen;
        private long heldAt = Long.MIN_VALUE;
        /** Written by a recording rule ({@link #appendRecorded}): {@link #record} does not mark it stale. */
        private boolean recorded;
        /** Fed by {@link #recordRaw}: samples carry their own timestamps; no synthetic staleness markers. */
        private boolean raw;

        Series(Labels labels) {
            this.labels = labels;
        }

        /** Returns the series' labels, including {@code __name__}. */
        public Labels labels() {
            return labels;
        }

        /**
         * Returns the series' labels without {@code __name__}, computed once per series (range functions return
         * them for every series at every evaluation).
         */
        public Labels labelsWithoutName() {
            Labels l = withoutName;
            if (l == null) {
                l = labels.withoutMetricName();
                withoutName = l;
            }
            return l;
        }

        /** Returns the number of stored samples. */
        public int size() {
            return end - start;
        }

        /** Returns the timestamp (epoch milliseconds) of the i-th stored sample, oldest first. */
        public long time(int i) {
            return times[start + i];
        }

        /** Returns the value of the i-th stored sample (may be a staleness marker, see {@link #isStale}). */
        public double value(int i) {
            return values[start + i];
        }

        /** Returns whether the i-th stored sample is a staleness marker. */
        public boolean isStale(int i) {
            return Double.doubleToRawLongBits(values[start + i]) == STALE_NAN_BITS;
        }

        /** Returns whether the series' sample at {@code timeMillis} was held (its source failed then). */
        public boolean heldAt(long timeMillis) {
            return heldAt == timeMillis;
        }

        /** Returns the index of the first sample with time &gt;= {@code t} ({@link #size()} if none). */
        public int firstAtOrAfter(long t) {
            int lo = 0;
            int hi = size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (time(mid) < t) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        void append(long t, double v) {
            if (end > start && times[end - 1] >= t) {
                return; // out of order or same timestamp: keep the first, as Prometheus' TSDB does
            }
            if (end == times.length) {
                int n = end - start;
                // compact in place while at least an eighth is free (at most 8 copies per append, amortized);
                // otherwise grow by a quarter: a steady series of n samples uses about 1.25 n slots, not 2 n
                if (start > 0 && (times.length - n) * 8 >= n) {
                    System.arraycopy(times, start, times, 0, n);
                    System.arraycopy(values, start, values, 0, n);
                } else {
                    long[] nt = new long[Math.max(4, n + n / 4 + 4)];
                    double[] nv = new double[nt.length];
                    System.arraycopy(times, start, nt, 0, n);
                    System.arraycopy(values, start, nv, 0, n);
                    times = nt;
                    values = nv;
                }
                start = 0;
                end = n;
            }
            times[end] = t;
            values[end] = v;
            end++;
            if (end - start > MAX_SAMPLES_PER_SERIES) {
                start++;
            }
        }

        void dropBefore(long t) {
            while (start < end && times[start] < t) {
                start++;
            }
            if (start == end) {
                start = 0;
                end = 0;
            }
            // shrink arrays that are mostly empty, so that memory follows the retention
            if (times.length > 16 && size() * 4 < times.length) {
                int n = size();
                long[] nt = new long[Math.max(4, n * 2)];
                double[] nv = new double[nt.length];
                System.arraycopy(times, start, nt, 0, n);
                System.arraycopy(values, start, nv, 0, n);
                times = nt;
                values = nv;
                start = 0;
                end = n;
            }
        }

        boolean lastIsStale() {
            return end > start && Double.doubleToRawLongBits(values[end - 1]) == STALE_NAN_BITS;
        }
    }

    /**
     * Series by metric name, then by labels. The inner maps are linked: range functions iterate every series of a
     * name at every evaluation, and insertion order walks them about in the order they were allocated, which on a
     * large HAProxy (92k series for the v1 pack) is about a quarter faster than a hash map's bucket order.
     */
    private final Map<String, Map<Labels, Series>> byName = new HashMap<>();
    private long retentionMillis;
    private Set<String> names = Set.of();
    private boolean allNames;

    /** Creates an empty history that records nothing until {@link #configure} is called. */
    public History() {
    }

    /** Returns a history that stays empty. */
    public static History empty() {
        return EMPTY;
    }

    /**
     * Sets what to keep: the retention and the metric names read through ranges or offsets (or all names). Data of
     * names no longer needed is dropped at the next {@link #record}.
     */
    public void configure(long retentionMillis, Set<String> metricNames, boolean all) {
        if (this == EMPTY) {
            return;
        }
        this.retentionMillis = Math.max(0, retentionMillis);
        this.names = Set.copyOf(metricNames);
        this.allNames = all;
    }

    /** Returns the configured retention in milliseconds. */
    public long retentionMillis() {
        return retentionMillis;
    }

    /** Records the current samples of one evaluation at {@code timeMillis}. */
    public void record(long timeMillis, EvalContext current) {
        record(timeMillis, current, l -> false);
    }

    /**
     * Records one sample with its own timestamp (a series of a source that knows them, such as a promtool input
     * series), when its metric is kept; call before {@link #record(long, EvalContext, Predicate)} for the same
     * evaluation. Such a series gets only the staleness markers it is given, and is dropped once its last sample is
     * older than the retention.
     */
    public void recordRaw(Labels labels, long timeMillis, double value, boolean stale) {
        if (this == EMPTY || retentionMillis == 0) {
            return;
        }
        String name = labels.metricName();
        if (!allNames && !names.contains(name)) {
            return;
        }
        Series series = byName.computeIfAbsent(name, k -> new LinkedHashMap<>()).computeIfAbsent(labels, Series::new);
        series.raw = true;
        series.lastSeen = Math.max(series.lastSeen, timeMillis);
        series.append(timeMillis, stale ? Double.longBitsToDouble(STALE_NAN_BITS) : value);
    }

    /**
     * Records the current samples of one evaluation at {@code timeMillis}, except those of the series
     * {@code recordedRaw} accepts (their samples come through {@link #recordRaw}).
     */
    public void record(long timeMillis, EvalContext current, Predicate<Labels> recordedRaw) {
        if (this == EMPTY) {
            return;
        }
        if (retentionMillis == 0 || (names.isEmpty() && !allNames)) {
            byName.clear();
            return;
        }
        if (allNames) {
            for (Family f : current.families()) {
                if (f.size() > 0) {
                    recordFamily(f.sample(0).metricName(), f, timeMillis, recordedRaw);
                }
            }
        } else {
            for (String name : names) {
                recordFamily(name, current.family(name), timeMillis, recordedRaw);
            }
        }
        long minTime = timeMillis - retentionMillis;
        Iterator<Map.Entry<String, Map<Labels, Series>>> it = byName.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Map<Labels, Series>> e = it.next();
            if (!allNames && !names.contains(e.getKey())) {
                it.remove();
                continue;
            }
            Iterator<Series> si = e.getValue().values().iterator();
            while (si.hasNext()) {
                Series s = si.next();
                if (s.raw) {
                    s.dropBefore(minTime);
                    if (s.size() == 0) {
                        si.remove();
                    }
                    continue;
                }
                if (!s.recorded && s.lastSeen < timeMillis && s.lastSeen >= 0 && !s.lastIsStale()) {
                    s.append(timeMillis, Double.longBitsToDouble(STALE_NAN_BITS)); // the series disappeared
                }
                if (s.lastSeen < minTime) {
                    si.remove();
                    continue;
                }
                s.dropBefore(minTime);
            }
            if (e.getValue().isEmpty()) {
                it.remove();
            }
        }
    }

    private void recordFamily(String name, Family f, long t, Predicate<Labels> recordedRaw) {
        if (f.size() == 0) {
            return;
        }
        Map<Labels, Series> m = byName.computeIfAbsent(name, k -> new LinkedHashMap<>());
        for (int i = 0; i < f.size(); i++) {
            Sample s = f.sample(i);
            if (recordedRaw.test(s.labels())) {
                continue;
            }
            Series series = m.get(s.labels());
            if (series == null) {
                series = new Series(s.labels());
                m.put(s.labels(), series);
            }
            series.lastSeen = t;
            if (f.held(i)) {
                series.heldAt = t;
            } else {
                series.append(t, s.value());
            }
        }
    }

    /**
     * Appends one sample written by a recording rule at {@code timeMillis} (after {@link #record} of that
     * evaluation), if its metric name is kept. Such series are never marked stale by {@link #record}: the rule
     * marks them with {@link #markRecordedStale}.
     *
     * @param held whether the sample was computed from held input (then only the series' held flag is set)
     */
    public void appendRecorded(Labels labels, long timeMillis, double value, boolean held) {
        if (this == EMPTY || retentionMillis == 0) {
            return;
        }
        String name = labels.metricName();
        if (!allNames && !names.contains(name)) {
            return;
        }
        Map<Labels, Series> m = byName.computeIfAbsent(name, k -> new LinkedHashMap<>());
        Series series = m.get(labels);
        if (series == null) {
            series = new Series(labels);
            m.put(labels, series);
        }
        series.recorded = true;
        series.lastSeen = timeMillis;
        if (held) {
            series.heldAt = timeMillis;
        } else {
            series.append(timeMillis, value);
        }
    }

    /** Appends a staleness marker to a recorded series at {@code timeMillis}, as Prometheus' rule manager does. */
    public void markRecordedStale(Labels labels, long timeMillis) {
        Map<Labels, Series> m = byName.get(labels.metricName());
        Series series = m == null ? null : m.get(labels);
        if (series != null && !series.lastIsStale()) {
            series.append(timeMillis, Double.longBitsToDouble(STALE_NAN_BITS));
        }
    }

    /** Returns the stored series of a metric (live view: do not keep across evaluations). */
    public Iterable<Series> series(String metricName) {
        Map<Labels, Series> m = byName.get(metricName);
        return m == null ? java.util.List.of() : m.values();
    }

    /** Returns the stored series of every metric. */
    public Iterable<Series> allSeries() {
        return () -> byName.values().stream().flatMap(m -> m.values().stream()).iterator();
    }

    /** Returns the number of stored series (for tests and sizing). */
    public int seriesCount() {
        int n = 0;
        for (Map<Labels, Series> m : byName.values()) {
            n += m.size();
        }
        return n;
    }
}
