package dev.tocsin.haproxy.internal.csv;

import dev.tocsin.core.MetricInterest;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;
import dev.tocsin.haproxy.CsvFormatException;
import dev.tocsin.haproxy.StatusMapping;
import dev.tocsin.haproxy.internal.csv.Columns.Kind;
import dev.tocsin.haproxy.internal.csv.Columns.Slot;
import dev.tocsin.haproxy.internal.csv.ScrapeResult.FieldError;
import dev.tocsin.haproxy.internal.csv.ScrapeResult.SkippedRow;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.Set;

/**
 * Parses HAProxy's CSV statistics and maps them to haproxy_exporter v1 metrics plus a few extra series (see
 * {@code docs/haproxy-metrics.md}).
 *
 * <p>Columns are read by header name, so CSVs from HAProxy 1.5 to 3.x (missing or added columns, the {@code -}
 * separator and module counters after it) all work. Malformed rows are skipped and reported in
 * {@link ScrapeResult#skippedRows()}; a document that is not HAProxy CSV at all raises {@link CsvFormatException}.
 * No other exception escapes for any input bytes.
 *
 * <p>The mapper parses the bytes directly (no String per numeric field) and keeps, per mapper instance, the column
 * plan of the last header and the label sets and unchanged samples of the last scrape's rows, so that repeated
 * scrapes of the same HAProxy allocate little. Calls are serialized on the instance (thread-safe; use one mapper per
 * HAProxy).
 */
public final class HaproxyCsvMapper {

    /** Longest label value taken from free text (last_chk, check_desc); longer values are cut. */
    public static final int MAX_LABEL_LENGTH = 200;
    /** At most this many skipped rows and field errors are listed per scrape (all are counted). */
    public static final int MAX_REPORTED_ERRORS = 100;

    private static final int EMPTY = 0;
    private static final int OK = 1;
    private static final int BAD = 2;
    private static final int MAX_EXCERPT = 40;

    private static final Slot[][] SLOTS = new Slot[3][];
    private static final Kind[][] KINDS = new Kind[3][];
    /** Labels a row sets on its samples, over a target label of the same name. */
    private static final Set<String> ROW_LABEL_NAMES;
    /** The metric names of all row types, each once, in table order: the families of a result. */
    private static final String[] FAMILY_NAMES;
    /** The metrics only server rows produce (no frontend or backend row, no backend aggregate). */
    private static final Set<String> SERVER_ONLY_FAMILIES;
    /** Per row type and slot: the index of its metric in {@link #FAMILY_NAMES}. */
    private static final int[][] FAMILIES = new int[3][];
    /** HAProxy's status of a server whose address did not resolve (it holds it in maintenance until it does). */
    public static final String UNRESOLVED_STATUS = "MAINT (resolution)";
    /** Index, in a backend's server counts (total, then one per state), of the unresolved servers' count. */
    private static final int UNRESOLVED_COUNT = 1 + Columns.STATES.size();
    /** Per row type and slot: the index in {@link Columns#STATES} of a (AGG_)STATE slot's label value, else -1. */
    private static final int[][] SLOT_STATES = new int[3][];
    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    static {
        for (int t = 0; t < 3; t++) {
            SLOTS[t] = Columns.slots(t).toArray(new Slot[0]);
            KINDS[t] = new Kind[SLOTS[t].length];
            SLOT_STATES[t] = new int[SLOTS[t].length];
            for (int i = 0; i < SLOTS[t].length; i++) {
                KINDS[t][i] = SLOTS[t][i].kind();
                SLOT_STATES[t][i] = KINDS[t][i] == Kind.STATE || KINDS[t][i] == Kind.AGG_STATE
                        ? Columns.STATES.indexOf(SLOTS[t][i].labelValue()) : -1;
            }
        }
        Map<String, Integer> families = new java.util.LinkedHashMap<>();
        for (int t = 0; t < 3; t++) {
            FAMILIES[t] = new int[SLOTS[t].length];
            for (int i = 0; i < SLOTS[t].length; i++) {
                FAMILIES[t][i] = families.computeIfAbsent(SLOTS[t][i].metric(), k -> families.size());
            }
        }
        FAMILY_NAMES = families.keySet().toArray(new String[0]);
        Set<String> serverOnly = new java.util.HashSet<>();
        for (int f : FAMILIES[Columns.SERVER]) {
            serverOnly.add(FAMILY_NAMES[f]);
        }
        for (int t = 0; t < Columns.SERVER; t++) {
            for (int f : FAMILIES[t]) {
                serverOnly.remove(FAMILY_NAMES[f]);
            }
        }
        SERVER_ONLY_FAMILIES = Set.copyOf(serverOnly);
        Set<String> rowNames = new java.util.HashSet<>(Set.of("frontend", "backend", "server", "check_status",
                "check_desc", "check_code", "last_chk"));
        for (Slot[] slots : SLOTS) {
            for (Slot slot : slots) {
                if (!slot.labelName().isEmpty()) {
                    rowNames.add(slot.labelName());
                }
            }
        }
        ROW_LABEL_NAMES = Set.copyOf(rowNames);
        if (FAMILY_NAMES.length > 256) {
            throw new AssertionError("family tags are bytes: " + FAMILY_NAMES.length + " families");
        }
    }

    private final MappingOptions options;
    /** See {@link #redactingWith}. */
    private volatile UnaryOperator<String> redactor = UnaryOperator.identity();
    private final StatusMapping statusMapping;
    private final Set<String> serverFields;
    private final Set<String> excludedStates;

    // state of the last scrapes; guarded by this
    private Plan plan;
    private final RowTable table = new RowTable();
    private int generation;
    private int lastServerCount = 16;
    /** How many bytes the last scrape kept of its server rows (sizes the next scrape's buffer). */
    private int lastKeptBytes;
    private int[] fieldStart = new int[0];
    private int[] fieldEnd = new int[0];
    private boolean[] fieldQuoted = new boolean[0];
    /** The value of a needed field made of 1 to 18 ASCII digits only (read while tokenizing), else -1. */
    private long[] fieldDigits = new long[0];
    private double number;
    /**
     * The last sample of every (row, mapped slot) and its value's raw bits, at row.base + the slot's
     * {@link Plan#cacheIndex}: one contiguous region per row, as wide as the plan maps metrics of its type (not one
     * entry per metric of the type: a rule pack reads a fraction of them), laid out in CSV order (see
     * {@link #compact}) so that a scrape walks them sequentially. A row gets its region with its first sample: rows
     * of which no wanted metric reads anything have none. A new plan starts empty caches.
     */
    private Sample[] cachedSamples = new Sample[0];
    private long[] cachedBits = new long[0];
    private int cachedUsed;

    /**
     * Creates a mapper with the given options. Thread-safe; reuse it across scrapes of the same HAProxy.
     *
     * @param options the mapping options
     */
    public HaproxyCsvMapper(MappingOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.statusMapping = options.statusMapping();
        this.serverFields = options.serverMetricColumnNames();
        this.excludedStates = options.excludedServerStates();
    }

    /** Returns the options this mapper was created with. */
    public MappingOptions options() {
        return options;
    }

    /**
     * Parses and maps one CSV document.
     *
     * @param csv the bytes (UTF-8/ASCII) as HAProxy sent them
     * @param length how many bytes of {@code csv} are valid
     * @return the samples, skipped rows and server states
     * @throws CsvFormatException when the document as a whole is unusable (empty, no {@code # } header, not text,
     *     an HTML page, a header without pxname/svname/type), with the line and column
     * @throws IndexOutOfBoundsException if {@code length} is negative or larger than {@code csv.length}
     */
    public ScrapeResult map(byte[] csv, int length) {
        return map(csv, length, MetricInterest.all());
    }

    /**
     * Parses and maps one CSV document, producing only the metrics {@code interest} includes (the rows are still
     * all read: skipped rows, server states and backend aggregates do not depend on it).
     *
     * @param csv the bytes (UTF-8/ASCII) as HAProxy sent them
     * @param length how many bytes of {@code csv} are valid
     * @param interest the metric names wanted
     * @return the samples of the wanted metrics, skipped rows and server states
     * @throws CsvFormatException when the document as a whole is unusable, as {@link #map(byte[], int)}
     * @throws IndexOutOfBoundsException if {@code length} is negative or larger than {@code csv.length}
     */
    public ScrapeResult map(byte[] csv, int length, MetricInterest interest) {
        return map(csv, length, interest, true, Set.of());
    }

    /**
     * Returns whether only server rows produce this metric (no frontend or backend row, no backend aggregate): the
     * metrics {@link ServerRows} can map again for the servers of one backend.
     */
    public static boolean serverOnlyFamily(String metricName) {
        return SERVER_ONLY_FAMILIES.contains(metricName);
    }

