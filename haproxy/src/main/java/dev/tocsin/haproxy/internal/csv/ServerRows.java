package dev.tocsin.haproxy.internal.csv;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The kept server rows of one CSV document (with its header), from which the server metrics of some
 * backends can be mapped again later: a small document made of the header and those backends' rows, given to a
 * {@link HaproxyCsvMapper} with the same options, yields exactly the samples the whole document gives for them.
 * Immutable once built; safe to share between threads.
 */
public final class ServerRows {

    private final byte[] header;
    private final byte[] bytes;
    private final int[] starts;
    private final int[] ends;
    private final String[] backends;
    private final int count;
    /** Row indexes by backend name; built on first use. */
    private Map<String, int[]> byBackend;

    private ServerRows(byte[] header, byte[] bytes, int[] starts, int[] ends, String[] backends, int count) {
        this.header = header;
        this.bytes = bytes;
        this.starts = starts;
        this.ends = ends;
        this.backends = backends;
        this.count = count;
    }

    /** Returns the number of server rows. */
    public int size() {
        return count;
    }

    /** Returns whether these rows are read from {@code array} itself (which must then not be reused). */
    public boolean uses(byte[] array) {
        return bytes == array;
    }

    /** Returns the indexes of the rows of a backend (by its decoded pxname), in document order; empty if none. */
    public int[] rowsOf(String backend) {
        Objects.requireNonNull(backend, "backend");
        Map<String, int[]> index;
        synchronized (this) {
            if (byBackend == null) {
                byBackend = index();
            }
            index = byBackend;
        }
        int[] rows = index.get(backend);
        return rows == null ? new int[0] : rows.clone();
    }

    private Map<String, int[]> index() {
        Map<String, int[]> out = new HashMap<>();
        int i = 0;
        while (i < count) {
            // a backend's servers are usually consecutive: one map update per run
            int j = i + 1;
            while (j < count && backends[j].equals(backends[i])) {
                j++;
            }
            int[] run = new int[j - i];
            for (int k = 0; k < run.length; k++) {
                run[k] = i + k;
            }
            out.merge(backends[i], run, ServerRows::concat);
            i = j;
        }
        return out;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Returns a CSV document of the header and the given rows (indexes from {@link #rowsOf}), in that order. */
    public byte[] document(int[] rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(header.length + 1 + 256 * rows.length);
        out.write(header, 0, header.length);
        out.write('\n');
        for (int r : rows) {
            Objects.checkIndex(r, count);
            out.write(bytes, starts[r], ends[r] - starts[r]);
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Returns a CSV document of the header and every server row. */
    public byte[] document() {
        int[] all = new int[count];
        for (int i = 0; i < count; i++) {
            all[i] = i;
        }
        return document(all);
    }

    /** Collects the rows' positions during one mapping; not thread-safe. */
    static final class Builder {
        private int[] starts;
        private int[] ends;
        private String[] backends;
        private int count;

        Builder(int expected) {
            int n = Math.max(16, expected);
            starts = new int[n];
            ends = new int[n];
            backends = new String[n];
        }

        /** Adds a row: its backend and its bytes [start, end) in the document (without the '\n'). */
        void add(String backend, int start, int end) {
            if (count == starts.length) {
                int n = count * 2;
                starts = Arrays.copyOf(starts, n);
                ends = Arrays.copyOf(ends, n);
                backends = Arrays.copyOf(backends, n);
            }
            starts[count] = start;
            ends[count] = end;
            backends[count] = backend;
            count++;
        }

        /**
         * Builds the rows over {@code doc}: the document array itself when it is no more than 1/8 larger than the
         * document (the caller must then not reuse it: see {@link ServerRows#uses}), else a copy of the rows' bytes.
         */
        ServerRows build(byte[] header, byte[] doc, int length) {
            int[] s = Arrays.copyOf(starts, count);
            int[] e = Arrays.copyOf(ends, count);
            if ((long) doc.length <= length + length / 8L) {
                return new ServerRows(header.clone(), doc, s, e, Arrays.copyOf(backends, count), count);
            }
            int from = length;
            int to = 0;
            for (int i = 0; i < count; i++) {
                from = Math.min(from, starts[i]);
                to = Math.max(to, ends[i]);
            }
            if (count == 0) {
                from = 0;
                to = 0;
            }
            byte[] copy = Arrays.copyOfRange(doc, from, to);
            for (int i = 0; i < count; i++) {
                s[i] -= from;
                e[i] -= from;
            }
            return new ServerRows(header.clone(), copy, s, e, Arrays.copyOf(backends, count), count);
        }
    }
}
