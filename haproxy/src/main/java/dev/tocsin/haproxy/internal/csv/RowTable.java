package dev.tocsin.haproxy.internal.csv;

import dev.tocsin.core.Labels;

/**
 * The rows of the previous scrapes, keyed by (type, raw pxname bytes, raw svname bytes), so that label values,
 * {@link Labels} and unchanged {@link Sample}s are reused instead of rebuilt every scrape. Open addressing over row
 * positions, no allocation on a hit. Holds only the rows of the last scrape (see {@link #relayout}). Not thread-safe.
 *
 * <p>Memory layout matters here: a scrape touches every row's entry and its byte arrays once, in CSV order. The
 * entries are therefore held in an array in the CSV order of the last scrape, which is the only long-lived path from
 * the mapper to them (the hash index holds positions, not references), and {@link #relayout} allocates fresh copies
 * in that order whenever rows appeared, vanished or moved. Freshly allocated objects lie next to each other, and a
 * copying garbage collector that reaches them through the ordered array keeps them roughly in that order, so the
 * next scrapes read them as a stream instead of one cache miss per row (about 10 % of a full mapping).
 */
final class RowTable {

    /** One row's cached identity and series. */
    static final class Entry {
        final int type;
        final byte[] px;
        final byte[] sv;
        final int hash;
        final String proxy;
        final String server;
        /** The row's labels without a metric name (target, frontend or backend/server), built on first use. */
        Labels rowLabels;
        /**
         * Where the row's cache slots (one per metric of its type that the mapper's plan maps, see
         * {@code HaproxyCsvMapper.Plan#cacheWidth}) start in the mapper's caches; -1 until the row's first sample
         * under the current plan.
         */
        int base = -1;
        int generation = -1;
        int firstLine;
        byte[] statusBytes;
        String status = "";
        int stateIndex = StatusRules.NO_STATE;
        int upStrict;
        int upFixed;
        byte[] checkStatusBytes;
        byte[] checkDescBytes;
        byte[] checkCodeBytes;
        Labels checkLabels;
        String checkStatus = "";
        String checkDesc = "";
        byte[] lastChkBytes;
        Labels infoLabels;
        /** The labels of the cached check_status / check_info samples (see HaproxyCsvMapper#emitDynamic). */
        Labels emittedCheckLabels;
        Labels emittedInfoLabels;
        /** The labels of haproxy_server_status_info for {@link #statusInfoFor}, null when it has no reason. */
        Labels statusInfoLabels;
        String statusInfoFor;
        Labels emittedStatusLabels;
        String lastChk = "";
        ServerState state;
        String stStatus;
        String stCheck;
        String stDesc;
        String stLast;
        long stChange;

        /** Whether this is the row of the given type and raw names. */
        boolean is(int type, byte[] b, int ps, int pe, int ss, int se) {
            return this.type == type && same(px, b, ps, pe) && same(sv, b, ss, se);
        }

        /** Labels every sample of the row carries besides its own (the source's instance and job). */
        final Labels target;

        /** A copy of {@code o} with its own copies of the raw byte arrays (see {@link RowTable#relayout}). */
        Entry(Entry o) {
            this(o.type, o.px.clone(), o.sv.clone(), o.hash, o.proxy, o.server, o.target);
            rowLabels = o.rowLabels;
            base = o.base;
            generation = o.generation;
            firstLine = o.firstLine;
            statusBytes = copy(o.statusBytes);
            status = o.status;
            stateIndex = o.stateIndex;
            upStrict = o.upStrict;
            upFixed = o.upFixed;
            checkStatusBytes = copy(o.checkStatusBytes);
            checkDescBytes = copy(o.checkDescBytes);
            checkCodeBytes = copy(o.checkCodeBytes);
            checkLabels = o.checkLabels;
            checkStatus = o.checkStatus;
            checkDesc = o.checkDesc;
            lastChkBytes = copy(o.lastChkBytes);
            infoLabels = o.infoLabels;
            emittedCheckLabels = o.emittedCheckLabels;
            emittedInfoLabels = o.emittedInfoLabels;
            statusInfoLabels = o.statusInfoLabels;
            statusInfoFor = o.statusInfoFor;
            emittedStatusLabels = o.emittedStatusLabels;
            lastChk = o.lastChk;
            state = o.state;
            stStatus = o.stStatus;
            stCheck = o.stCheck;
            stDesc = o.stDesc;
            stLast = o.stLast;
            stChange = o.stChange;
        }

