package dev.tocsin.haproxy.internal.csv;

import dev.tocsin.core.Labels;

/**
 * The rows of the previous scrapes, keyed by (type, raw pxname bytes, raw svname bytes), so that label values,
 * {@link Labels} and unchanged {@link Sample}s are reused instead of rebuilt every scrape. Open addressing, no
 * allocation on a hit. Holds only the rows of the last scrape (see {@link #retain}). Not thread-safe.
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
        /** Number of slots (samples) of this row; they live in the mapper's caches from {@link #base}. */
        final int samplesCount;
        int base;
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

        Entry(int type, byte[] px, byte[] sv, int hash, String proxy, String server, int slots, Labels target) {
            this.target = target;
            this.type = type;
            this.px = px;
            this.sv = sv;
            this.hash = hash;
            this.proxy = proxy;
            this.server = server;
            this.samplesCount = slots;
        }
    }

    private Entry[] table = new Entry[256];
    private int size;

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

    Entry find(int type, byte[] b, int ps, int pe, int ss, int se, int hash) {
        int mask = table.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            Entry e = table[i];
            if (e == null) {
                return null;
            }
            if (e.hash == hash && e.type == type && same(e.px, b, ps, pe) && same(e.sv, b, ss, se)) {
                return e;
            }
        }
    }

    /** Byte comparison for short names (cheaper than the vectorized Arrays.equals set-up). */
    private static boolean same(byte[] a, byte[] b, int s, int e) {
        return java.util.Arrays.equals(a, 0, a.length, b, s, e);
    }

    void insert(Entry e) {
        if ((size + 1) * 2 > table.length) {
            Entry[] old = table;
            table = new Entry[old.length * 2];
            for (Entry o : old) {
                if (o != null) {
                    put(o);
                }
            }
        }
        put(e);
        size++;
    }

    private void put(Entry e) {
        int mask = table.length - 1;
        int i = e.hash & mask;
        while (table[i] != null) {
            i = (i + 1) & mask;
        }
        table[i] = e;
    }

    int size() {
        return size;
    }

    /** Drops the rows not seen in {@code generation}, when there are any. */
    void retain(int generation, int seen) {
        if (seen == size) {
            return;
        }
        Entry[] old = table;
        int cap = 256;
        while (cap < seen * 2 + 2) {
            cap *= 2;
        }
        table = new Entry[cap];
        size = 0;
        for (Entry o : old) {
            if (o != null && o.generation == generation) {
                put(o);
                size++;
            }
        }
    }
}