    /**
     * Maps as {@link #map(byte[], int, MetricInterest)}, with server states ({@link ScrapeResult#servers()}) only
     * when {@code serverStates} is set (a source has no use for them: they cost a few objects per server), and, when
     * {@code keepFor} names metrics, also keeps of every kept server row the fields those metrics (and the row's
     * names, type, status and check) are read from ({@link ScrapeResult#serverRows()}): enough to map those metrics
     * later for the servers of some backends, in a fraction of the document's size.
     *
     * @param csv the bytes (UTF-8/ASCII) as HAProxy sent them (not kept)
     * @param length how many bytes of {@code csv} are valid
     * @param interest the metric names wanted
     * @param serverStates whether to describe every kept server row's state
     * @param keepFor server metrics ({@link #serverOnlyFamily}) to keep the fields of; empty: keep no rows
     * @return the samples of the wanted metrics, skipped rows, server states if asked (else none) and the server
     *     rows if asked
     * @throws CsvFormatException when the document as a whole is unusable, as {@link #map(byte[], int)}
     * @throws IndexOutOfBoundsException if {@code length} is negative or larger than {@code csv.length}
     */
    public synchronized ScrapeResult map(byte[] csv, int length, MetricInterest interest, boolean serverStates,
                                         Set<String> keepFor) {
        Objects.requireNonNull(csv, "csv");
        Objects.checkFromIndexSize(0, length, csv.length);
        Feed feed = begin(interest, serverStates, keepFor);
        // in slices, as HaproxySource hands over what each socket read returns: one path for both (the result is
        // the same however a document is cut), and the row loop runs in short calls, not once over megabytes
        for (int pos = 0; pos < length; pos += SLICE_BYTES) {
            feed.accept(csv, pos, Math.min(SLICE_BYTES, length - pos));
        }
        return feed.finish();
    }

    /** The size of the slices {@link #map(byte[], int, MetricInterest, boolean, Set)} reads a document in. */
    private static final int SLICE_BYTES = 64 * 1024;

    /**
     * Starts mapping one document that arrives in pieces (as a socket delivers it): hand the pieces to
     * {@link Feed#accept} in order, then call {@link Feed#finish()}. Only complete rows are read from a piece; the rest
     * waits for the next piece, so the document is never held whole. The result equals {@link #map(byte[], int,
     * MetricInterest, boolean, Set)} of the concatenated pieces, however they are cut.
     *
     * <p>One feed at a time per mapper: beginning another one (or calling {@code map}) abandons this one, whose calls
     * then fail with {@link IllegalStateException}. An abandoned feed leaves the mapper usable.
     *
     * @param interest the metric names wanted
     * @param serverStates whether to describe every kept server row's state
     * @param keepFor server metrics ({@link #serverOnlyFamily}) to keep the fields of; empty: keep no rows
     * @return the feed
     */
    public synchronized Feed begin(MetricInterest interest, boolean serverStates, Set<String> keepFor) {
        Objects.requireNonNull(interest, "interest");
        Objects.requireNonNull(keepFor, "keepFor");
        return new Feed(++feeds, interest, serverStates, keepFor);
    }

    /** How many feeds were begun: only the last one may run; guarded by this. */
    private int feeds;

    /**
     * One document being mapped piece by piece ({@link #begin}). Not thread-safe on its own; its calls are serialized
     * with the mapper's.
     */
    public final class Feed {
        private final int token;
        private final MetricInterest interest;
        private final boolean serverStates;
        private final Set<String> keepFor;
        /** The plan and scrape, once the header line was read. */
        private Plan p;
        private Scrape sc;
        /** The line number of the last row read (the header is line 1). */
        private int line = 1;
        /** The bytes of an incomplete line (no '\n' yet), or of the document's start before its header is read. */
        private byte[] window = new byte[0];
        private int wlen;
        /** The first failure: later pieces are ignored and {@link #finish()} throws it. */
        private RuntimeException error;
        private boolean finished;
        /** Before the header is read: how far the document was searched for '\n' and for a non-blank byte. */
        private int scannedNewline;
        private int scannedBlank;
        /** Before the header is read: the positions of the first '\n' and the first non-blank byte, once seen. */
        private int newlineAt = -1;
        private int firstAt = -1;

        private Feed(int token, MetricInterest interest, boolean serverStates, Set<String> keepFor) {
            this.token = token;
            this.interest = interest;
            this.serverStates = serverStates;
            this.keepFor = keepFor;
        }

        /**
         * Reads the next piece of the document: every row it completes is mapped now. Never throws for the bytes'
         * content: a document that is not HAProxy CSV is reported by {@link #finish()} (the bytes after the problem
         * are ignored).
         *
         * @param b the bytes (not kept after the call)
         * @param off where the piece starts
         * @param len its length
         * @throws IndexOutOfBoundsException if off and len do not lie within {@code b}
         * @throws IllegalStateException if the feed was finished or abandoned
         */
        public void accept(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            synchronized (HaproxyCsvMapper.this) {
                check();
                if (error != null || len == 0) {
                    return;
                }
                try {
                    read(b, off, off + len);
                } catch (RuntimeException e) {
                    error = e;
                    window = null;
                }
            }
        }

        /**
         * Maps what is left (a last line without '\n') and returns the scrape's result.
         *
         * @return the samples of the wanted metrics, skipped rows, server states if asked and kept server rows
         * @throws CsvFormatException when the document as a whole is unusable, as {@link #map(byte[], int)}
         * @throws IllegalStateException if the feed was finished or abandoned
         */
        public ScrapeResult finish() {
            synchronized (HaproxyCsvMapper.this) {
                check();
                finished = true;
                if (error == null) {
                    try {
                        if (p == null) {
                            int rowsStart = header(window, 0, wlen, true);
                            rows(window, rowsStart, wlen);
                        } else if (wlen > 0) {
                            rows(window, 0, wlen);
                        }
                    } catch (RuntimeException e) {
                        error = e;
                    }
                }
                window = null;
                if (error != null) {
                    throw error;
                }
                return result(p, sc);
            }
        }

        private void check() {
            if (finished) {
                throw new IllegalStateException("this feed is finished");
            }
            if (token != feeds) {
                throw new IllegalStateException("this feed was abandoned: another document was begun on its mapper");
            }
        }

        private void read(byte[] b, int off, int end) {
            if (p == null) {
                if (wlen == 0) {
                    int rowsStart = header(b, off, end, false);
                    if (rowsStart < 0) {
                        append(b, off, end);
                        return;
                    }
                    off = rowsStart;
                } else {
                    append(b, off, end);
                    int rowsStart = header(window, 0, wlen, false);
                    if (rowsStart < 0) {
                        return;
                    }
                    // the rows after the header continue as one piece of their own
                    byte[] rest = Arrays.copyOfRange(window, rowsStart, wlen);
                    wlen = 0;
                    b = rest;
                    off = 0;
                    end = rest.length;
                }
            }
            if (wlen > 0) {
                // complete the pending line with this piece's first line
                int nl = indexOfNewline(b, off, end);
                if (nl == end) {
                    append(b, off, end);
                    return;
                }
                append(b, off, nl + 1);
                rows(window, 0, wlen);
                wlen = 0;
                off = nl + 1;
            }
            int last = lastNewline(b, off, end);
            if (last >= 0) {
                rows(b, off, last + 1);
                off = last + 1;
            }
            if (off < end) {
                append(b, off, end);
            }
        }

        private void append(byte[] b, int from, int to) {
            int n = to - from;
            if (wlen + n > window.length) {
                window = Arrays.copyOf(window, Math.max(Math.max(1024, window.length * 2), wlen + n));
            }
            System.arraycopy(b, from, window, wlen, n);
            wlen += n;
        }