        private static byte[] copy(byte[] a) {
            return a == null ? null : a.clone();
        }

        Entry(int type, byte[] px, byte[] sv, int hash, String proxy, String server, Labels target) {
            this.target = target;
            this.type = type;
            this.px = px;
            this.sv = sv;
            this.hash = hash;
            this.proxy = proxy;
            this.server = server;
        }
    }

    /** The rows: the last scrape's in its CSV order ({@link #laidOut} of them), then those inserted since. */
    private Entry[] rows = new Entry[64];
    private int size;
    /** How many of {@link #rows} are the last scrape's rows, at their CSV positions. */
    private int laidOut;
    /** Open addressing: a row's position in {@link #rows} plus one; 0 is a free slot. */
    private int[] index = new int[256];

    static int hash(int type, byte[] b, int ps, int pe, int ss, int se) {
        int h = type * 0x9E3779B1;
        for (int i = ps; i < pe; i++) {
            h = 31 * h + b[i];
        }
        h = 31 * h + ',';
        for (int i = ss; i < se; i++) {
            h = 31 * h + b[i];
        }
        return h ^ (h >>> 16);
    }

    /** Returns the last scrape's row at CSV position {@code position}, or {@code null} past its last row. */
    Entry at(int position) {
        return position < laidOut ? rows[position] : null;
    }

    Entry find(int type, byte[] b, int ps, int pe, int ss, int se, int hash) {
        int[] idx = index;
        int mask = idx.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            int r = idx[i];
            if (r == 0) {
                return null;
            }
            Entry e = rows[r - 1];
            if (e.hash == hash && e.type == type && same(e.px, b, ps, pe) && same(e.sv, b, ss, se)) {
                return e;
            }
        }
    }

    /** Byte comparison for short names (cheaper than the vectorized Arrays.equals set-up). */
    private static boolean same(byte[] a, byte[] b, int s, int e) {
        return java.util.Arrays.equals(a, 0, a.length, b, s, e);
    }

    /** Adds a row not yet in the table (after the laid-out ones, until the next {@link #relayout}). */
    void insert(Entry e) {
        if (size == rows.length) {
            rows = java.util.Arrays.copyOf(rows, size * 2);
        }
        rows[size++] = e;
        if (size * 2 > index.length) {
            rebuildIndex();
        } else {
            put(e.hash, size);
        }
    }

    private void put(int hash, int positionPlusOne) {
        int[] idx = index;
        int mask = idx.length - 1;
        int i = hash & mask;
        while (idx[i] != 0) {
            i = (i + 1) & mask;
        }
        idx[i] = positionPlusOne;
    }

    private void rebuildIndex() {
        int cap = 256;
        while (cap < size * 2 + 2) {
            cap *= 2;
        }
        index = new int[cap];
        for (int r = 0; r < size; r++) {
            put(rows[r].hash, r + 1);
        }
    }

    int size() {
        return size;
    }

    /** Forgets every row's place in the mapper's caches (their layout changed: a new plan). */
    void forgetCacheSlots() {
        for (int r = 0; r < size; r++) {
            rows[r].base = -1;
        }
    }

    /**
     * Makes {@code order} (the rows of the scrape just finished, in CSV order, each once) the table's content and
     * layout: rows not in it are dropped, and every entry is replaced by a fresh copy, allocated in that order (see
     * the class comment). Call it only when the rows changed (appeared, vanished or moved): the copies cost one
     * allocation per row. The caller must not use the old entries afterwards.
     */
    void relayout(java.util.List<Entry> order) {
        int n = order.size();
        Entry[] fresh = new Entry[Math.max(64, n + n / 8)];
        for (int i = 0; i < n; i++) {
            fresh[i] = new Entry(order.get(i));
        }
        rows = fresh;
        size = n;
        laidOut = n;
        rebuildIndex();
    }
}
