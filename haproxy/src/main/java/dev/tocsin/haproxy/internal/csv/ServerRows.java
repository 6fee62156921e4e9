package dev.tocsin.haproxy.internal.csv;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Some fields of the kept server rows of one CSV document: those the metrics to map later are read from, plus the
 * row's names, type, status and check fields, each exactly as the document had them (quotes included). A small
 * document made of their header and some rows, given to a {@link HaproxyCsvMapper} with the same options, yields
 * exactly the samples of those metrics that the whole document gives for those rows. Immutable once built; safe to
 * share between threads.
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

    /** Returns a CSV document of the kept columns' header and the given rows (indexes from {@link #rowsOf}). */
    public byte[] document(int[] rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(header.length + 1 + 64 * rows.length);
        out.write(header, 0, header.length);
        out.write('\n');
        for (int r : rows) {
            Objects.checkIndex(r, count);
            out.write(bytes, starts[r], ends[r] - starts[r]);
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Returns a CSV document of the kept columns' header and every kept row. */
    public byte[] document() {
        int[] all = new int[count];
        for (int i = 0; i < count; i++) {
            all[i] = i;
        }
        return document(all);
    }

    /** Returns how many bytes of rows are kept (for tests and to size the next scrape's buffer). */
    int keptBytes() {
        return count == 0 ? 0 : ends[count - 1];
    }

    /** Collects the rows' fields during one mapping; not thread-safe. */
    static final class Builder {
        private byte[] buf;
        private int used;
        private int[] starts;
        private int[] ends;
        private String[] backends;
        private int count;

        /**
         * Creates a builder.
         *
         * @param expected how many rows to expect
         * @param expectedBytes how many bytes to expect (the last scrape's, with a margin), or 0 to guess
         */
        Builder(int expected, int expectedBytes) {
            int n = Math.max(16, expected);
            starts = new int[n];
            ends = new int[n];
            backends = new String[n];
            buf = new byte[expectedBytes > 0 ? expectedBytes : 64 * n];
        }

        /**
         * Adds a row: its backend and its fields {@code columns} (ascending), read from {@code doc} at
         * {@code fieldStart[c]..fieldEnd[c]}; the row ends before the first of them at or past its {@code fields}.
         */
        void add(String backend, byte[] doc, int[] fieldStart, int[] fieldEnd, int[] columns, int fields) {
            if (count == starts.length) {
                int n = count * 2;
                starts = Arrays.copyOf(starts, n);
                ends = Arrays.copyOf(ends, n);
                backends = Arrays.copyOf(backends, n);
            }
            int start = used;
            int last = -1;
            for (int i = 0; i < columns.length; i++) {
                int c = columns[i];
                if (c >= fields) {
                    break; // the row has no such field: neither has its copy
                }
                last = c;
                int s = fieldStart[c];
                int len = fieldEnd[c] - s;
                if (used + len + 1 > buf.length) {
                    buf = Arrays.copyOf(buf, Math.max(buf.length * 2, used + len + 1));
                }
                if (i > 0) {
                    buf[used++] = ',';
                }
                System.arraycopy(doc, s, buf, used, len);
                used += len;
            }
            if (last < fields - 1) {
                // the row went on after its last kept field: so does the copy, so that the field ends at a ',' as it
                // did (a '\r' before a '\n' is dropped). The empty field this adds lies past the small document's
                // columns, or, in a row cut short, where its next kept column would be: empty reads as missing there
                // (no sample), as the missing field did
                if (used == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                buf[used++] = ',';
            }
            starts[count] = start;
            ends[count] = used;
            backends[count] = backend;
            count++;
        }

        /**
         * Returns the rows, under the kept columns' header line (the byte buffer as it is when it is at most 1/8 empty,
         * else trimmed). Call once.
         */
        ServerRows build(byte[] header) {
            // the builder is used once: its arrays are handed over (the rows know their count)
            byte[] bytes = buf.length - used <= buf.length / 8 ? buf : Arrays.copyOf(buf, used);
            return new ServerRows(header.clone(), bytes, starts, ends, backends, count);
        }
    }
}