        /**
         * Reads the header line at the document's start {@code [from, end)} and sets up the plan and the scrape.
         *
         * @param last whether no more bytes will come
         * @return where the rows start, or -1 when more bytes are needed (not {@code last})
         */
        private int header(byte[] csv, int from, int end, boolean last) {
            int pos = from;
            if (end - from >= 3 && (csv[from] & 0xFF) == 0xEF && (csv[from + 1] & 0xFF) == 0xBB
                    && (csv[from + 2] & 0xFF) == 0xBF) {
                pos = from + 3; // UTF-8 byte order mark
            }
            // what earlier pieces showed is not searched again (a long start without a newline stays linear);
            // positions are relative to the document's start, and final once the byte order mark is decided
            int lineEnd = newlineAt >= 0 ? from + newlineAt
                    : indexOfNewline(csv, Math.max(pos, from + scannedNewline), end);
            int first = firstAt >= 0 ? from + firstAt : firstNonBlank(csv, Math.max(pos, from + scannedBlank), end);
            if (!last && (first == end || (csv[first] != '<' && lineEnd == end))) {
                // the header line, or the first byte that tells an HTML page, has not arrived yet
                if (end - from >= 3) {
                    if (lineEnd < end) {
                        newlineAt = lineEnd - from;
                    } else {
                        scannedNewline = end - from;
                    }
                    if (first < end) {
                        firstAt = first - from;
                    } else {
                        scannedBlank = end - from;
                    }
                }
                return -1;
            }
            int headerEnd = lineEnd > pos && csv[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            checkHeader(csv, pos, headerEnd, end);
            Plan pl = plan;
            if (pl == null || !pl.interest.equals(interest) || !pl.kept.equals(keepFor)
                    || !Arrays.equals(pl.header, 0, pl.header.length, csv, pos, headerEnd)) {
                pl = Plan.build(csv, pos, headerEnd, serverFields, interest, keepFor);
                plan = pl;
                // the caches are laid out by the plan's mapped slots: start them afresh
                table.forgetCacheSlots();
                cachedSamples = new Sample[0];
                cachedBits = new long[0];
                cachedUsed = 0;
                fieldStart = new int[pl.fieldsNeeded];
                fieldEnd = new int[pl.fieldsNeeded];
                fieldQuoted = new boolean[pl.fieldsNeeded];
                fieldDigits = new long[pl.fieldsNeeded];
            }
            p = pl;
            sc = new Scrape(++generation, lastServerCount + 4, table.size() + 16, serverStates,
                    pl.keptColumns.length > 0, lastKeptBytes + lastKeptBytes / 16 + 1);
            return Math.min(lineEnd + 1, end);
        }

        /** Maps the rows in {@code [start, end)}: complete lines, except at the document's end. */
        private void rows(byte[] b, int start, int end) {
            Scrape s = sc;
            Plan pl = p;
            s.runCounts = null; // the last server row's name range was in another piece
            int pos = start;
            while (pos < end) {
                line++;
                byte c0 = b[pos];
                if (c0 == '\n') {
                    pos++;
                    continue;
                }
                if (c0 == '\r' && (pos + 1 == end || b[pos + 1] == '\n')) {
                    pos += 2;
                    continue;
                }
                if (c0 == '#') {
                    pos = indexOfNewline(b, pos, end) + 1;
                    continue;
                }
                s.rows++;
                pos = tokenize(b, pos, end, pl);
                pos = pos < end ? pos + 1 : end;
                processRow(s, pl, b, line, rowFields, rowError);
            }
        }
    }

