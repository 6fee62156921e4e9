package dev.tocsin.core.internal.expr;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A bounded in-memory history of the samples of past evaluations, per series, for range selectors ({@code x[5m]})
 * and {@code offset}. Each evaluation appends every current sample of the metrics that some rule reads through a
 * range or an offset, with the time the evaluator gives (a source's samples 1 ms before the evaluation time, as a
 * scrape lands before a rule evaluation). Samples older than their name's retention (the longest
 * range plus offset with which any rule reads that name, see {@link Expression#historyLookbackMillis()}) are dropped in batches (a series holds at most
 * an eighth of the retention more, see {@link #EXPIRY_SLACK_DIVISOR}), and series not seen for longer than the
 * retention are dropped. A series that disappears gets a staleness marker, as Prometheus writes one, so that an
 * {@code offset} lookup does not find it any more. Held samples (replayed from a failed source) are not recorded:
 * they are not new observations; the series is marked held for that evaluation instead.
 *
 * <p>Not thread-safe: the evaluator records and evaluates under its evaluation lock.
 */
public final class History {

    /**
     * How long before the evaluation time a source's samples are recorded (and what {@code timestamp()} gives for
     * them): as a Prometheus scrape always lands before the rule evaluation that reads it, never exactly on it. With
     * samples exactly on the evaluation times, a {@code [1m]} window at a 1 s interval holds 61 samples spanning
     * exactly 60 s, and {@code increase()} of a counter that stepped by 2 is exactly 2, where a live Prometheus
     * extrapolates a little ({@code 2.005}): {@code increase(...) > 2} fired in Prometheus and not here. One
     * millisecond before, a window holds one sample per interval, and range functions extrapolate as in a live
     * Prometheus. Recorded series (and rule unit tests' input series, which carry their own times) stay on the
     * evaluation time, as Prometheus' recording rules write theirs.
     */
    public static final long SOURCE_TIME_OFFSET_MILLIS = 1;

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
        /** The int encoding's stand-in for a staleness marker (see {@link #values}). */
        private static final int STALE_INT = Integer.MIN_VALUE;
        /** The largest magnitude of a value held as an int offset: every long up to it converts to double exactly. */
        private static final long MAX_EXACT = 1L << 53;
        /** The bits of -0.0, which is integral but not the same value as 0 (held raw). */
        private static final long NEGATIVE_ZERO_BITS = 0x8000000000000000L;

        private final Labels labels;
        /**
         * The times: dense, its metric's shared {@link Times}; sparse, a {@code long[]} of its own times at the same
         * indexes as the values (one field for both: a series object is 72 bytes, not 80).
         */
        private Object when;
        /**
         * The values, in one of three storages (one field for the three). An {@code int[]}: compact values (the
         * usual case: counters and gauges are integers, and a series' values over a range are close): sample k
         * (from {@link #start} to {@link #end}) has the value {@code base + ints[k]}, or is a staleness marker when
         * {@code ints[k]} is {@link #STALE_INT}; half the memory of the raw bits. A {@code long[]} once a value did
         * not fit (a fraction, NaN, infinity, -0.0, beyond 2^53, or too far from the others): sample k has the value
         * bits {@code bits[k]}. Null while the series is <em>constant</em>: every kept sample has the value bits
         * {@link #base} (a flat counter, such as most error counters and rare status codes, or a gauge that does not
         * move keeps no value array at all, as a Prometheus chunk compresses a repeated value to almost nothing); the
         * first different value allocates the array, and once the samples that differed have expired (see
         * {@link #dropBefore}) the series is constant again.
         */
        private Object values;
        /** What the int offsets count from; while constant (no value array), the value bits of every kept sample. */
        private long base;
        /** How many times any series re-based its int offsets (for tests; not synchronized). */
        static long rebases;
        private int start;
        private int end;
        /** Dense: the sequence number (in the shared times, {@link #when}) of the time of the value at index 0. */
        private long seq0;
        private long lastSeen;
        /** Flag: its sample at {@link #lastSeen} was held (its source failed then; see {@link #heldAt}). */
        static final int HELD = 1;
        /** Flag: written by a recording rule ({@link #appendRecorded}): {@link #record} does not mark it stale. */
        static final int RECORDED = 2;
        /** Flag: fed by {@link #recordRaw}: samples carry their own timestamps; no synthetic staleness markers. */
        static final int RAW = 4;
        /** Flag: dropped by {@link #record} (expired): removed from its metric's series at the end of that pass. */
        static final int GONE = 8;
        /** Flag: the remembered range function result is a sample (see {@link #hasMemo}). */
        private static final int MEMO_HAS_VALUE = 16;
        /**
         * {@link #HELD}, {@link #RECORDED}, {@link #RAW}, {@link #GONE}, {@link #MEMO_HAS_VALUE}: one byte instead
         * of five booleans (with the memo's stamp below, a series object went from 96 to 80 bytes; without a second,
         * name-free label set and with one field for its times, 72).
         */
        private byte flags;
        /**
         * What the remembered result of a range function is for (see {@link #hasMemo}): the stamp of one function,
         * range, offset and evaluation time ({@link History#memoStamp}); cleared by every append.
         */
        private Object memoStamp;
        private double memoValue;

        /** A series with its own times. */
        Series(Labels labels) {
            this(labels, null);
        }

        /** A series that stays dense on {@code column} while it can ({@code null}: sparse from the start). */
        Series(Labels labels, Times column) {
            this.labels = labels;
            this.when = column != null ? column : new long[4];
        }

        /** Returns the series' labels, including {@code __name__}. */
        public Labels labels() {
            return labels;
        }

        /** Returns whether the flag {@code flag} is set. */
        boolean is(int flag) {
            return (flags & flag) != 0;
        }

        /** Sets or clears the flag {@code flag}. */
        void set(int flag, boolean on) {
            flags = (byte) (on ? flags | flag : flags & ~flag);
        }

        /**
         * Returns whether a result was remembered by {@link #remember} for {@code stamp} (one function, range, offset
         * and evaluation time: {@link History#memoStamp}), and not since another stamp was remembered for this series
         * or its samples changed. Lets rules that apply the same range function to the same series at the same time,
         * one after the other, compute it once (one slot per series: another function in between evicts it); the
         * result is then {@link #memoValue()} if {@link #memoHasValue()}.
         */
        boolean hasMemo(Object stamp) {
            return stamp != null && memoStamp == stamp;
        }

        /** Returns whether the remembered result is a sample (else the function gave none for this series). */
        boolean memoHasValue() {
            return is(MEMO_HAS_VALUE);
        }

        /** Returns the remembered result's value. */
        double memoValue() {
            return memoValue;
        }

        /** Remembers one range function result for {@link #hasMemo} (one slot: the last stamp wins). */
        void remember(Object stamp, boolean hasValue, double value) {
            memoStamp = stamp;
            set(MEMO_HAS_VALUE, hasValue);
            memoValue = value;
        }

        /** Returns the number of stored samples. */
        public int size() {
            return end - start;
        }

        /** Returns whether the series reads its times from its metric's shared times (for tests). */
        boolean isDense() {
            return when instanceof Times;
        }

        /** Dense: the shared times; sparse: null. */
        private Times column() {
            Object w = when;
            return w instanceof Times ? (Times) w : null;
        }

        /** Sparse: its own times; dense: null. */
        private long[] ownTimes() {
            Object w = when;
            return w instanceof long[] ? (long[]) w : null;
        }

        /** Returns the int offsets, or null when the values are held otherwise (see {@link #values}). */
        private int[] ints() {
            Object v = values;
            return v instanceof int[] ? (int[]) v : null;
        }

        /** Returns the raw value bits, or null when the values are held otherwise (see {@link #values}). */
        private long[] bits() {
            Object v = values;
            return v instanceof long[] ? (long[]) v : null;
        }

        /**
         * Returns whether the values are held as int offsets or as one constant rather than raw bits (for tests; a
         * constant NaN, -0.0 or fraction counts as compact too).
         */
        boolean isCompact() {
            return !(values instanceof long[]);
        }

        /** Returns whether every kept sample has the same value bits and no value array is kept (for tests). */
        boolean isConstant() {
            return values == null;
        }

        /** Returns the timestamp (epoch milliseconds) of the i-th stored sample, oldest first. */
        public long time(int i) {
            int k = start + i;
            Times c = column();
            return c != null ? c.at(seq0 + k) : ((long[]) when)[k];
        }

        /** Returns the value of the i-th stored sample (may be a staleness marker, see {@link #isStale}). */
        public double value(int i) {
            return Double.longBitsToDouble(bitsAt(start + i));
        }

        /** Returns whether the i-th stored sample is a staleness marker. */
        public boolean isStale(int i) {
            return bitsAt(start + i) == STALE_NAN_BITS;
        }

        /** Returns the value bits at array index {@code k}. */
        private long bitsAt(int k) {
            Object v = values;
            if (v instanceof int[]) {
                int d = ((int[]) v)[k];
                return d == STALE_INT ? STALE_NAN_BITS : Double.doubleToRawLongBits((double) (base + d));
            }
            return v != null ? ((long[]) v)[k] : base;
        }

        /**
         * Returns the number of slots of the series' arrays (its values and, when sparse, its own times, which have
         * the same length), or -1 when it keeps none (dense and constant).
         */
        private int slots() {
            Object v = values;
            if (v instanceof int[]) {
                return ((int[]) v).length;
            }
            if (v != null) {
                return ((long[]) v).length;
            }
            long[] ts = ownTimes();
            return ts != null ? ts.length : -1;
        }

        /** Renumbers the kept samples from index 0 (dense and constant only: there is no array to move). */
        private void renumber() {
            assert values == null && when instanceof Times;
            seq0 += start;
            end -= start;
            start = 0;
        }

        /** Returns whether the value bits {@code b} are held exactly as an int offset from some base. */
        private static boolean integral(long b) {
            double v = Double.longBitsToDouble(b);
            long lv = (long) v;
            return (double) lv == v && b != NEGATIVE_ZERO_BITS && lv <= MAX_EXACT && lv >= -MAX_EXACT;
        }

        /**
         * Returns whether the series' sample of the evaluation at {@code timeMillis} was held (its source failed then):
         * a source's sample is recorded just before the evaluation time (see {@link History#SOURCE_TIME_OFFSET_MILLIS}),
         * a recorded series' at it.
         */
        public boolean heldAt(long timeMillis) {
            // a recorded series at the evaluation time exactly (with a 1 ms interval the previous evaluation's is
            // 1 ms before); a source's series 1 ms before it, or at it when recorded directly (tests)
            return is(HELD) && (lastSeen == timeMillis
                    || !is(RECORDED) && lastSeen == timeMillis - SOURCE_TIME_OFFSET_MILLIS);
        }

        /**
         * While held: how far back the window must move so that it is read as at the evaluation of the last real
         * sample ({@code lastSeen - time(last)}: a source's series and a recorded series alike), else 0.
         */
        public long heldShift(long timeMillis) {
            if (!heldAt(timeMillis) || size() == 0) {
                return 0;
            }
            return Math.max(0, lastSeen - time(size() - 1));
        }

        /** Returns the index of the first sample with time &gt;= {@code t} ({@link #size()} if none). */
        public int firstAtOrAfter(long t) {
            int lo = 0;
            int hi = end - start;
            Times c = column();
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
            long[] d = (long[]) when;
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
            long[] wt = w.t;
            double[] wv = w.v;
            int n = 0;
            Times c = column();
            long[] ts = c != null ? c.t : (long[]) when;
            int shift = c != null ? (int) (seq0 - c.base) : 0; // the times' index of the value at k is k + shift
            int[] is = ints();
            long[] b = bits();
            // one loop per storage: a single loop testing the storage per sample measured about 10 % slower on the
            // v1 pack (42.2 against 38.4 ms over three forks each, 17:29-17:37 UTC): the test is not hoisted
            if (is == null && b == null) {
                long cb = base;
                if (cb != STALE_NAN_BITS) {
                    double cv = Double.longBitsToDouble(cb);
                    for (; i < end; i++) {
                        long ti = ts[i + shift];
                        if (ti > to) {
                            break;
                        }
                        if (n == wt.length) {
                            w.n = n;
                            w.grow();
                            wt = w.t;
                            wv = w.v;
                        }
                        wt[n] = ti;
                        wv[n] = cv;
                        n++;
                    }
                }
                w.n = n;
                return;
            }
            if (is != null) {
                long b0 = base;
                for (; i < end; i++) {
                    long ti = ts[i + shift];
                    if (ti > to) {
                        break;
                    }
                    int d = is[i];
                    if (d == STALE_INT) {
                        continue;
                    }
                    if (n == wt.length) {
                        w.n = n;
                        w.grow();
                        wt = w.t;
                        wv = w.v;
                    }
                    wt[n] = ti;
                    wv[n] = (double) (b0 + d);
                    n++;
                }
                w.n = n;
                return;
            }
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
            memoStamp = null;
        }

        /** Keeps its own times from now on (a copy of the shared ones it has). */
        void makeSparse() {
            Times c = column();
            if (c == null) {
                return;
            }
            int slots = slots();
            if (slots < 0) {
                renumber(); // constant: no array fixes the indexes
                slots = Math.max(4, end + end / 4 + 4);
            }
            long[] own = new long[slots];
            for (int k = start; k < end; k++) {
                own[k] = c.at(seq0 + k);
            }
            when = own;
        }

        private void append(long t, long b) {
            forget();
            Times c = column();
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
                put(b);
                end++;
                added();
                return;
            }
            appendOwn(t, b);
        }

        private void appendOwn(long t, long b) {
            long[] ts = (long[]) when;
            if (end > start && ts[end - 1] >= t) {
                return; // out of order or same timestamp: keep the first, as Prometheus' TSDB does
            }
            room();
            ((long[]) when)[end] = t; // room() may have replaced the array
            put(b);
            end++;
            added();
        }

        /**
         * Stores the value bits {@code b} at index {@link #end} (the kept samples are those before it; {@link #room}
         * made room): nothing while every value is the same (constant), else as an int offset while it fits,
         * re-basing the offsets when that makes it fit, else switching the series to raw bits.
         */
        private void put(long b) {
            if (values == null) {
                if (end == start || b == base) {
                    base = b;
                    return;
                }
                materialize();
            }
            int k = end;
            int[] is = ints();
            if (is == null) {
                ((long[]) values)[k] = b;
                return;
            }
            if (b == STALE_NAN_BITS) {
                is[k] = STALE_INT;
                return;
            }
            if (!integral(b)) {
                toRaw()[k] = b;
                return;
            }
            long lv = (long) Double.longBitsToDouble(b);
            long d = lv - base;
            if (d > STALE_INT && d <= Integer.MAX_VALUE) {
                is[k] = (int) d;
                return;
            }
            // re-based, if the kept values and this one span at most an int: as far the other way as the offsets
            // allow, so that values moving on the same way (a counter) fit for at least another 2^31 - 1 before
            // the next re-base (which scans the kept values): amortized O(1) even when every append drops the oldest
            rebases++;
            long lo = lv;
            long hi = lv;
            for (int j = start; j < end; j++) {
                int dj = is[j];
                if (dj != STALE_INT) {
                    long x = base + dj;
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                }
            }
            if (hi - lo > Integer.MAX_VALUE) {
                toRaw()[k] = b;
                return;
            }
            long nb = d > 0 ? lo - (STALE_INT + 1L) : hi - Integer.MAX_VALUE;
            for (int j = start; j < end; j++) {
                if (is[j] != STALE_INT) {
                    is[j] = (int) (base + is[j] - nb);
                }
            }
            base = nb;
            is[k] = (int) (lv - nb);
        }

        /**
         * Gives a constant series a value array holding its constant at every kept sample, with room for one more:
         * compact when the constant is, else raw. A dense series is renumbered from index 0 first; a sparse one
         * keeps its indexes (its own times have room at {@link #end}).
         */
        private void materialize() {
            int n = end - start;
            int cap;
            long[] own = ownTimes();
            if (own == null) {
                renumber();
                cap = Math.max(4, n + n / 4 + 4);
            } else {
                cap = own.length;
            }
            long c = base;
            if (c == STALE_NAN_BITS) {
                int[] is = new int[cap];
                java.util.Arrays.fill(is, start, end, STALE_INT);
                values = is;
                base = 0;
            } else if (integral(c)) {
                values = new int[cap]; // every offset 0
                base = (long) Double.longBitsToDouble(c);
            } else {
                long[] out = new long[cap];
                java.util.Arrays.fill(out, start, end, c);
                values = out;
            }
        }

        /**
         * Holds every value as raw bits from now on (until the series empties or turns constant); returns the raw
         * array.
         */
        private long[] toRaw() {
            int[] is = ints();
            long[] out = new long[is.length];
            for (int j = start; j < end; j++) {
                out[j] = bitsAt(j);
            }
            values = out;
            return out;
        }

        /** After an append: the cap on samples per series. */
        private void added() {
            if (end - start > MAX_SAMPLES_PER_SERIES) {
                start++;
            }
        }

        /**
         * Makes room for one more sample at {@code end} in the series' arrays (a dense constant series has none:
         * {@link #materialize} allocates the value array when a different value comes).
         */
        private void room() {
            int cap = slots();
            if (cap < 0) {
                if (start >= 1 << 20) {
                    renumber(); // constant and dense: only the indexes move on; keep them far from overflowing
                }
                return;
            }
            if (end < cap) {
                return;
            }
            int n = end - start;
            // compact in place while at least an eighth is free (at most 8 copies per append, amortized);
            // otherwise grow by a quarter: a steady series of n samples uses about 1.25 n slots, not 2 n
            if (start > 0 && (cap - n) * 8 >= n) {
                if (values != null) {
                    System.arraycopy(values, start, values, 0, n); // int[] or long[]
                }
                long[] own = ownTimes();
                if (own != null) {
                    System.arraycopy(own, start, own, 0, n);
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
            Object v = values;
            if (v instanceof int[]) {
                int[] out = new int[capacity];
                System.arraycopy(v, start, out, 0, n);
                values = out;
            } else if (v != null) {
                values = copy((long[]) v, start, n, capacity);
            }
            long[] own = ownTimes();
            if (own != null) {
                when = copy(own, start, n, capacity);
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

        /** Returns the time of the oldest stored sample ({@code Long.MAX_VALUE} when there is none). */
        private long head() {
            if (end == start) {
                return Long.MAX_VALUE;
            }
            Times c = column();
            return c != null ? c.at(seq0 + start) : ((long[]) when)[start];
        }

        /**
         * Drops the samples older than {@code t} once the oldest is older than {@code t - slack}: a series then
         * keeps up to {@code slack} more than asked, and for a dense series (the usual case) most calls read only
         * this object and the metric's shared times, not the series' own arrays (a sparse series reads its own
         * oldest time).
         */
        void expire(long t, long slack) {
            if (head() >= t - slack) {
                return;
            }
            dropBefore(t);
        }

        void dropBefore(long t) {
            forget();
            int startBefore = start;
            while (start < end && time(0) < t) {
                start++;
            }
            if (start == end) {
                seq0 += start;
                start = 0;
                end = 0;
                values = null; // empty: constant (no value array) again
                base = 0;
            } else if (values != null && start > startBefore) {
                // the samples that varied have expired: constant again, without a value array
                long first = bitsAt(start);
                int k = start + 1;
                while (k < end && bitsAt(k) == first) {
                    k++;
                }
                if (k == end) {
                    values = null;
                    base = first;
                }
            }
            // shrink arrays that are mostly empty, so that memory follows the retention
            int slots = slots();
            if (slots > 16 && size() * 4 < slots) {
                relay(Math.max(4, size() * 2));
            }
        }

        /**
         * Makes a sparse series dense on {@code c} again when its samples' times are the last {@link #size()} times
         * of {@code c} (after the samples around a gap expired), or when it has none. Costs one comparison when the
         * oldest sample's time is not where it would have to be.
         */
        void tryDense(Times c) {
            if (when instanceof Times || is(RAW | RECORDED)) {
                return;
            }
            long[] own = (long[]) when;
            int n = end - start;
            long last = c.lastSeq();
            if (n > 0) {
                long first = last - (n - 1);
                if (last < 0 || !c.has(first)) {
                    return;
                }
                for (int k = 0; k < n; k++) {
                    if (c.at(first + k) != own[start + k]) {
                        return;
                    }
                }
                seq0 = first - start;
            }
            when = c;
        }

        /** Dense and not empty: the sequence number of its oldest sample's time; else {@code Long.MAX_VALUE}. */
        long oldestSeq() {
            return when instanceof Times && end > start ? seq0 + start : Long.MAX_VALUE;
        }

        boolean lastIsStale() {
            return end > start && bitsAt(end - 1) == STALE_NAN_BITS;
        }
    }

    /**
     * The stored series of one metric name, with what makes the per-evaluation work cheap: an array of them for
     * iteration and the order in which the last evaluation recorded them.
     */
    private static final class Stored {
        /** Evaluations without a look-up by labels after which a metric's index is dropped (see {@link #slots}). */
        static final int IDLE_EVALUATIONS = 4;

        /**
         * The series in insertion order (about the order in which they were allocated: range functions walk them
         * at every evaluation, and on a large HAProxy this is about a quarter faster than a hash order), the first
         * {@link #size} slots used.
         */
        private Series[] order = new Series[8];
        private int size;
        /**
         * The index by labels (open addressing, linear probing): 1 + the series' index in {@link #order}, 0 when
         * free; a power of two, at least twice {@link #size}. About 12 bytes per series instead of a linked hash
         * map's 45. Null while unused: built at the first {@link #get}, dropped by {@link #idle} after
         * {@link #IDLE_EVALUATIONS} evaluations without one (a source that gives its series in the same order every
         * time is recorded through {@link #recorded} alone: on the 1,000 x 10 HAProxy the v1 pack's indexes were
         * 0.9 MB that no evaluation read).
         */
        private int[] slots;
        /** Evaluations since {@link #get} last used {@link #slots}. */
        private int idleEvaluations;
        /** The series as an array of exactly {@link #size}, or {@code null} after a series was added or removed. */
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

        private static int slotOf(Labels labels, int mask) {
            int h = labels.hashCode() * 0x9E3779B9;
            return (h ^ (h >>> 16)) & mask;
        }

        /** Returns the series with these labels, or {@code null}. */
        Series get(Labels labels) {
            int[] sl = slots;
            if (sl == null) {
                index(capacityFor(size));
                sl = slots;
            }
            idleEvaluations = 0;
            int mask = sl.length - 1;
            for (int i = slotOf(labels, mask); ; i = (i + 1) & mask) {
                int k = sl[i];
                if (k == 0) {
                    return null;
                }
                Series s = order[k - 1];
                if (s.labels == labels || s.labels.equals(labels)) {
                    return s;
                }
            }
        }

        /** Adds a series (none with these labels is stored) that is dense while it can, else keeps its own times. */
        Series add(Labels labels, boolean dense) {
            Series s = new Series(labels, dense ? times : null);
            if (size == order.length) { // always when it was handed out by set(): that array stays as it was
                order = java.util.Arrays.copyOf(order, size + (size >> 1) + 8);
            }
            order[size++] = s;
            if (slots != null) { // else built with this series at the next get
                if (size * 2 > slots.length) {
                    index(slots.length * 2);
                } else {
                    put(s.labels, size);
                }
            }
            changed();
            return s;
        }

        private void put(Labels labels, int k) {
            int[] sl = slots;
            int mask = sl.length - 1;
            int i = slotOf(labels, mask);
            while (sl[i] != 0) {
                i = (i + 1) & mask;
            }
            sl[i] = k;
        }

        /** Returns the index's capacity for {@code n} series: a power of two, at least 16 and twice {@code n}. */
        private static int capacityFor(int n) {
            int capacity = 16;
            while (capacity < 2 * n) {
                capacity <<= 1;
            }
            return capacity;
        }

        /**
         * Called once per evaluation ({@link History#record}): drops the index after {@link #IDLE_EVALUATIONS}
         * evaluations without a look-up.
         */
        void idle() {
            if (slots != null && ++idleEvaluations > IDLE_EVALUATIONS) {
                slots = null;
            }
        }

        /** Returns whether the index is built (for tests). */
        boolean indexed() {
            return slots != null;
        }

        /** Rebuilds the index with {@code capacity} slots (a power of two, at least twice the size). */
        private void index(int capacity) {
            slots = new int[capacity];
            for (int k = 0; k < size; k++) {
                put(order[k].labels, k + 1);
            }
        }

        /**
         * Drops the series marked {@link Series#gone}, keeping the others' order, in a new array: the old one may be
         * {@link #set} or a selector's match (see {@link #set()}), which stay as they were.
         */
        void removeGone() {
            Series[] kept = new Series[size];
            int n = 0;
            for (int k = 0; k < size; k++) {
                Series s = order[k];
                if (!s.is(Series.GONE)) {
                    kept[n++] = s;
                }
            }
            order = n == size ? kept : java.util.Arrays.copyOf(kept, n);
            size = n;
            slots = null; // rebuilt at the next get
            changed();
            java.util.Arrays.fill(recorded, null); // no position may lead to a removed series
        }

        int size() {
            return size;
        }

        /** A series was added or removed. */
        void changed() {
            set = null;
            matched.clear();
        }

        /**
         * Returns the series as an array of exactly {@link #size}: {@link #order} itself, trimmed (series are rarely
         * added once a source's series are known: one array instead of two). {@link #add} then grows a copy, and
         * {@link #removeGone} builds a new one, so that an array handed out never changes.
         */
        Series[] set() {
            Series[] ss = set;
            if (ss == null) {
                if (order.length != size) {
                    order = java.util.Arrays.copyOf(order, size);
                }
                ss = order;
                set = ss;
            }
            return ss;
        }
    }

    /**
     * Series by metric name, then by labels (see {@link Stored}: range functions iterate every series of a name at
     * every evaluation in insertion order).
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
        Series series = st.get(labels);
        if (series == null) {
            series = st.add(labels, false);
        }
        series.set(Series.RAW, true);
        series.makeSparse(); // its own timestamps must not go into the shared times
        if (timeMillis > series.lastSeen) {
            series.set(Series.HELD, false);
        }
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
                if (s.is(Series.RAW)) {
                    s.dropBefore(minTime);
                    if (s.size() == 0) {
                        s.set(Series.GONE, true);
                        removed = true;
                    }
                    continue;
                }
                if (!s.is(Series.RECORDED) && s.lastSeen < timeMillis && s.lastSeen >= 0 && !s.lastIsStale()) {
                    s.appendStale(timeMillis); // the series disappeared
                }
                if (s.lastSeen < minTime) {
                    s.set(Series.GONE, true);
                    removed = true;
                    continue;
                }
                long keepFrom = minTime;
                if (s.size() > 0 && ((s.is(Series.HELD) && s.lastSeen == timeMillis)
                        || (s.is(Series.RECORDED) && !s.lastIsStale()))) {
                    // its source failed (or, for a recorded series, may be held at this evaluation, which is only
                    // known after this pass): range functions read it as of its last real sample while it is held
                    // (see Compiler's range plan), so what they read stays
                    keepFrom = Math.min(minTime, s.time(s.size() - 1) - retention);
                    if (keepFrom < minTime) {
                        s.makeSparse(); // its own times: a long hold does not pin the metric's shared times
                    }
                }
                s.expire(keepFrom, slack);
                s.tryDense(st.times); // a series whose gap has expired shares the times again
                oldestSeq = Math.min(oldestSeq, s.oldestSeq());
            }
            long lastSeq = st.times.lastSeq(); // after this loop's staleness markers, which may have added a time
            if (lastSeq >= 0) {
                // the times no dense series reads any more (the last one stays: the next append compares with it)
                st.times.dropBefore(Math.min(oldestSeq, lastSeq));
            }
            if (removed) {
                st.removeGone();
            }
            if (st.size() == 0) {
                it.remove();
            }
            st.idle();
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
                series = st.get(labels);
                if (series == null) {
                    series = st.add(labels, true);
                }
                at[i] = series;
            }
            if (series.lastSeen != t) {
                series.set(Series.HELD, false);
            }
            series.lastSeen = t;
            if (f.held(i)) {
                series.set(Series.HELD, true);
                // held moves its range windows (see Compiler): a result remembered for one time, shifted or not,
                // is not what a later read for that time (a subquery step, now in the past) must see
                series.forget();
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
        Series series = st.get(labels);
        if (series == null) {
            series = st.add(labels, false);
        }
        series.set(Series.RECORDED, true);
        series.makeSparse();
        if (series.lastSeen != timeMillis) {
            series.set(Series.HELD, false);
        }
        series.lastSeen = timeMillis;
        if (held) {
            series.set(Series.HELD, true);
            series.forget(); // held moves its range windows (see Compiler): a result remembered before is not it
        } else {
            series.append(timeMillis, value);
        }
    }

    /** Appends a staleness marker to a recorded series at {@code timeMillis}, as Prometheus' rule manager does. */
    public void markRecordedStale(Labels labels, long timeMillis) {
        Stored st = byName.get(labels.metricName());
        Series series = st == null ? null : st.get(labels);
        if (series != null && !series.lastIsStale()) {
            series.appendStale(timeMillis);
        }
    }

    /** Returns the stored series of a metric (live view: do not keep across evaluations). */
    public Iterable<Series> series(String metricName) {
        Stored st = byName.get(metricName);
        // read-only: the array is the metric's own (see Stored#set)
        return st == null ? java.util.List.of() : java.util.Collections.unmodifiableList(java.util.Arrays.asList(st.set()));
    }

    /** The stamps of remembered range function results by key (see {@link #memoStamp}). */
    private final Map<Object, MemoStamp> memoStamps = new HashMap<>();

    /** One function, range and offset (the key it is stored under) at one evaluation time. */
    private static final class MemoStamp {
        private final long at;

        MemoStamp(long at) {
            this.at = at;
        }
    }

    /**
     * Returns the stamp under which a series remembers a range function's result ({@link Series#hasMemo}) for
     * {@code key} (what the result depends on besides the series and the time: the function, range and offset; keys
     * are compared with {@code equals}) at evaluation time {@code at}: the same object while the same key is asked
     * at the same time, a new one once it is asked at another time (the results remembered under the old stamp are
     * then no longer found). A series compares one reference instead of keeping the key and the time. Bounded like
     * the selectors' matches. The {@linkplain #empty() empty history} gives {@code null}: nothing is remembered.
     */
    public Object memoStamp(Object key, long at) {
        if (this == EMPTY) {
            return null;
        }
        MemoStamp stamp = memoStamps.get(key);
        if (stamp == null || stamp.at != at) {
            if (stamp == null && memoStamps.size() >= MAX_REMEMBERED_SELECTORS) {
                memoStamps.clear();
            }
            stamp = new MemoStamp(at);
            memoStamps.put(key, stamp);
        }
        return stamp;
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
        // a selector that matches every series shares the set (e.g. x[1m] without matchers)
        out = n == out.length ? all : java.util.Arrays.copyOf(out, n);
        if (st.matched.size() >= MAX_REMEMBERED_SELECTORS) {
            st.matched.clear();
        }
        st.matched.put(selector, out);
        return out;
    }

    /** Returns the stored series of every metric. */
    public Iterable<Series> allSeries() {
        return () -> byName.values().stream().flatMap(st -> java.util.Arrays.stream(st.set())).iterator();
    }

    /** Returns whether the series of {@code metricName} are indexed by labels now (for tests). */
    boolean indexed(String metricName) {
        Stored st = byName.get(metricName);
        return st != null && st.indexed();
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
            n += st.size();
        }
        return n;
    }
}
