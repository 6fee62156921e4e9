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
 * range or an offset, with the evaluation time as its timestamp. Samples older than their name's retention (the longest
 * range plus offset with which any rule reads that name, see {@link Expression#historyLookbackMillis()}) are dropped in batches (a series holds at most
 * an eighth of the retention more, see {@link #EXPIRY_SLACK_DIVISOR}), and series not seen for longer than the
 * retention are dropped. A series that disappears gets a staleness marker, as Prometheus writes one, so that an
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

    /**
     * Samples older than the retention are dropped in batches, once the oldest is older than the retention plus
     * this fraction of it (1/8): no range or offset reaches them, and the evaluations in between do not touch the
     * oldest end of every series.
     */
    static final int EXPIRY_SLACK_DIVISOR = 8;


    /**
     * The times at which the series of one metric name were recorded, oldest first, shared by its dense series (see
     * {@link Series}): a source gives all its samples at the evaluation time, so on a large HAProxy one array of
     * times serves tens of thousands of series. Each time has a sequence number that never changes.
     */
    static final class Times {
        private long[] t = new long[16];
        private int start;
        private int end;
        /** The sequence number of {@code t[0]}. */
        private long base;

        /**
         * Returns the sequence number of {@code time}: the last time's when it is the same, a new one (appending it)
         * when it is later, or -1 when it is earlier than the last time.
         */
        long seqOf(long time) {
            if (end > start) {
                long last = t[end - 1];
                if (time == last) {
                    return base + end - 1;
                }
                if (time < last) {
                    return -1;
                }
            }
            if (end == t.length) {
                int n = end - start;
                if (start > 0 && (t.length - n) * 4 >= n) {
                    System.arraycopy(t, start, t, 0, n);
                } else {
                    long[] nt = new long[Math.max(16, n + n / 2)];
                    System.arraycopy(t, start, nt, 0, n);
                    t = nt;
                }
                base += start;
                start = 0;
                end = n;
            }
            t[end++] = time;
            return base + end - 1;
        }

        /** Returns the time with sequence number {@code seq} (which must be kept). */
        long at(long seq) {
            assert seq >= base + start && seq < base + end : "time " + seq + " not kept";
            return t[(int) (seq - base)];
        }

        /** Returns whether the time with sequence number {@code seq} is kept. */
        boolean has(long seq) {
            return seq >= base + start && seq < base + end;
        }

        /** Returns the sequence number of the last time, or -1 when there is none. */
        long lastSeq() {
            return end > start ? base + end - 1 : -1;
        }

        /** Forgets the times before sequence number {@code seq} (no dense series reads them any more). */
        void dropBefore(long seq) {
            int k = (int) Math.min(Math.max(seq - base, start), end);
            start = k;
            // a mostly empty array shrinks, so that memory follows the retention
            if (t.length > 64 && (end - start) * 4 < t.length) {
                int n = end - start;
                long[] nt = new long[Math.max(16, n * 2)];
                System.arraycopy(t, start, nt, 0, n);
                t = nt;
                base += start;
                start = 0;
                end = n;
            }
        }

        /** Returns the number of times kept (for tests). */
        int size() {
            return end - start;
        }

        /** Returns the oldest time kept, or {@code Long.MIN_VALUE} when there is none (for tests). */
        long oldest() {
            return end > start ? t[start] : Long.MIN_VALUE;
        }
    }

    /**
     * The stored samples of one series, oldest first. A series recorded from a source at each time its metric was
     * recorded since its first sample is <em>dense</em>: it keeps only its values, and reads their times from its
     * metric's shared {@link Times} (half the memory, and range functions read one shared array of times). The first
     * time it misses (it disappeared and came back, its source was held while others were recorded) it becomes
     * <em>sparse</em> and keeps its own times, as do series with their own timestamps and recording rules' series.
     */
    public static final class Series {
        private final Labels labels;
        private Labels withoutName;
        /** The shared times while dense, else null. */
        private Times column;
        /** Sparse: the times, at the same indexes as {@link #bits}; null while dense. */
        private long[] times;
        /** Sample k (from {@link #start} to {@link #end}) has the value bits {@code bits[k]}. */
        private long[] bits = new long[4];
        private int start;
        private int end;
        /** Dense: the sequence number (in {@link #column}) of the time of {@code bits[0]}. */
        private long seq0;
        private long lastSeen;
        private long heldAt = Long.MIN_VALUE;
        /** Written by a recording rule ({@link #appendRecorded}): {@link #record} does not mark it stale. */
        private boolean recorded;
        /** Fed by {@link #recordRaw}: samples carry their own timestamps; no synthetic staleness markers. */
        private boolean raw;
        /** One remembered result of a range function (see {@link #hasMemo}); cleared by every append. */
        private Object memoKey;
        private long memoAt = Long.MIN_VALUE;
        private double memoValue;
        private boolean memoHasValue;
        /** The time of the oldest stored sample ({@code Long.MAX_VALUE} when there is none). */
        private long head = Long.MAX_VALUE;

        /** A series with its own times. */
        Series(Labels labels) {
            this(labels, null);
        }

        /** A series that stays dense on {@code column} while it can ({@code null}: sparse from the start). */
        Series(Labels labels, Times column) {
            this.labels = labels;
            this.column = column;
            if (column == null) {
                times = new long[4];
            }
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

        /**
         * Returns whether a result was remembered by {@link #remember} for {@code key} at evaluation time {@code at}
         * (not when another key or time was remembered for this series since, nor after its samples changed). Lets
         * rules that apply the same range function to the same series at the same time, one after the other, compute
         * it once (one slot per series: another function in between evicts it); the result is then
         * {@link #memoValue()} if {@link #memoHasValue()}.
         */
        boolean hasMemo(Object key, long at) {
            return memoAt == at && memoKey != null && memoKey.equals(key);
        }

        /** Returns whether the remembered result is a sample (else the function gave none for this series). */
        boolean memoHasValue() {
            return memoHasValue;
        }

        /** Returns the remembered result's value. */
        double memoValue() {
            return memoValue;
        }

        /** Remembers one range function result for {@link #hasMemo} (one slot: the last key wins). */
        void remember(Object key, long at, boolean hasValue, double value) {
            memoKey = key;
            memoAt = at;
            memoHasValue = hasValue;
            memoValue = value;
        }

        /** Returns the number of stored samples. */
        public int size() {
            return end - start;
        }

        /** Returns whether the series reads its times from its metric's shared times (for tests). */
        boolean isDense() {
            return column != null;
        }

        /** Returns the timestamp (epoch milliseconds) of the i-th stored sample, oldest first. */
        public long time(int i) {
            int k = start + i;
            Times c = column;
            return c != null ? c.at(seq0 + k) : times[k];
        }

        /** Returns the value of the i-th stored sample (may be a staleness marker, see {@link #isStale}). */
        public double value(int i) {
            return Double.longBitsToDouble(bits[start + i]);
        }

        /** Returns whether the i-th stored sample is a staleness marker. */
        public boolean isStale(int i) {
            return bits[start + i] == STALE_NAN_BITS;
        }

        /** Returns whether the series' sample at {@code timeMillis} was held (its source failed then). */
        public boolean heldAt(long timeMillis) {
            return heldAt == timeMillis;
        }

        /** Returns the index of the first sample with time &gt;= {@code t} ({@link #size()} if none). */
        public int firstAtOrAfter(long t) {
            int lo = 0;
            int hi = end - start;
            Times c = column;
            if (c != null) {
                long[] ct = c.t;
                long off = seq0 + start - c.base;
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (ct[(int) (off + mid)] < t) {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                return lo;
            }
            long[] d = times;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (d[start + mid] < t) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /**
         * Loads the samples with {@code from <= time <= to} that are not staleness markers into {@code w} (its
         * {@code t}, {@code v} and {@code n}): the range functions' inner loop, reading the arrays directly.
         */
        void window(RangeFunctions.Window w, long from, long to) {
            int i = start + firstAtOrAfter(from);
            long[] b = bits;
            long[] wt = w.t;
            double[] wv = w.v;
            int n = 0;
            Times c = column;
            long[] ts = c != null ? c.t : times;
            int shift = c != null ? (int) (seq0 - c.base) : 0; // the times' index of bits[k] is k + shift
            for (; i < end; i++) {
                long ti = ts[i + shift];
                if (ti > to) {
                    break;
                }
                long vb = b[i];
                if (vb == STALE_NAN_BITS) {
                    continue;
                }
                if (n == wt.length) {
                    w.n = n;
                    w.grow();
                    wt = w.t;
                    wv = w.v;
                }
                wt[n] = ti;
                wv[n] = Double.longBitsToDouble(vb);
                n++;
            }
            w.n = n;
        }

        void append(long t, double v) {
            append(t, Double.doubleToRawLongBits(v));
        }

        /** Forgets the remembered range function result: the samples change. */
        private void forget() {
            memoKey = null;
            memoAt = Long.MIN_VALUE;
        }

        /** Keeps its own times from now on (a copy of the shared ones it has). */
        void makeSparse() {
            Times c = column;
            if (c == null) {
                return;
            }
            long[] own = new long[bits.length];
            for (int k = start; k < end; k++) {
                own[k] = c.at(seq0 + k);
            }
            times = own;
            column = null;
        }

        private void append(long t, long b) {
            forget();
            Times c = column;
            if (c != null) {
                long seq = c.seqOf(t);
                if (end > start) {
                    long lastSeq = seq0 + end - 1;
                    if (seq == lastSeq) {
                        return; // same timestamp: keep the first, as Prometheus' TSDB does
                    }
                    if (seq != lastSeq + 1) {
                        makeSparse(); // a time without a sample of this series in between, or an earlier time
                        appendOwn(t, b);
                        return;
                    }
                } else if (seq < 0) {
                    makeSparse();
                    appendOwn(t, b);
                    return;
                } else {
                    start = 0;
                    end = 0;
                    seq0 = seq;
                }
                room();
                bits[end++] = b;
                added(t);
                return;
            }
            appendOwn(t, b);
        }

        private void appendOwn(long t, long b) {
            if (end > start && times[end - 1] >= t) {
                return; // out of order or same timestamp: keep the first, as Prometheus' TSDB does
            }
            room();
            times[end] = t;
            bits[end++] = b;
            added(t);
        }

        /** After an append: the cap on samples per series, and the oldest time. */
        private void added(long t) {
            if (end - start > MAX_SAMPLES_PER_SERIES) {
                start++;
                head = time(0);
            } else if (end - start == 1) {
                head = t;
            }
        }

        /** Makes room for one more sample at {@code end}. */
        private void room() {
            if (end < bits.length) {
                return;
            }
            int n = end - start;
            // compact in place while at least an eighth is free (at most 8 copies per append, amortized);
            // otherwise grow by a quarter: a steady series of n samples uses about 1.25 n slots, not 2 n
            if (start > 0 && (bits.length - n) * 8 >= n) {
                System.arraycopy(bits, start, bits, 0, n);
                if (times != null) {
                    System.arraycopy(times, start, times, 0, n);
                }
                seq0 += start;
                start = 0;
                end = n;
            } else {
                relay(Math.max(4, n + n / 4 + 4));
            }
        }

        /** Moves the samples (and their own times) to new arrays of {@code capacity} slots, from index 0. */
        private void relay(int capacity) {
            int n = end - start;
            bits = copy(bits, start, n, capacity);
            if (times != null) {
                times = copy(times, start, n, capacity);
            }
            seq0 += start;
            start = 0;
            end = n;
        }

        private static long[] copy(long[] a, int from, int n, int capacity) {
            long[] out = new long[capacity];
            System.arraycopy(a, from, out, 0, n);
            return out;
        }

        void appendStale(long t) {
            append(t, STALE_NAN_BITS);
        }

        /**
         * Drops the samples older than {@code t} once the oldest is older than {@code t - slack}: a series then
         * keeps up to {@code slack} more than asked, and most calls read only this object, not the samples' array
         * (whose oldest end is a cache miss per series, at every evaluation, on a large HAProxy).
         */
        void expire(long t, long slack) {
            if (head >= t - slack) {
                return;
            }
            dropBefore(t);
        }

        void dropBefore(long t) {
            forget();
            while (start < end && time(0) < t) {
                start++;
            }
            if (start == end) {
                seq0 += start;
                start = 0;
                end = 0;
            }
            head = start < end ? time(0) : Long.MAX_VALUE;
            // shrink arrays that are mostly empty, so that memory follows the retention
            if (bits.length > 16 && size() * 4 < bits.length) {
                relay(Math.max(4, size() * 2));
            }
        }

        /**
         * Makes a sparse series dense on {@code c} again when its samples' times are the last {@link #size()} times
         * of {@code c} (after the samples around a gap expired), or when it has none. Costs one comparison when the
         * oldest sample's time is not where it would have to be.
         */
        void tryDense(Times c) {
            if (column != null || raw || recorded) {
                return;
            }
            int n = end - start;
            long last = c.lastSeq();
            if (n > 0) {
                long first = last - (n - 1);
                if (last < 0 || !c.has(first)) {
                    return;
                }
                for (int k = 0; k < n; k++) {
                    if (c.at(first + k) != times[start + k]) {
                        return;
                    }
                }
                seq0 = first - start;
            }
            column = c;
            times = null;
        }

        /** Dense and not empty: the sequence number of its oldest sample's time; else {@code Long.MAX_VALUE}. */
        long oldestSeq() {
            return column != null && end > start ? seq0 + start : Long.MAX_VALUE;
        }

        boolean lastIsStale() {
            return end > start && bits[end - 1] == STALE_NAN_BITS;
        }
    }

    /**
     * The stored series of one metric name, with what makes the per-evaluation work cheap: an array of them for
     * iteration and the order in which the last evaluation recorded them.
     */
    private static final class Stored {
        /** By labels. Linked: iteration follows insertion, about the order in which the series were allocated. */
        final Map<Labels, Series> map = new LinkedHashMap<>();
        /** {@link #map}'s values as an array, or {@code null} after a series was added or removed. */
        Series[] set;
        /**
         * The series the last {@link #recordFamily} found at each position of the family: a source that gives its
         * samples in the same order with the same label objects (the HAProxy mapper does) is recorded without hash
         * look-ups. Cleared when a series is removed.
         */
        Series[] recorded = new Series[0];
        /**
         * What selectors matched in {@link #set}, by selector (identity): dropped with the set, and bounded (cleared
         * when full, for callers that parse a new expression for every query).
         */
        final Map<Object, Series[]> matched = new java.util.IdentityHashMap<>();
        /** The times of this name's dense series. */
        final Times times = new Times();

        /** Adds a series that is dense while it can ({@code dense}), else keeps its own times. */
        Series add(Labels labels, boolean dense) {
            Series s = new Series(labels, dense ? times : null);
            map.put(labels, s);
            changed();
            return s;
        }

        /** A series was added or removed. */
        void changed() {
            set = null;
            matched.clear();
        }

        Series[] set() {
            Series[] ss = set;
            if (ss == null) {
                ss = map.values().toArray(new Series[0]);
                set = ss;
            }
            return ss;
        }
    }

    /**
     * Series by metric name, then by labels. The inner maps are linked: range functions iterate every series of a
     * name at every evaluation, and insertion order walks them about in the order they were allocated, which on a
     * large HAProxy (92k series for the v1 pack) is about a quarter faster than a hash map's bucket order.
     */
    private final Map<String, Stored> byName = new HashMap<>();
    /** The longest retention of any name. */
    private long retentionMillis;
    /** How long each kept metric name's samples are kept: how far back the rules read that name. */
    private Map<String, Long> retentionByName = Map.of();
    /** With {@link #allNames}: the retention of every name (a selector without a fixed name reads them all). */
    private long retentionForAll;
    private boolean allNames;

    /** Creates an empty history that records nothing until {@link #configure} is called. */
    public History() {
    }

    /** Returns a history that stays empty. */
    public static History empty() {
        return EMPTY;
    }

    /**
     * Sets what to keep: one retention for the given metric names (or for all names). Data of names no longer needed
     * is dropped at the next {@link #record}.
     */
    public void configure(long retentionMillis, Set<String> metricNames, boolean all) {
        Map<String, Long> byName = new HashMap<>();
        for (String n : metricNames) {
            byName.put(n, Math.max(0, retentionMillis));
        }
        configure(byName, retentionMillis, all);
    }

    /**
     * Sets what to keep: how long the samples of each metric name are kept (how far back the rules read that name),
     * and, with {@code all}, a retention for every other name too. A name is kept as long as the longest of the two
     * that apply. Data of names no longer needed, and samples older than a shortened retention, are dropped at the
     * next {@link #record}.
     *
     * @param retentionByName retention in milliseconds by metric name
     * @param retentionForAll with {@code all}, the retention in milliseconds of every name
     * @param all whether every metric name is kept (a range selector without a fixed metric name)
     */
    public void configure(Map<String, Long> retentionByName, long retentionForAll, boolean all) {
        if (this == EMPTY) {
            return;
        }
        long max = all ? Math.max(0, retentionForAll) : 0;
        Map<String, Long> copy = new HashMap<>();
        for (Map.Entry<String, Long> e : retentionByName.entrySet()) {
            long r = Math.max(0, e.getValue());
            copy.put(e.getKey(), r);
            max = Math.max(max, r);
        }
        this.retentionByName = copy;
        this.retentionForAll = Math.max(0, retentionForAll);
        this.allNames = all;
        this.retentionMillis = max;
    }

    /** Returns how long the samples of {@code metricName} are kept, in milliseconds (0: not kept). */
    long retentionOf(String metricName) {
        Long r = retentionByName.get(metricName);
        long v = r == null ? 0 : r;
        return allNames ? Math.max(v, retentionForAll) : v;
    }

    /** Returns the longest configured retention in milliseconds (of any name). */
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
        if (retentionOf(name) == 0) {
            return;
        }
        Stored st = byName.computeIfAbsent(name, k -> new Stored());
        Series series = st.map.get(labels);
        if (series == null) {
            series = st.add(labels, false);
        }
        series.raw = true;
        series.makeSparse(); // its own timestamps must not go into the shared times
        series.lastSeen = Math.max(series.lastSeen, timeMillis);
        if (stale) {
            series.appendStale(timeMillis);
        } else {
            series.append(timeMillis, value);
        }
    }

    /**
     * Records the current samples of one evaluation at {@code timeMillis}, except those of the series
     * {@code recordedRaw} accepts (their samples come through {@link #recordRaw}).
     */
    public void record(long timeMillis, EvalContext current, Predicate<Labels> recordedRaw) {
        if (this == EMPTY) {
            return;
        }
        if (retentionMillis == 0) {
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
            for (Map.Entry<String, Long> e : retentionByName.entrySet()) {
                if (e.getValue() > 0) {
                    recordFamily(e.getKey(), current.family(e.getKey()), timeMillis, recordedRaw);
                }
            }
        }
        Iterator<Map.Entry<String, Stored>> it = byName.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Stored> e = it.next();
            long retention = retentionOf(e.getKey());
            if (retention == 0) {
                it.remove();
                continue;
            }
            long minTime = timeMillis - retention;
            long slack = retention / EXPIRY_SLACK_DIVISOR;
            Stored st = e.getValue();
            Series[] all = st.set();
            boolean removed = false;
            long oldestSeq = Long.MAX_VALUE;
            for (Series s : all) {
                if (s.raw) {
                    s.dropBefore(minTime);
                    if (s.size() == 0) {
                        st.map.remove(s.labels);
                        removed = true;
                    }
                    continue;
                }
                if (!s.recorded && s.lastSeen < timeMillis && s.lastSeen >= 0 && !s.lastIsStale()) {
                    s.appendStale(timeMillis); // the series disappeared
                }
                if (s.lastSeen < minTime) {
                    st.map.remove(s.labels);
                    removed = true;
                    continue;
                }
                s.expire(minTime, slack);
                s.tryDense(st.times); // a series whose gap has expired shares the times again
                oldestSeq = Math.min(oldestSeq, s.oldestSeq());
            }
            long lastSeq = st.times.lastSeq(); // after this loop's staleness markers, which may have added a time
            if (lastSeq >= 0) {
                // the times no dense series reads any more (the last one stays: the next append compares with it)
                st.times.dropBefore(Math.min(oldestSeq, lastSeq));
            }
            if (removed) {
                st.changed();
                java.util.Arrays.fill(st.recorded, null); // no position may lead to a removed series
            }
            if (st.map.isEmpty()) {
                it.remove();
            }
        }
    }

    private void recordFamily(String name, Family f, long t, Predicate<Labels> recordedRaw) {
        if (f.size() == 0) {
            return;
        }
        Stored st = byName.computeIfAbsent(name, k -> new Stored());
        int n = f.size();
        Series[] at = st.recorded;
        if (at.length < n || at.length > 4 * n + 64) {
            at = java.util.Arrays.copyOf(at, n); // grown, or shrunk after the family did
            st.recorded = at;
        }
        for (int i = 0; i < n; i++) {
            Sample s = f.sample(i);
            Labels labels = s.labels();
            if (recordedRaw.test(labels)) {
                continue;
            }
            // the series recorded at this position last time, when it is this one: no hash look-up
            Series series = at[i];
            if (series == null || (series.labels != labels && !series.labels.equals(labels))) {
                series = st.map.get(labels);
                if (series == null) {
                    series = st.add(labels, true);
                }
                at[i] = series;
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
        if (retentionOf(name) == 0) {
            return;
        }
        Stored st = byName.computeIfAbsent(name, k -> new Stored());
        Series series = st.map.get(labels);
        if (series == null) {
            series = st.add(labels, false);
        }
        series.recorded = true;
        series.makeSparse();
        series.lastSeen = timeMillis;
        if (held) {
            series.heldAt = timeMillis;
        } else {
            series.append(timeMillis, value);
        }
    }

    /** Appends a staleness marker to a recorded series at {@code timeMillis}, as Prometheus' rule manager does. */
    public void markRecordedStale(Labels labels, long timeMillis) {
        Stored st = byName.get(labels.metricName());
        Series series = st == null ? null : st.map.get(labels);
        if (series != null && !series.lastIsStale()) {
            series.appendStale(timeMillis);
        }
    }

    /** Returns the stored series of a metric (live view: do not keep across evaluations). */
    public Iterable<Series> series(String metricName) {
        Stored st = byName.get(metricName);
        return st == null ? java.util.List.of() : st.map.values();
    }

    /** The most selectors whose matches one metric name remembers (see {@link #matching}). */
    private static final int MAX_REMEMBERED_SELECTORS = 256;

    /**
     * Returns the stored series of {@code metricName} whose labels {@code test} accepts, remembered per
     * {@code selector} (compared by identity; it must always test the same way) until a series of that name is
     * added or removed. Do not modify the array.
     */
    public Series[] matching(String metricName, Object selector, Predicate<Labels> test) {
        Stored st = byName.get(metricName);
        if (st == null) {
            return new Series[0];
        }
        Series[] known = st.matched.get(selector);
        if (known != null) {
            return known;
        }
        Series[] all = st.set();
        Series[] out = new Series[all.length];
        int n = 0;
        for (Series s : all) {
            if (test.test(s.labels)) {
                out[n++] = s;
            }
        }
        out = n == out.length ? out : java.util.Arrays.copyOf(out, n);
        if (st.matched.size() >= MAX_REMEMBERED_SELECTORS) {
            st.matched.clear();
        }
        st.matched.put(selector, out);
        return out;
    }

    /** Returns the stored series of every metric. */
    public Iterable<Series> allSeries() {
        return () -> byName.values().stream().flatMap(st -> st.map.values().stream()).iterator();
    }

    /** Returns how many shared times the dense series of {@code metricName} keep (for tests). */
    int sharedTimes(String metricName) {
        Stored st = byName.get(metricName);
        return st == null ? 0 : st.times.size();
    }

    /** Returns the oldest of the shared times of {@code metricName} (for tests). */
    long sharedOldestTime(String metricName) {
        Stored st = byName.get(metricName);
        return st == null ? Long.MIN_VALUE : st.times.oldest();
    }

    /** Returns the number of stored series (for tests and sizing). */
    public int seriesCount() {
        int n = 0;
        for (Stored st : byName.values()) {
            n += st.map.size();
        }
        return n;
    }
}