    private static int firstNonBlank(byte[] b, int from, int to) {
        int i = from;
        while (i < to && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return i;
    }

    /** Index of the last '\n' in [from, to), or -1. */
    static int lastNewline(byte[] b, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void checkHeader(byte[] b, int pos, int headerEnd, int length) {
        int first = firstNonBlank(b, pos, length);
        if (first >= length) {
            throw new CsvFormatException(1, 0, "empty document: no header line '# pxname,svname,...'");
        }
        if (b[first] == '<') {
            throw new CsvFormatException(1, 1, "an HTML page, not CSV (does the stats URI end with ';csv'?)");
        }
        if (headerEnd - pos < 2 || b[pos] != '#' || b[pos + 1] != ' ') {
            throw new CsvFormatException(1, 1, "expected the header line '# pxname,svname,...', got '"
                    + excerpt(b, pos, headerEnd) + "'");
        }
        for (int i = pos; i < headerEnd; i++) {
            int c = b[i] & 0xFF;
            if (c < 0x20 || c > 0x7E) {
                throw new CsvFormatException(1, i - pos + 1, String.format(
                        "the header contains the non-text byte 0x%02X: not HAProxy CSV", c));
            }
        }
    }

    /** The lists and counters of one scrape. */
    private static final class Scrape {
        final int gen;
        /** The samples, row by row, each tagged with its index in {@link #FAMILY_NAMES}. */
        final SampleChunks out = new SampleChunks();
        /** The kept server rows' states, when asked for; else null. */
        final List<ServerState> servers;
        final List<SkippedRow> skipped = new ArrayList<>(0);
        final List<FieldError> fieldErrors = new ArrayList<>(0);
        final Map<String, int[]> perBackend = new HashMap<>();
        final List<RowTable.Entry> backends = new ArrayList<>();
        /** Per entry of {@link #backends}: its servers' counts when they came right before it, else null. */
        final List<int[]> backendCounts = new ArrayList<>();
        /** The rows kept in this scrape, in CSV order. */
        final List<RowTable.Entry> order;
        /** The kept server rows' kept fields, when asked for; else null. */
        final ServerRows.Builder serverRows;
        boolean inserted;
        /** Whether a row was not at its position of the last scrape. */
        boolean moved;
        /** The kept server rows. */
        int serverCount;
        /** The per-backend counts of the last server row, and its raw pxname range in the CSV. */
        int[] runCounts;
        int runStart;
        int runEnd;
        int failures;
        int skippedCount;
        int rows;
        int seen;

        Scrape(int gen, int servers, int rows, boolean serverStates, boolean keepServerRows, int keptBytes) {
            this.gen = gen;
            this.servers = serverStates ? new ArrayList<>(servers) : null;
            this.order = new ArrayList<>(rows);
            this.serverRows = keepServerRows ? new ServerRows.Builder(servers, keptBytes) : null;
        }

        /** The result list. */
        FamilySamples samples(Labels target) {
            // the target labels every sample keeps: not those a row's own labels replace or drop (see rowLabels)
            Set<String> carried = new java.util.HashSet<>();
            for (int i = 0; i < target.size(); i++) {
                if (!ROW_LABEL_NAMES.contains(target.name(i))) {
                    carried.add(target.name(i));
                }
            }
            // a target __name__ renames every sample (see fixedLabels): then the families are not offered
            return new FamilySamples(out, FAMILY_NAMES, carried, !target.has(Labels.METRIC_NAME), List.of());
        }

        void skip(int line, String reason) {
            failures++;
            skippedCount++;
            if (skipped.size() < MAX_REPORTED_ERRORS) {
                skipped.add(new SkippedRow(line, reason));
            }
        }
    }

    /** The family of each slot of the row type being emitted ({@link #FAMILIES}); guarded by this. */
    private int[] rowFamilies;
    /** The cache index of each slot of the row type being emitted ({@link Plan#cacheIndex}); guarded by this. */
    private int[] rowCacheIndex;

    // results of tokenize(); guarded by this
    private int rowFields;
    private String rowError;

    /** Ends a scrape whose rows were all read: aggregates, the caches' layout, the result. */
    private ScrapeResult result(Plan p, Scrape sc) {
        emitAggregates(sc, p);
        if (table.size() != sc.seen || sc.inserted || sc.moved) {
            // rows appeared, vanished or moved: re-lay the caches and the entries in this scrape's CSV order
            compact(sc.order);
            table.relayout(sc.order);
        }
        lastServerCount = sc.serverCount;
        ServerRows kept = sc.serverRows == null ? null : sc.serverRows.build(p.keptHeader);
        if (kept != null) {
            lastKeptBytes = kept.keptBytes();
        }
        return new ScrapeResult(sc.samples(options.targetLabels()), sc.rows, sc.rows - sc.skippedCount, sc.skipped,
                sc.servers == null ? List.of() : Collections.unmodifiableList(sc.servers), sc.fieldErrors, sc.failures,
                kept);
    }

    /**
     * Splits the row starting at {@code pos} into fields, remembering the fields the plan needs in
     * fieldStart/fieldEnd/fieldQuoted; sets {@link #rowFields} and {@link #rowError}.
     *
     * @return the index of the row's '\n', or {@code length}
     */
    private int tokenize(byte[] b, int pos, int length, Plan p) {
        int need = p.fieldsNeeded;
        int typeCol = p.typeCol;
        int[] fs = fieldStart;
        int[] fe = fieldEnd;
        boolean[] fq = fieldQuoted;
        long[] fd = fieldDigits;
        int nf = 0;
        String bad = null;
        int[] unusedRun = p.unusedRunAny;
        while (true) {
            int run = nf < need ? unusedRun[nf] : 0;
            if (run > 0) {
                // columns no metric reads: jump over all of them at once (falls back to one by one on a quote)
                int r = Math.min(run, need - nf);
                int sep = indexOfNthComma(b, pos, length, r);
                if (sep >= 0) {
                    nf += r;
                    pos = sep;
                    if (nf == need) {
                        nf++;
                        pos = indexOfNewline(b, pos, length);
                        break;
                    }
                    pos++;
                    continue;
                }
            }
            int s = pos;
            int e;
            boolean q = false;
            long digits = -1;
            if (pos < length && b[pos] == '"') {
                q = true;
                pos++;
                boolean closed = false;
                while (pos < length) {
                    byte c = b[pos];
                    if (c == '"') {
                        if (pos + 1 < length && b[pos + 1] == '"') {
                            pos += 2;
                            continue;
                        }
                        closed = true;
                        pos++;
                        break;
                    }
                    if (c == '\n') {
                        break;
                    }
                    pos++;
                }
                if (!closed) {
                    bad = "unterminated quote in field " + (nf + 1);
                    break;
                }
                e = pos;
                if (pos < length && b[pos] == '\r' && (pos + 1 == length || b[pos + 1] == '\n')) {
                    pos++;
                } else if (pos < length && b[pos] != ',' && b[pos] != '\n') {
                    bad = "text after the closing quote of field " + (nf + 1);
                    pos = indexOfNewline(b, pos, length);
                    break;
                }
            } else if (nf < need && !p.textColumn[nf] && (digits = swarDigits(b, pos, length)) != NOT_PLAIN) {
                // a field of 1 to 15 digits ended by ',' or '\n', read eight bytes at a time (most fields)
                pos = swarEnd;
                e = pos;
            } else if (nf < need) {
                // one pass that finds the separator and reads the field as a decimal
                digits = -1;
                long v = 0;
                int nonDigit = 0;
                int i = pos;
                while (i < length) {
                    byte c = b[i];
                    if (c == ',' || c == '\n') {
                        break;
                    }
                    int d = c - '0';
                    nonDigit |= d | (9 - d); // negative when c is not a digit
                    v = v * 10 + d;
                    i++;
                }
                pos = i;
                e = pos;
                if (e > s && b[e - 1] == '\r' && (pos == length || b[pos] == '\n')) {
                    e--;
                    nonDigit = -1;
                }
                if (nonDigit >= 0 && e > s && e - s <= 18) {
                    digits = v;
                }
            } else {
                pos = indexOfSeparator(b, pos, length);
                e = pos;
                if (e > s && b[e - 1] == '\r' && (pos == length || b[pos] == '\n')) {
                    e--;
                }
            }
            if (nf < need) {
                fs[nf] = s;
                fe[nf] = e;
                fq[nf] = q;
                fd[nf] = digits;
                if (nf == typeCol && e == s + 1 && b[s] >= '0' && b[s] <= '2') {
                    need = p.fieldsNeededByType[b[s] - '0']; // fewer columns for this row type
                    unusedRun = p.unusedRunByType[b[s] - '0'];
                }
            }
            nf++;
            if (pos >= length || b[pos] == '\n') {
                break;
            }
            if (nf == need) {
                // the remaining fields are not used: skip to the end of the line (quotes cannot span lines)
                nf++;
                pos = indexOfNewline(b, pos, length);
                break;
            }
            pos++;
        }
        rowFields = nf;
        rowError = bad;
        return pos;
    }

    private void processRow(Scrape sc, Plan p, byte[] b, int rowLine, int nf, String error) {
        int[] fs = fieldStart;
        int[] fe = fieldEnd;
        boolean[] fq = fieldQuoted;
        String bad = error;
        if (bad == null && nf <= p.idColumnsMax) {
            bad = "only " + nf + " fields, column '" + p.missingIdColumn(nf) + "' missing";
        }
        int type = -1;
        if (bad == null) {
            long td = fieldDigits[p.typeCol]; // read by tokenize when plain digits
            type = td >= 0 && fe[p.typeCol] - fs[p.typeCol] <= 9 ? (int) td
                    : smallInt(b, fs[p.typeCol], fe[p.typeCol], fq[p.typeCol]);
            if (type < 0) {
                bad = "type '" + excerpt(b, fs[p.typeCol], fe[p.typeCol]) + "' is not a row type number";
            }
        }
        if (bad != null) {
            sc.skip(rowLine, bad);
            return;
        }
        if (type > Columns.SERVER) {
            return; // listener (3) or a future row type: not exported, like the exporter
        }
        int ps = fs[p.pxCol];
        int pe = fe[p.pxCol];
        int ss = fs[p.svCol];
        int se = fe[p.svCol];
        // the row at this position in the last scrape, when its names match: no hashing
        RowTable.Entry en = table.at(sc.seen);
        boolean elsewhere = en == null || !en.is(type, b, ps, pe, ss, se);
        if (elsewhere) {
            en = table.find(type, b, ps, pe, ss, se, RowTable.hash(type, b, ps, pe, ss, se));
        }
        if (en == null) {
            int hash = RowTable.hash(type, b, ps, pe, ss, se);
            en = new RowTable.Entry(type, Arrays.copyOfRange(b, ps, pe), Arrays.copyOfRange(b, ss, se), hash,
                    decode(b, ps, pe, fq[p.pxCol], Integer.MAX_VALUE),
                    decode(b, ss, se, fq[p.svCol], Integer.MAX_VALUE), options.targetLabels());
            table.insert(en);
            en.base = -1; // its cache slots come with its first sample (rows no wanted metric reads need none)
            sc.inserted = true;
        } else if (en.generation == sc.gen) {
            sc.skip(rowLine, "duplicate row for " + en.proxy + "/" + en.server + " (first at line " + en.firstLine
                    + ")");
            return;
        }
        // a kept row away from its last position (not a skipped duplicate, which takes no position)
        sc.moved |= elsewhere;
        en.generation = sc.gen;
        en.firstLine = rowLine;
        sc.seen++;
        sc.order.add(en);
        String status = "";
        int state = StatusRules.NO_STATE;
        if (p.statusCol >= 0 && p.statusCol < nf) {
            status = status(en, b, fs[p.statusCol], fe[p.statusCol], fq[p.statusCol]);
            state = en.stateIndex;
        }
        // an excluded server row (a parked server-template slot in MAINT, say) gives no series of its own, but still
        // counts in its backend's aggregates: "every server in maintenance" must see it
        boolean excluded = type == Columns.SERVER && !excludedStates.isEmpty() && excludedStates.contains(status);
        if (!excluded) {
            emitRow(sc, p, b, rowLine, nf, type, en, status, state);
        }
        if (type == Columns.SERVER) {
            // servers of a backend are consecutive: look the backend up once per run of rows
            int[] counts = sc.runCounts;
            if (counts == null || !sameRange(b, sc.runStart, sc.runEnd, ps, pe)) {
                counts = sc.perBackend.get(en.proxy);
                if (counts == null) {
                    counts = new int[UNRESOLVED_COUNT + 1];
                    sc.perBackend.put(en.proxy, counts);
                }
                sc.runCounts = counts;
            }
            sc.runStart = ps;
            sc.runEnd = pe;
            counts[0]++;
            if (state >= 0) {
                counts[1 + state]++;
            }
            if (status.equals(UNRESOLVED_STATUS)) {
                counts[UNRESOLVED_COUNT]++;
            }
            if (excluded) {
                return;
            }
            if (sc.servers != null) {
                sc.servers.add(serverState(p, en, b, nf, status));
            }
            sc.serverCount++;
            if (sc.serverRows != null) {
                sc.serverRows.add(en.proxy, b, fieldStart, fieldEnd, p.keptColumns, nf);
            }
        } else if (type == Columns.BACKEND) {
            sc.backends.add(en);
            // HAProxy lists a backend's servers right before its row: their counts, without a look-up by name
            sc.backendCounts.add(sc.runCounts != null && sameRange(b, sc.runStart, sc.runEnd, ps, pe)
                    ? sc.runCounts : null);
        }
    }

    private void emitRow(Scrape sc, Plan p, byte[] b, int rowLine, int nf, int type, RowTable.Entry en,
                         String status, int state) {
        int[] fs = fieldStart;
        int[] fe = fieldEnd;
        boolean[] fq = fieldQuoted;
        rowFamilies = FAMILIES[type];
        rowCacheIndex = p.cacheIndex[type];
        int[] slotCols = p.slotColumns[type];
        Slot[] slots = SLOTS[type];
        Kind[] kinds = KINDS[type];
        for (int i = 0; i < slotCols.length; i++) {
            int col = slotCols[i];
            if (col < 0 || col >= nf) {
                continue;
            }
            Kind kind = kinds[i];
            double v;
            Labels labels;
            switch (kind) {
                case INT:
                case MS: {
                    long digits = fieldDigits[col];
                    if (digits >= 0) {
                        // plain digits, read by tokenize: what parseNumber gives for them
                        emitFixed(sc.out, en, i, slots[i], kind == Kind.MS ? digits / 1000.0 : (double) digits);
                        continue;
                    }
                    int r = parseNumber(b, fs[col], fe[col], fq[col], kind == Kind.MS);
                    if (r == EMPTY) {
                        continue;
                    }
                    if (r == BAD) {
                        sc.failures++;
                        if (sc.fieldErrors.size() < MAX_REPORTED_ERRORS) {
                            sc.fieldErrors.add(new FieldError(rowLine, slots[i].column(), "'"
                                    + excerpt(b, fs[col], fe[col]) + "' is not a number"));
                        }
                        continue;
                    }
                    emitFixed(sc.out, en, i, slots[i], number);
                    continue;
                }
                case UP:
                    if (fs[col] == fe[col]) {
                        continue;
                    }
                    emitFixed(sc.out, en, i, slots[i], statusMapping == StatusMapping.FIXED ? en.upFixed : en.upStrict);
                    continue;
                case STATE:
                    if (fs[col] == fe[col]) {
                        continue;
                    }
                    emitFixed(sc.out, en, i, slots[i], state >= 0 && state == SLOT_STATES[type][i] ? 1 : 0);
                    continue;
                case CHECK_STATUS:
                    labels = checkLabels(p, en, b, nf);
                    if (labels == null) {
                        continue;
                    }
                    v = 1;
                    break;
                case CHECK_INFO:
                    labels = infoLabels(en, b, fs[col], fe[col], fq[col]);
                    if (labels == null) {
                        continue;
                    }
                    v = 1;
                    break;
                case STATUS_INFO:
                    labels = statusInfoLabels(en, status);
                    if (labels == null) {
                        continue;
                    }
                    v = 1;
                    break;
                default:
                    continue; // aggregates: after all rows
            }
            emitDynamic(sc.out, en, i, labels, v, kind);
        }
    }

    private void emitAggregates(Scrape sc, Plan p) {
        boolean[] aggregateOn = p.aggregateOn;
        List<RowTable.Entry> backends = sc.backends;
        Map<String, int[]> perBackend = sc.perBackend;
        rowFamilies = FAMILIES[Columns.BACKEND];
        rowCacheIndex = p.cacheIndex[Columns.BACKEND];
        Slot[] slots = SLOTS[Columns.BACKEND];
        Kind[] kinds = KINDS[Columns.BACKEND];
        int[] states = SLOT_STATES[Columns.BACKEND];
        for (int k = 0; k < backends.size(); k++) {
            RowTable.Entry en = backends.get(k);
            int[] counts = sc.backendCounts.get(k);
            if (counts == null) {
                counts = perBackend.get(en.proxy); // servers elsewhere in the document, or none
            }
            for (int i = 0; i < slots.length; i++) {
                if (!aggregateOn[i]) {
                    continue;
                }
                if (kinds[i] == Kind.AGG_TOTAL) {
                    emitFixed(sc.out, en, i, slots[i], counts == null ? 0 : counts[0]);
                } else if (kinds[i] == Kind.AGG_STATE) {
                    emitFixed(sc.out, en, i, slots[i], counts == null ? 0 : counts[1 + states[i]]);
                } else if (kinds[i] == Kind.AGG_UNRESOLVED) {
                    emitFixed(sc.out, en, i, slots[i], counts == null ? 0 : counts[UNRESOLVED_COUNT]);
                }
            }
        }
    }

    /** The start of a row's cache slots, allocated on its first sample. */
    private int slots(RowTable.Entry en) {
        int base = en.base;
        if (base < 0) {
            base = allocateSlots(plan.cacheWidth[en.type]);
            en.base = base;
        }
        return base;
    }

    private int allocateSlots(int n) {
        if (cachedUsed + n > cachedSamples.length) {
            int cap = Math.max(cachedUsed + n, cachedSamples.length * 2);
            cachedSamples = Arrays.copyOf(cachedSamples, cap);
            cachedBits = Arrays.copyOf(cachedBits, cap);
        }
        int base = cachedUsed;
        cachedUsed += n;
        return base;
    }

    /** Re-lays the per-row caches in the order of the last scrape, dropping vanished rows and rows without slots. */
    private void compact(List<RowTable.Entry> order) {
        int[] width = plan.cacheWidth;
        int total = 0;
        for (RowTable.Entry en : order) {
            total += en.base < 0 ? 0 : width[en.type];
        }
        Sample[] samples = new Sample[total + total / 8 + 64];
        long[] bits = new long[samples.length];
        int next = 0;
        for (RowTable.Entry en : order) {
            if (en.base < 0) {
                continue; // no sample yet: no slots
            }
            int n = width[en.type];
            System.arraycopy(cachedSamples, en.base, samples, next, n);
            System.arraycopy(cachedBits, en.base, bits, next, n);
            en.base = next;
            next += n;
        }
        cachedSamples = samples;
        cachedBits = bits;
        cachedUsed = next;
    }

    /**
     * Adds the sample of a slot whose labels never change for a row: the cached sample when its value is the same
     * (touching only the row's samples/bits arrays, not the sample or its labels), else a new one.
     */
    private void emitFixed(SampleChunks out, RowTable.Entry en, int slot, Slot def, double v) {
        long bits = Double.doubleToRawLongBits(v);
        int k = slots(en) + rowCacheIndex[slot];
        Sample prev = cachedSamples[k];
        if (prev != null && cachedBits[k] == bits) {
            out.append(prev, rowFamilies[slot]);
            return;
        }
        // a fixed slot's labels never change: take them from the previous sample, else build them
        Sample s = new Sample(prev != null ? prev.labels() : fixedLabels(en, def), v);
        cachedSamples[k] = s;
        cachedBits[k] = bits;
        out.append(s, rowFamilies[slot]);
    }

    /** Adds the sample of a slot whose labels follow the row (check status/info). */
    private void emitDynamic(SampleChunks out, RowTable.Entry en, int slot, Labels labels, double v, Kind kind) {
        long bits = Double.doubleToRawLongBits(v);
        int k = slots(en) + rowCacheIndex[slot];
        Sample prev = cachedSamples[k];
        // the cached sample's labels, held in the entry: reading prev.labels() would touch the sample (a cache miss)
        Labels last = kind == Kind.CHECK_STATUS ? en.emittedCheckLabels
                : kind == Kind.CHECK_INFO ? en.emittedInfoLabels : en.emittedStatusLabels;
        if (prev != null && cachedBits[k] == bits && last == labels) {
            out.append(prev, rowFamilies[slot]);
            return;
        }
        Sample s = new Sample(labels, v);
        cachedSamples[k] = s;
        cachedBits[k] = bits;
        if (kind == Kind.CHECK_STATUS) {
            en.emittedCheckLabels = labels;
        } else if (kind == Kind.CHECK_INFO) {
            en.emittedInfoLabels = labels;
        } else {
            en.emittedStatusLabels = labels;
        }
        out.append(s, rowFamilies[slot]);
    }

    /**
     * The labels of haproxy_server_status_info: the whole status when it gives a reason after the state
     * ({@code DOWN (agent)}, {@code MAINT (resolution)}, {@code MAINT (via be/s1)}), else null (no series).
     */
    private static Labels statusInfoLabels(RowTable.Entry en, String status) {
        if (status != en.statusInfoFor) {
            en.statusInfoFor = status;
            if (status.indexOf(" (") < 0) {
                en.statusInfoLabels = null;
            } else {
                Labels.Builder lb = Labels.builder().put(Labels.METRIC_NAME, "haproxy_server_status_info");
                rowLabels(lb, en);
                en.statusInfoLabels = lb.put("status", status).build();
            }
        }
        return en.statusInfoLabels;
    }

    /** Builds the labels of a fixed slot of the row (once per row and slot: later samples reuse them). */
    private static Labels fixedLabels(RowTable.Entry en, Slot slot) {
        Labels row = en.rowLabels;
        if (row == null) {
            Labels.Builder lb = Labels.builder();
            rowLabels(lb, en);
            row = lb.build();
            en.rowLabels = row;
        }
        if (row.has(Labels.METRIC_NAME)) {
            // target labels with a __name__ (not from HaproxySource): it wins, as it always did
            Labels.Builder lb = Labels.builder().put(Labels.METRIC_NAME, slot.metric());
            rowLabels(lb, en);
            if (!slot.labelName().isEmpty()) {
                lb.put(slot.labelName(), slot.labelValue());
            }
            return lb.build();
        }
        // the row's label array is shared by all its metrics without an extra label (Labels' split form)
        Labels l = slot.labelName().isEmpty() ? row : row.with(slot.labelName(), slot.labelValue());
        return l.with(Labels.METRIC_NAME, slot.metric());
    }

    private static void rowLabels(Labels.Builder lb, RowTable.Entry en) {
        en.target.forEach(lb::put);
        if (en.type == Columns.FRONTEND) {
            lb.put("frontend", en.proxy);
        } else {
            lb.put("backend", en.proxy);
            if (en.type == Columns.SERVER) {
                lb.put("server", en.server);
            }
        }
    }

    private String status(RowTable.Entry en, byte[] b, int s, int e, boolean q) {
        if (!same(en.statusBytes, b, s, e)) {
            en.statusBytes = Arrays.copyOfRange(b, s, e);
            en.status = decode(b, s, e, q, MAX_LABEL_LENGTH);
            en.stateIndex = StatusRules.state(en.status);
            en.upStrict = StatusRules.up(StatusMapping.EXPORTER_STRICT, en.status);
            en.upFixed = StatusRules.up(StatusMapping.FIXED, en.status);
        }
        return en.status;
    }

    /** The labels of haproxy_server_check_status, or null when the row has no check status. */
    private Labels checkLabels(Plan p, RowTable.Entry en, byte[] b, int nf) {
        int col = p.checkStatusCol;
        int s = fieldStart[col];
        int e = fieldEnd[col];
        boolean q = fieldQuoted[col];
        int ds = 0;
        int de = 0;
        boolean dq = false;
        if (p.checkDescCol >= 0 && p.checkDescCol < nf) {
            ds = fieldStart[p.checkDescCol];
            de = fieldEnd[p.checkDescCol];
            dq = fieldQuoted[p.checkDescCol];
        }
        int cs = 0;
        int ce = 0;
        boolean cq = false;
        if (p.checkCodeCol >= 0 && p.checkCodeCol < nf) {
            cs = fieldStart[p.checkCodeCol];
            ce = fieldEnd[p.checkCodeCol];
            cq = fieldQuoted[p.checkCodeCol];
        }
        if (same(en.checkStatusBytes, b, s, e) && same(en.checkDescBytes, b, ds, de)
                && same(en.checkCodeBytes, b, cs, ce)) {
            return en.checkLabels;
        }
        en.checkStatusBytes = Arrays.copyOfRange(b, s, e);
        en.checkDescBytes = Arrays.copyOfRange(b, ds, de);
        en.checkCodeBytes = Arrays.copyOfRange(b, cs, ce);
        String st = decode(b, s, e, q, MAX_LABEL_LENGTH);
        if (st.startsWith("* ")) {
            st = st.substring(2); // a check is running
        }
        st = st.trim();
        en.checkStatus = st;
        en.checkDesc = decode(b, ds, de, dq, MAX_LABEL_LENGTH);
        if (st.isEmpty()) {
            en.checkLabels = null;
            return null;
        }
        Labels.Builder lb = Labels.builder().put(Labels.METRIC_NAME, "haproxy_server_check_status");
        rowLabels(lb, en);
        lb.put("check_status", st).put("check_desc", en.checkDesc)
                .put("check_code", decode(b, cs, ce, cq, MAX_LABEL_LENGTH));
        en.checkLabels = lb.build();
        return en.checkLabels;
    }

    /** The labels of haproxy_server_check_info, or null when last_chk is empty. */
    private static Labels infoLabels(RowTable.Entry en, byte[] b, int s, int e, boolean q) {
        if (same(en.lastChkBytes, b, s, e)) {
            return en.infoLabels;
        }
        en.lastChkBytes = Arrays.copyOfRange(b, s, e);
        en.lastChk = decode(b, s, e, q, MAX_LABEL_LENGTH);
        if (en.lastChk.isEmpty()) {
            en.infoLabels = null;
        } else {
            Labels.Builder lb = Labels.builder().put(Labels.METRIC_NAME, "haproxy_server_check_info");
            rowLabels(lb, en);
            en.infoLabels = lb.put("last_chk", en.lastChk).build();
        }
        return en.infoLabels;
    }

    private ServerState serverState(Plan p, RowTable.Entry en, byte[] b, int nf, String status) {
        // the check fields are read by emitRow when their metrics are wanted; the state needs them regardless
        if (!p.serverCheckMapped && p.checkStatusCol >= 0 && p.checkStatusCol < nf) {
            checkLabels(p, en, b, nf);
        }
        if (!p.serverInfoMapped && p.lastChkCol >= 0 && p.lastChkCol < nf) {
            infoLabels(en, b, fieldStart[p.lastChkCol], fieldEnd[p.lastChkCol], fieldQuoted[p.lastChkCol]);
        }
        if (p.checkStatusCol < 0 || p.checkStatusCol >= nf) {
            en.checkStatus = "";
            en.checkDesc = "";
            en.checkStatusBytes = null;
            en.checkLabels = null;
        }
        if (p.lastChkCol < 0 || p.lastChkCol >= nf) {
            en.lastChk = "";
            en.lastChkBytes = null;
            en.infoLabels = null;
        }
        long lastChange = -1;
        if (p.lastchgCol >= 0 && p.lastchgCol < nf
                && parseNumber(b, fieldStart[p.lastchgCol], fieldEnd[p.lastchgCol], fieldQuoted[p.lastchgCol],
                false) == OK) {
            lastChange = (long) number;
        }
        // compare with copies held in the entry, so that the old ServerState object is not touched
        if (en.state != null && en.stStatus == status && en.stCheck == en.checkStatus && en.stDesc == en.checkDesc
                && en.stLast == en.lastChk && en.stChange == lastChange) {
            return en.state;
        }
        en.stStatus = status;
        en.stCheck = en.checkStatus;
        en.stDesc = en.checkDesc;
        en.stLast = en.lastChk;
        en.stChange = lastChange;
        en.state = new ServerState(en.proxy, en.server, status, en.checkStatus, en.checkDesc, en.lastChk,
                lastChange);
        return en.state;
    }

    private static boolean sameRange(byte[] b, int s1, int e1, int s2, int e2) {
        if (e1 - s1 != e2 - s2) {
            return false;
        }
        for (int i = 0; i < e1 - s1; i++) {
            if (b[s1 + i] != b[s2 + i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code prev} holds the bytes b[s, e); a plain loop, cheaper than Arrays.equals for short values. */
    private static boolean same(byte[] prev, byte[] b, int s, int e) {
        if (prev == null || prev.length != e - s) {
            return false;
        }
        for (int i = 0; i < prev.length; i++) {
            if (prev[i] != b[s + i]) {
                return false;
            }
        }
        return true;
    }

    /** Parses a non-negative decimal of at most 9 digits, or returns -1. */
    private static int smallInt(byte[] b, int s, int e, boolean q) {
        if (q) {
            s++;
            e--;
        }
        if (s >= e || e - s > 9) {
            return -1;
        }
        int v = 0;
        for (int i = s; i < e; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /**
     * Parses a field as a number into {@link #number}: an integer (like Go's strconv.ParseInt, base 10, 64 bit)
     * or, for millisecond columns, a decimal (like strconv.ParseFloat) divided by 1000.
     */
    private int parseNumber(byte[] b, int s, int e, boolean q, boolean ms) {
        if (q) {
            s++;
            e--;
        }
        if (s >= e) {
            return EMPTY;
        }
        int i = s;
        boolean neg = false;
        if (b[i] == '-' || b[i] == '+') {
            neg = b[i] == '-';
            i++;
        }
        if (i >= e) {
            return BAD;
        }
        long v = 0;
        int digits = 0;
        if (e - i <= 18) {
            // at most 18 digits: cannot overflow a long
            for (; i < e; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                v = v * 10 + d;
                digits++;
            }
        } else {
            for (; i < e; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                if (v > (Long.MAX_VALUE - d) / 10) {
                    return ms ? slowDouble(b, s, e) : BAD;
                }
                v = v * 10 + d;
                digits++;
            }
        }
        if (i == e && digits > 0) {
            long r = neg ? -v : v;
            number = ms ? r / 1000.0 : (double) r;
            return OK;
        }
        if (!ms) {
            return BAD;
        }
        if (b[i] == '.' && v < (1L << 53)) {
            int j = i + 1;
            int frac = 0;
            long m = v;
            for (; j < e && frac < 15; j++) {
                int d = b[j] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                m = m * 10 + d;
                frac++;
            }
            if (j == e && (digits > 0 || frac > 0) && m < (1L << 53)) {
                double x = (double) m / POW10[frac];
                number = (neg ? -x : x) / 1000;
                return OK;
            }
        }
        return slowDouble(b, s, e);
    }

    private static final double[] POW10 = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
        1e14, 1e15, 1e16};

    private int slowDouble(byte[] b, int s, int e) {
        if (e - s > 64) {
            return BAD;
        }
        for (int i = s; i < e; i++) {
            byte c = b[i];
            boolean ok = (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
            if (!ok) {
                return BAD;
            }
        }
        try {
            number = Double.parseDouble(new String(b, s, e - s, StandardCharsets.ISO_8859_1)) / 1000;
            return OK;
        } catch (NumberFormatException ex) {
            return BAD;
        }
    }

    /** Decodes a field (removing quotes, undoubling inner quotes) as UTF-8, cut to {@code max} characters. */
    static String decode(byte[] b, int s, int e, boolean q, int max) {
        String str;
        if (q) {
            str = new String(b, s + 1, Math.max(0, e - s - 2), StandardCharsets.UTF_8).replace("\"\"", "\"");
        } else {
            str = new String(b, s, e - s, StandardCharsets.UTF_8);
        }
        if (str.length() > max) {
            int cut = max;
            if (Character.isHighSurrogate(str.charAt(cut - 1))) {
                cut--;
            }
            str = str.substring(0, cut);
        }
        return str;
    }

    /**
     * A printable, bounded excerpt of a byte range for error messages. The server's text goes through the
     * {@linkplain #redactingWith redactor} first, decoded and whole (up to a bound well beyond what is shown), so that
     * a credential is found before it is cut or escaped; then at most {@value #MAX_EXCERPT} characters are shown,
     * bytes outside printable ASCII as {@code \}{@code xNN}.
     */
    private String excerpt(byte[] b, int s, int e) {
        int end = Math.min(e, s + 8 * MAX_EXCERPT + 256);
        byte[] shown = redactor.apply(new String(b, s, end - s, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder();
        int i = 0;
        for (; i < shown.length && sb.length() < MAX_EXCERPT; i++) {
            int c = shown[i] & 0xFF;
            if (c >= 0x20 && c < 0x7F) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02X", c));
            }
        }
        if (i < shown.length || end < e) {
            sb.append("...");
        }
        return sb.toString();
    }

    /**
     * Makes the server's text quoted in this mapper's errors (the first line of a document that is not CSV, a field
     * that is not a number) go through {@code redactor} before it is cut to an excerpt and escaped: a server may echo
     * the credentials it was sent. Returns this mapper.
     */
    public HaproxyCsvMapper redactingWith(UnaryOperator<String> redactor) {
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        return this;
    }

    /** Index of the first ',' or '\n' in [from, to), or {@code to}; eight bytes at a time. */
    static int indexOfSeparator(byte[] b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = (long) LONGS.get(b, i);
            long x = w ^ 0x2C2C2C2C2C2C2C2CL;
            long y = w ^ 0x0A0A0A0A0A0A0A0AL;
            long t = ((x - 0x0101010101010101L) & ~x | (y - 0x0101010101010101L) & ~y) & 0x8080808080808080L;
            if (t != 0) {
                return i + (Long.numberOfTrailingZeros(t) >>> 3);
            }
        }
        for (; i < to; i++) {
            byte c = b[i];
            if (c == ',' || c == '\n') {
                return i;
            }
        }
        return to;
    }

    /** What {@link #swarDigits} returns for a field it does not read (the caller reads it byte by byte). */
    private static final long NOT_PLAIN = Long.MIN_VALUE;
    /** 10^n for n = 0..8, as longs (the digits of a second eight-byte word). */
    private static final long[] POW10_LONG = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
        100_000_000L};

    /** Where the field read by the last successful {@link #swarDigits} call ends (its ',' or '\n'). */
    private int swarEnd;

    /** Where the field read by the last successful {@link #swarDigits} call ends (for tests). */
    int swarEnd() {
        return swarEnd;
    }

    /**
     * Reads the field at {@code pos} when it is 1 to 15 ASCII digits followed by ',' or '\n', eight bytes at a
     * time: returns its value and sets {@link #swarEnd}. Returns -1 for an empty field ended by ',' or '\n' (also
     * setting {@link #swarEnd}), and {@link #NOT_PLAIN} for anything else (other bytes, CR, too long, too close
     * to the end of the document), which the caller reads byte by byte.
     */
    long swarDigits(byte[] b, int pos, int length) {
        if (pos + 16 > length) {
            return NOT_PLAIN;
        }
        long w = (long) LONGS.get(b, pos);
        int n = leadingDigits(w);
        if (n < 8) {
            byte c = b[pos + n];
            if (c != ',' && c != '\n') {
                return NOT_PLAIN;
            }
            swarEnd = pos + n;
            return n == 0 ? -1 : eightDigits(w << (8 * (8 - n)));
        }
        long w2 = (long) LONGS.get(b, pos + 8);
        int n2 = leadingDigits(w2);
        if (n2 == 8) {
            return NOT_PLAIN;
        }
        byte c = b[pos + 8 + n2];
        if (c != ',' && c != '\n') {
            return NOT_PLAIN;
        }
        swarEnd = pos + 8 + n2;
        long high = eightDigits(w);
        return n2 == 0 ? high : high * POW10_LONG[n2] + eightDigits(w2 << (8 * (8 - n2)));
    }

    /** How many of the eight bytes of {@code w} (little-endian, first byte lowest) are ASCII digits before another. */
    static int leadingDigits(long w) {
        // per byte: high nibble of the byte, and high nibble of the byte + 6; both are 3 exactly for '0'..'9'
        // (a carry out of a non-digit byte only reaches later bytes, which are not counted)
        long m = ((w & 0xF0F0F0F0F0F0F0F0L) | (((w + 0x0606060606060606L) & 0xF0F0F0F0F0F0F0F0L) >>> 4))
                ^ 0x3333333333333333L;
        return Long.numberOfTrailingZeros(m) >>> 3;
    }

    /** The value of eight ASCII digits packed little-endian (first digit in the lowest byte); 0x00 bytes count 0. */
    static long eightDigits(long w) {
        long v = (w & 0x0F0F0F0F0F0F0F0FL) * 2561 >>> 8;
        v = (v & 0x00FF00FF00FF00FFL) * 6553601 >>> 16;
        return (v & 0x0000FFFF0000FFFFL) * 42949672960001L >>> 32;
    }

    /** 0x80 in every byte of {@code x} that is zero, 0 elsewhere (exact: no borrow between bytes). */
    private static long zeroBytes(long x) {
        long t = (x & 0x7F7F7F7F7F7F7F7FL) + 0x7F7F7F7F7F7F7F7FL;
        return ~(t | x | 0x7F7F7F7F7F7F7F7FL);
    }

    /**
     * Index of the {@code n}-th ',' (n &gt;= 1) in [from, to) when no '"' or '\n' comes before it, else -1; eight
     * bytes at a time. Skips {@code n} consecutive fields nobody reads without looking at each.
     */
    static int indexOfNthComma(byte[] b, int from, int to, int n) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = (long) LONGS.get(b, i);
            long commas = zeroBytes(w ^ 0x2C2C2C2C2C2C2C2CL);
            long stop = zeroBytes(w ^ 0x0A0A0A0A0A0A0A0AL) | zeroBytes(w ^ 0x2222222222222222L);
            if (stop != 0) {
                commas &= (stop & -stop) - 1; // only the commas before the first quote or newline
            }
            int c = Long.bitCount(commas);
            if (c >= n) {
                while (--n > 0) {
                    commas &= commas - 1;
                }
                return i + (Long.numberOfTrailingZeros(commas) >>> 3);
            }
            if (stop != 0) {
                return -1;
            }
            n -= c;
        }
        for (; i < to; i++) {
            byte c = b[i];
            if (c == ',') {
                if (--n == 0) {
                    return i;
                }
            } else if (c == '\n' || c == '"') {
                return -1;
            }
        }
        return -1;
    }

    /** Index of the first '\n' in [from, to), or {@code to}; eight bytes at a time. */
    static int indexOfNewline(byte[] b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONGS.get(b, i) ^ 0x0A0A0A0A0A0A0A0AL;
            long t = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
            if (t != 0) {
                return i + (Long.numberOfTrailingZeros(t) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return to;
    }

    private static int indexOf(byte[] b, byte c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return to;
    }

    /** The column plan of one header: which CSV column feeds which slot. Immutable. */
    static final class Plan {
        final byte[] header;
        final int pxCol;
        final int svCol;
        final int typeCol;
        final int statusCol;
        final int checkStatusCol;
        final int checkDescCol;
        final int checkCodeCol;
        final int lastChkCol;
        final int lastchgCol;
        final int idColumnsMax;
        final int fieldsNeeded;
        /** Fields needed by rows of type 0, 1, 2 (each &lt;= fieldsNeeded and &gt; the type column). */
        final int[] fieldsNeededByType = new int[3];
        final int[][] slotColumns = new int[3][];
        /**
         * Per column: how many consecutive columns from it are read by no row type (before the type is known), and
         * by no metric of each row type; the tokenizer jumps over such runs.
         */
        final int[] unusedRunAny;
        final int[][] unusedRunByType = new int[3][];
        /** Per needed column: whether it holds text (names, status, check fields), not tried as digits first. */
        final boolean[] textColumn;

        final MetricInterest interest;
        /** The server metrics whose fields are kept ({@link ServerRows}); empty for none. */
        final Set<String> kept;
        /** The columns kept of each server row, ascending; empty when nothing is kept. */
        final int[] keptColumns;
        /** The header line of a document made of the kept columns ({@code "# pxname,svname,..."}). */
        final byte[] keptHeader;
        /** Per backend slot: whether it is a wanted aggregate (computed after all rows). */
        final boolean[] aggregateOn;
        /**
         * Per row type and slot: the slot's place in a row's cache region (the mapped slots and, of backends, the
         * wanted aggregates, numbered in slot order), or -1 for a slot the plan does not map.
         */
        final int[][] cacheIndex = new int[3][];
        /** Per row type: the width of a row's cache region (how many of its slots are mapped). */
        final int[] cacheWidth = new int[3];
        /** Whether emitRow reads a server row's check status fields (haproxy_server_check_status is mapped). */
        final boolean serverCheckMapped;
        /** Whether emitRow reads a server row's last_chk (haproxy_server_check_info is mapped). */
        final boolean serverInfoMapped;

        private Plan(byte[] header, Map<String, Integer> cols, Set<String> serverFields, MetricInterest interest,
                     Set<String> kept) {
            this.header = header;
            this.interest = interest;
            this.kept = Set.copyOf(kept);
            pxCol = cols.get("pxname");
            svCol = cols.get("svname");
            typeCol = cols.get("type");
            statusCol = cols.getOrDefault("status", -1);
            checkStatusCol = cols.getOrDefault("check_status", -1);
            checkDescCol = cols.getOrDefault("check_desc", -1);
            checkCodeCol = cols.getOrDefault("check_code", -1);
            lastChkCol = cols.getOrDefault("last_chk", -1);
            lastchgCol = cols.getOrDefault("lastchg", -1);
            idColumnsMax = Math.max(pxCol, Math.max(svCol, typeCol));
            int common = Math.max(idColumnsMax, Math.max(statusCol, Math.max(checkStatusCol,
                    Math.max(checkDescCol, Math.max(checkCodeCol, Math.max(lastChkCol, lastchgCol))))));
            // frontend and backend rows need no check fields: their tokenizing can stop earlier
            int rowCommon = Math.max(idColumnsMax, statusCol);
            keptColumns = keptColumns(cols, kept);
            String[] names = new String[cols.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1];
            cols.forEach((n, c) -> names[c] = n);
            StringBuilder kh = new StringBuilder("# ");
            for (int i = 0; i < keptColumns.length; i++) {
                kh.append(i == 0 ? "" : ",").append(names[keptColumns[i]]);
            }
            keptHeader = kh.toString().getBytes(StandardCharsets.ISO_8859_1);
            int max = common;
            for (int t = 0; t < 3; t++) {
                int typeMax = t == Columns.SERVER ? common : rowCommon;
                if (t == Columns.SERVER && keptColumns.length > 0) {
                    typeMax = Math.max(typeMax, keptColumns[keptColumns.length - 1]);
                }
                List<Slot> slots = Columns.slots(t);
                int[] sc = new int[slots.size()];
                for (int i = 0; i < sc.length; i++) {
                    Slot s = slots.get(i);
                    boolean off = t == Columns.SERVER && s.exporter() && !serverFields.isEmpty()
                            && !serverFields.contains(s.column()) || !interest.includes(s.metric());
                    sc[i] = off || s.column().isEmpty() ? -1 : cols.getOrDefault(s.column(), -1);
                    typeMax = Math.max(typeMax, sc[i]);
                }
                slotColumns[t] = sc;
                fieldsNeededByType[t] = typeMax + 1;
                max = Math.max(max, typeMax);
            }
            fieldsNeeded = max + 1;
            boolean[] usedAny = new boolean[fieldsNeeded];
            for (int t = 0; t < 3; t++) {
                boolean[] used = new boolean[fieldsNeeded];
                for (int c : new int[] {pxCol, svCol, typeCol, statusCol}) {
                    mark(used, c);
                }
                if (t == Columns.SERVER) {
                    for (int c : new int[] {checkStatusCol, checkDescCol, checkCodeCol, lastChkCol, lastchgCol}) {
                        mark(used, c);
                    }
                    for (int c : keptColumns) {
                        mark(used, c);
                    }
                }
                for (int c : slotColumns[t]) {
                    mark(used, c);
                }
                for (int c = 0; c < fieldsNeeded; c++) {
                    usedAny[c] |= used[c];
                }
                unusedRunByType[t] = unusedRuns(used);
            }
            unusedRunAny = unusedRuns(usedAny);
            textColumn = new boolean[fieldsNeeded];
            for (int c : new int[] {pxCol, svCol, statusCol, checkStatusCol, checkDescCol, checkCodeCol, lastChkCol}) {
                mark(textColumn, c);
            }
            boolean check = false;
            boolean info = false;
            List<Slot> server = Columns.slots(Columns.SERVER);
            for (int i = 0; i < server.size(); i++) {
                boolean mapped = slotColumns[Columns.SERVER][i] >= 0;
                check |= mapped && server.get(i).kind() == Kind.CHECK_STATUS;
                info |= mapped && server.get(i).kind() == Kind.CHECK_INFO;
            }
            serverCheckMapped = check;
            serverInfoMapped = info;
            List<Slot> backend = Columns.BACKEND_SLOTS;
            aggregateOn = new boolean[backend.size()];
            for (int i = 0; i < aggregateOn.length; i++) {
                Kind k = backend.get(i).kind();
                aggregateOn[i] = (k == Kind.AGG_TOTAL || k == Kind.AGG_STATE || k == Kind.AGG_UNRESOLVED)
                        && interest.includes(backend.get(i).metric());
            }
            for (int t = 0; t < 3; t++) {
                int[] ci = new int[slotColumns[t].length];
                int w = 0;
                for (int i = 0; i < ci.length; i++) {
                    boolean mapped = slotColumns[t][i] >= 0 || t == Columns.BACKEND && aggregateOn[i];
                    ci[i] = mapped ? w++ : -1;
                }
                cacheIndex[t] = ci;
                cacheWidth[t] = w;
            }
        }

        /**
         * The columns a server row's metrics in {@code kept} are read from, with the columns every server row needs
         * (names, type, status, check, last check, last change), ascending; empty when {@code kept} is empty.
         */
        private static int[] keptColumns(Map<String, Integer> cols, Set<String> kept) {
            if (kept.isEmpty()) {
                return new int[0];
            }
            java.util.TreeSet<Integer> out = new java.util.TreeSet<>();
            for (String n : List.of("pxname", "svname", "type", "status", "check_status", "check_desc", "check_code",
                    "last_chk", "lastchg")) {
                Integer c = cols.get(n);
                if (c != null) {
                    out.add(c);
                }
            }
            for (Slot slot : Columns.slots(Columns.SERVER)) {
                Integer c = slot.column().isEmpty() ? null : cols.get(slot.column());
                if (c != null && kept.contains(slot.metric())) {
                    out.add(c);
                }
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        }

        private static void mark(boolean[] used, int column) {
            if (column >= 0) {
                used[column] = true;
            }
        }

        /**
         * For each column, how many consecutive columns from it no metric reads; 0 for a used column and for a
         * run of one (reading a lone field is as cheap as jumping over it).
         */
        private static int[] unusedRuns(boolean[] used) {
            int[] run = new int[used.length];
            for (int c = used.length - 1; c >= 0; c--) {
                run[c] = used[c] ? 0 : 1 + (c + 1 < used.length ? run[c + 1] : 0);
            }
            for (int c = 0; c < run.length; c++) {
                if (run[c] == 1) {
                    run[c] = 0;
                }
            }
            return run;
        }

        String missingIdColumn(int fields) {
            if (pxCol >= fields) {
                return "pxname";
            }
            return svCol >= fields ? "svname" : "type";
        }

        static Plan build(byte[] b, int pos, int end, Set<String> serverFields, MetricInterest interest,
                          Set<String> kept) {
            Map<String, Integer> cols = new HashMap<>();
            int s = pos + 2;
            int index = 0;
            while (s <= end) {
                int e = indexOf(b, (byte) ',', s, end);
                String name = new String(b, s, e - s, StandardCharsets.ISO_8859_1).trim();
                if (name.equals("-")) {
                    break; // module counters follow, in no fixed order
                }
                if (!name.isEmpty()) {
                    cols.putIfAbsent(name, index);
                }
                index++;
                s = e + 1;
            }
            for (String required : List.of("pxname", "svname", "type")) {
                if (!cols.containsKey(required)) {
                    throw new CsvFormatException(1, 0, "the header has no '" + required
                            + "' column: not HAProxy statistics CSV");
                }
            }
            return new Plan(Arrays.copyOfRange(b, pos, end), cols, serverFields, interest, kept);
        }
    }
}
