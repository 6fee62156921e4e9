package dev.tocsin.haproxy.internal.csv;

import dev.tocsin.haproxy.CsvFormatException;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/** Random field mutations and row truncations of a real CSV never break the mapper. */
class HaproxyCsvMapperPropertiesTest {

    private static final String[] LINES = CsvSamples.text("haproxy-2.6-socket.csv").split("\n");
    private static final String[] TOKENS = {"", "\"", "\"\"", "\"a,b\"", "\"x\"\"y\"", "abc", "-1", "1.5", "-",
        "99999999999999999999", "\r", "UP 1/2", "MAINT (via a/b)", "* L4CON", "\u00e9\u0000", ",", "3", "#"};

    /** A mutation: which data row, which field, which token (or a truncation when token index is negative). */
    private static Gen<List<int[]>> mutations() {
        Gen<int[]> one = integers().between(1, LINES.length - 1)
                .zip(integers().between(0, 130), integers().between(-3, TOKENS.length - 1),
                        (row, field, token) -> new int[] {row, field, token});
        return lists().of(one).ofSizeBetween(0, 8);
    }

    @Test
    void mutatedRealCsvNeverThrowsAndEveryRowIsKeptOrSkipped() {
        qt().withExamples(300).forAll(mutations()).checkAssert(ms -> {
            String csv = mutate(ms);
            int lineCount = csv.split("\n", -1).length - 1;
            long dataRows = countDataRows(csv);
            byte[] b = csv.getBytes(StandardCharsets.UTF_8);
            try {
                ScrapeResult r = new HaproxyCsvMapper(MappingOptions.defaults()).map(b, b.length);
                assertThat((long) r.rows()).isEqualTo(dataRows);
                assertThat(r.keptRows() + r.skippedRows().size()).isEqualTo(r.rows());
                assertThat(r.skippedRows()).allMatch(s -> s.line() >= 2 && s.line() <= lineCount);
            } catch (CsvFormatException e) {
                throw new AssertionError("the header was never mutated, yet: " + e.getMessage(), e);
            }
        });
    }

    /**
     * The families a result hands to the evaluator are exactly its samples grouped by metric name (each in the order
     * of the flat list), every sample carries the target labels, and with a target {@code __name__} (which renames
     * every sample) no family is offered.
     */
    @Test
    void theFamiliesOfAResultAreItsSamplesGroupedByName() {
        dev.tocsin.core.Labels target = dev.tocsin.core.Labels.of("instance", "lb:8404", "job", "haproxy");
        MappingOptions withTarget = new MappingOptions(MappingOptions.defaults().statusMapping(),
                MappingOptions.defaults().serverMetricFields(), MappingOptions.defaults().excludedServerStates(),
                target);
        HaproxyCsvMapper mapper = new HaproxyCsvMapper(withTarget);
        qt().withExamples(150).forAll(mutations()).checkAssert(ms -> {
            byte[] b = mutate(ms).getBytes(StandardCharsets.UTF_8);
            ScrapeResult r = mapper.map(b, b.length);
            FamilySamples f = (FamilySamples) r.samples();
            java.util.Map<String, List<dev.tocsin.core.Sample>> expected = new java.util.LinkedHashMap<>();
            for (dev.tocsin.core.Sample s : r.samples()) {
                expected.computeIfAbsent(s.labels().metricName(), k -> new ArrayList<>()).add(s);
            }
            java.util.Map<String, List<dev.tocsin.core.Sample>> got = new java.util.LinkedHashMap<>();
            for (int i = 0; i < f.familyCount(); i++) {
                assertThat(got.put(f.familyName(i), f.family(i))).as("family named twice").isNull();
                // the array the evaluator keeps is the family itself, and the same array every time
                assertThat(f.familyArray(i)).containsExactlyElementsOf(f.family(i)).isSameAs(f.familyArray(i));
            }
            assertThat(got).isEqualTo(expected);
            assertThat(f.others()).isEmpty();
            assertThat(f.carriedLabelNames()).containsExactlyInAnyOrder("instance", "job");
            assertThat(r.samples()).allMatch(s -> s.labels().get("instance").equals("lb:8404")
                    && s.labels().get("job").equals("haproxy"));
            // a source's own samples after the mapper's: the same families, the others added
            List<dev.tocsin.core.Sample> own = List.of(dev.tocsin.core.Sample.of("own_total", 1));
            FamilySamples more = f.withOthers(own);
            assertThat(more.others()).isEqualTo(own);
            assertThat(more.familyCount()).isEqualTo(f.familyCount());
            assertThat(more).hasSize(f.size() + 1).endsWith(own.get(0)).startsWith(f.toArray(new dev.tocsin.core.Sample[0]));
        });
        MappingOptions renaming = new MappingOptions(MappingOptions.defaults().statusMapping(),
                MappingOptions.defaults().serverMetricFields(), MappingOptions.defaults().excludedServerStates(),
                target.with(dev.tocsin.core.Labels.METRIC_NAME, "renamed"));
        byte[] b = String.join("\n", LINES).getBytes(StandardCharsets.UTF_8);
        FamilySamples f = (FamilySamples) new HaproxyCsvMapper(renaming).map(b, b.length).samples();
        assertThat(f).isNotEmpty().allMatch(s -> s.labels().metricName().equals("renamed"));
        assertThat(f.familyCount()).isZero();
        assertThat(f.others()).isEqualTo(f);
    }

    /**
     * The server metrics skipped in a scrape and looked up later from its kept server rows are exactly the full
     * mapping's, per backend and in full, on mutated CSVs and with every kind of option (status mapping, excluded
     * states, restricted server fields); the scrape itself maps the rest as if nothing were skipped.
     */
    @Test
    void serverMetricsLookedUpLaterEqualTheFullMapping() {
        dev.tocsin.core.Labels target = dev.tocsin.core.Labels.of("instance", "lb:8404", "job", "haproxy");
        List<String> serverOnly = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Columns.slots(t).forEach(sl -> {
                String n = sl.metric();
                List<String> to = HaproxyCsvMapper.serverOnlyFamily(n) ? serverOnly : rest;
                if (!to.contains(n)) {
                    to.add(n);
                }
            });
        }
        assertThat(serverOnly).contains("haproxy_server_status", "haproxy_server_up", "haproxy_server_check_status",
                "haproxy_server_check_info", "haproxy_server_last_change_seconds")
                .doesNotContain("haproxy_backend_servers", "haproxy_backend_up", "haproxy_frontend_bytes_in_total");
        List<MappingOptions> options = List.of(
                new MappingOptions(dev.tocsin.haproxy.StatusMapping.FIXED, java.util.Set.of(), java.util.Set.of(),
                        target),
                new MappingOptions(dev.tocsin.haproxy.StatusMapping.EXPORTER_STRICT, java.util.Set.of(),
                        java.util.Set.of("MAINT", "DOWN"), target),
                new MappingOptions(dev.tocsin.haproxy.StatusMapping.FIXED, java.util.Set.of("status", "lastchg"),
                        java.util.Set.of(), target));
        qt().withExamples(150).forAll(mutations(), integers().between(0, options.size() * 3 - 1),
                lists().of(integers().between(0, serverOnly.size() - 1)).ofSizeBetween(1, 6))
                .checkAssert((ms, oAndLayout, picked) -> {
                    int o = oAndLayout % options.size();
                    // the document as is, with CRLF line ends, or with CRLF and a UTF-8 byte order mark
                    byte[] b = layout(mutate(ms), oAndLayout / options.size());
                    MappingOptions opt = options.get(o);
                    java.util.Set<String> lazy = new java.util.TreeSet<>();
                    picked.forEach(i -> lazy.add(serverOnly.get(i)));
                    List<String> mapped = new ArrayList<>(rest);
                    serverOnly.stream().filter(n -> !lazy.contains(n)).forEach(mapped::add);
                    ScrapeResult full = new HaproxyCsvMapper(opt).map(b, b.length);
                    ScrapeResult part = new HaproxyCsvMapper(opt).map(b, b.length,
                            dev.tocsin.core.MetricInterest.of(mapped), true, lazy);
                    assertThat(CsvSamples.byLabels(part.samples())).isEqualTo(CsvSamples.byLabels(
                            full.samples().stream().filter(s -> !lazy.contains(s.labels().metricName())).toList()));
                    assertThat(part.servers()).isEqualTo(full.servers());
                    ScrapeResult lean = new HaproxyCsvMapper(opt).map(b, b.length,
                            dev.tocsin.core.MetricInterest.of(mapped), false, java.util.Set.of());
                    assertThat(lean.servers()).isEmpty();
                    assertThat(lean.serverRows()).isNull();
                    assertThat(CsvSamples.byLabels(lean.samples())).isEqualTo(CsvSamples.byLabels(part.samples()));
                    assertThat(part.serverRows().keptBytes()).as("only some fields of each row are kept")
                            .isLessThan(b.length / 2);
                    assertThat(part.serverRows().size()).isEqualTo((int) full.servers().stream()
                            .filter(st -> !opt.excludedServerStates().contains(st.status())).count());
                    dev.tocsin.haproxy.internal.ServerRowLookup lookup = new dev.tocsin.haproxy.internal
                            .ServerRowLookup(part.serverRows(), lazy, opt);
                    java.util.Set<String> backends = new java.util.TreeSet<>();
                    full.servers().forEach(st -> backends.add(st.backend()));
                    backends.add("no-such-backend");
                    for (String name : lazy) {
                        List<dev.tocsin.core.Sample> all = full.samples().stream()
                                .filter(s -> s.labels().metricName().equals(name)).toList();
                        assertThat(CsvSamples.byLabels(lookup.lookup(name, java.util.Map.of())))
                                .as("every %s", name).isEqualTo(CsvSamples.byLabels(all));
                        for (String backend : backends) {
                            assertThat(CsvSamples.byLabels(lookup.lookup(name, java.util.Map.of("backend", backend,
                                    "instance", "lb:8404"))))
                                    .as("%s of backend %s", name, backend)
                                    .isEqualTo(CsvSamples.byLabels(all.stream()
                                            .filter(s -> s.labels().get("backend").equals(backend)).toList()));
                        }
                        assertThat(lookup.lookup(name, java.util.Map.of("instance", "other:8404"))).isEmpty();
                    }
                    assertThat(lookup.lookup("haproxy_backend_up", java.util.Map.of())).isEmpty();
                });
    }

    /**
     * A document fed in pieces, cut anywhere (also inside the byte order mark, the header, a quoted field or a CRLF,
     * and with empty pieces), maps exactly as the whole document: the same samples in the same order, rows, skipped
     * rows with their lines, field errors, server states and kept server rows. Each mapper maps two documents, so the
     * second one runs on the caches the first one left.
     */
    @Test
    void aDocumentFedInPiecesMapsAsTheWholeDocument() {
        java.util.Set<String> lazy = java.util.Set.of("haproxy_server_check_status", "haproxy_server_status");
        dev.tocsin.core.MetricInterest mapped = dev.tocsin.core.MetricInterest.of(java.util.Set.of(
                "haproxy_backend_up", "haproxy_server_up", "haproxy_frontend_bytes_in_total",
                "haproxy_server_current_sessions", "haproxy_backend_servers"));
        qt().withExamples(200).forAll(mutations(), mutations(), integers().between(0, 17),
                lists().of(integers().between(0, 900)).ofSizeBetween(1, 12))
                .checkAssert((ms1, ms2, variant, cuts) -> {
                    int layoutAndKeep = variant % 6;
                    int ending = variant / 6; // 0: as is, 1: without the last '\n' (a CRLF ends in '\r'), 2: neither
                    boolean keep = layoutAndKeep >= 3;
                    dev.tocsin.core.MetricInterest interest = keep ? mapped : dev.tocsin.core.MetricInterest.all();
                    java.util.Set<String> keepFor = keep ? lazy : java.util.Set.of();
                    HaproxyCsvMapper whole = new HaproxyCsvMapper(MappingOptions.defaults());
                    HaproxyCsvMapper pieces = new HaproxyCsvMapper(MappingOptions.defaults());
                    for (List<int[]> ms : List.of(ms1, ms2)) {
                        byte[] b = layout(mutate(ms), layoutAndKeep % 3);
                        int cut = ending == 0 ? 0 : ending == 1 || b[b.length - 2] != '\r' ? 1 : 2;
                        b = Arrays.copyOf(b, b.length - cut);
                        ScrapeResult want = whole.map(b, b.length, interest, true, keepFor);
                        ScrapeResult got = feedInPieces(pieces, b, cuts, interest, keepFor);
                        assertSameResult(got, want);
                    }
                });
    }

    /**
     * A document that is not HAProxy CSV (empty, blank, HTML, no header, a header with other bytes) gives the same
     * {@link CsvFormatException} (line, column, message) fed in pieces as whole.
     */
    @Test
    void aDocumentThatIsNotCsvFailsTheSameInPieces() {
        String header = LINES[0];
        String[] starts = {"", " ", "\n\n", " \r\n\t", "<html>", "\n \n<!DOCTYPE html>", "\uFEFF", "\uFEFF<p>",
            "pxname,svname\n", "# \u0001bad\n", header + "\n", "\uFEFF" + header + "\r\n", "#", "# ", "\r"};
        String[] tails = {"", "\n", "a,b,c\n", LINES[1] + "\n", "\n\n<html>"};
        qt().withExamples(300).forAll(integers().between(0, starts.length - 1),
                integers().between(0, tails.length - 1), lists().of(integers().between(0, 9)).ofSizeBetween(1, 6))
                .checkAssert((st, tl, cuts) -> {
                    byte[] b = (starts[st] + tails[tl]).getBytes(StandardCharsets.UTF_8);
                    ScrapeResult want = null;
                    CsvFormatException wantError = null;
                    try {
                        want = new HaproxyCsvMapper(MappingOptions.defaults()).map(b, b.length);
                    } catch (CsvFormatException e) {
                        wantError = e;
                    }
                    try {
                        ScrapeResult got = feedInPieces(new HaproxyCsvMapper(MappingOptions.defaults()), b, cuts,
                                dev.tocsin.core.MetricInterest.all(), java.util.Set.of());
                        assertThat(wantError).as("the whole document failed, the pieces did not").isNull();
                        assertSameResult(got, want);
                    } catch (CsvFormatException e) {
                        assertThat(wantError).as("the pieces failed with %s", e.getMessage()).isNotNull();
                        assertThat(e.getMessage()).isEqualTo(wantError.getMessage());
                        assertThat(e.line()).isEqualTo(wantError.line());
                        assertThat(e.column()).isEqualTo(wantError.column());
                    }
                });
    }

    /**
     * A feed abandoned halfway (a fetch that failed mid-body) leaves the mapper as good as new: the next documents
     * map as a fresh mapper maps them, and the abandoned feed refuses further use.
     */
    @Test
    void aFeedAbandonedHalfwayLeavesTheMapperUsable() {
        qt().withExamples(100).forAll(mutations(), mutations(), integers().between(1, 100))
                .checkAssert((ms1, ms2, percent) -> {
                    byte[] first = mutate(ms1).getBytes(StandardCharsets.UTF_8);
                    byte[] second = mutate(ms2).getBytes(StandardCharsets.UTF_8);
                    HaproxyCsvMapper m = new HaproxyCsvMapper(MappingOptions.defaults());
                    if (percent % 2 == 0) {
                        m.map(second, second.length); // the rows are known from an earlier scrape
                    }
                    // a third of the time the abandoned feed had another plan (fewer metrics, kept server rows)
                    HaproxyCsvMapper.Feed abandoned = percent % 3 == 0
                            ? m.begin(dev.tocsin.core.MetricInterest.of(java.util.Set.of("haproxy_backend_up",
                                    "haproxy_server_up")), false, java.util.Set.of("haproxy_server_check_status"))
                            : m.begin(dev.tocsin.core.MetricInterest.all(), true, java.util.Set.of());
                    abandoned.accept(first, 0, (int) ((long) first.length * percent / 100));
                    for (int i = 0; i < 2; i++) {
                        ScrapeResult got = m.map(second, second.length);
                        assertSameResult(got, new HaproxyCsvMapper(MappingOptions.defaults())
                                .map(second, second.length));
                    }
                    org.assertj.core.api.Assertions.assertThatIllegalStateException()
                            .isThrownBy(() -> abandoned.accept(first, 0, 1)).withMessageContaining("abandoned");
                    org.assertj.core.api.Assertions.assertThatIllegalStateException()
                            .isThrownBy(abandoned::finish).withMessageContaining("abandoned");
                });
    }

    @Test
    void aFinishedFeedRefusesMoreBytes() {
        byte[] b = String.join("\n", LINES).getBytes(StandardCharsets.UTF_8);
        HaproxyCsvMapper.Feed feed = new HaproxyCsvMapper(MappingOptions.defaults())
                .begin(dev.tocsin.core.MetricInterest.all(), false, java.util.Set.of());
        feed.accept(b, 0, b.length);
        assertThat(feed.finish().keptRows()).isEqualTo(LINES.length - 1);
        org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(() -> feed.accept(b, 0, 1))
                .withMessageContaining("finished");
        org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(feed::finish)
                .withMessageContaining("finished");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> feed.accept(b, b.length, 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** Feeds {@code b} in pieces of the sizes in {@code cuts} (cyclically; a 0 is an empty piece). */
    private static ScrapeResult feedInPieces(HaproxyCsvMapper m, byte[] b, List<Integer> cuts,
                                             dev.tocsin.core.MetricInterest interest, java.util.Set<String> keepFor) {
        HaproxyCsvMapper.Feed feed = m.begin(interest, true, keepFor);
        int pos = 0;
        for (int i = 0; pos < b.length; i++) {
            int n = Math.min(cuts.get(i % cuts.size()), b.length - pos);
            // each piece in its own array, with other bytes around it, as a socket's read buffer would be
            byte[] piece = new byte[n + 2];
            Arrays.fill(piece, (byte) '\n');
            System.arraycopy(b, pos, piece, 1, n);
            feed.accept(piece, 1, n);
            pos += n;
            if (n == 0 && cuts.stream().allMatch(c -> c == 0)) {
                feed.accept(b, pos, b.length - pos);
                pos = b.length;
            }
        }
        return feed.finish();
    }

    private static void assertSameResult(ScrapeResult got, ScrapeResult want) {
        assertThat(got.samples().stream().map(x -> x.labels() + "=" + Double.doubleToRawLongBits(x.value())).toList())
                .isEqualTo(want.samples().stream().map(x -> x.labels() + "=" + Double.doubleToRawLongBits(x.value()))
                        .toList());
        assertThat(got.rows()).isEqualTo(want.rows());
        assertThat(got.keptRows()).isEqualTo(want.keptRows());
        assertThat(got.skippedRows()).isEqualTo(want.skippedRows());
        assertThat(got.fieldErrors()).isEqualTo(want.fieldErrors());
        assertThat(got.parseFailures()).isEqualTo(want.parseFailures());
        assertThat(got.servers()).isEqualTo(want.servers());
        if (want.serverRows() == null) {
            assertThat(got.serverRows()).isNull();
        } else {
            assertThat(got.serverRows().size()).isEqualTo(want.serverRows().size());
            assertThat(got.serverRows().document()).isEqualTo(want.serverRows().document());
        }
    }

    /** The document as is (0), with CRLF line ends (1), or with CRLF and a UTF-8 byte order mark (2). */
    private static byte[] layout(String csv, int layout) {
        String text = layout == 0 ? csv : csv.replace("\n", "\r\n");
        return ((layout == 2 ? "\uFEFF" : "") + text).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A kept field that ends in a bare carriage return in the middle of its row keeps it in the full mapping (only a
     * '\r' before the row's '\n' is dropped): so it does in a look-up, where the field is no longer followed by
     * others of the row.
     */
    @Test
    void aCarriageReturnAtTheEndOfAKeptFieldMidRowIsKeptByTheLookUpToo() {
        dev.tocsin.core.Labels target = dev.tocsin.core.Labels.of("instance", "lb:8404", "job", "haproxy");
        MappingOptions opt = new MappingOptions(dev.tocsin.haproxy.StatusMapping.FIXED, java.util.Set.of(),
                java.util.Set.of(), target);
        List<String> header = Arrays.asList(LINES[0].substring(2).split(",", -1));
        int desc = header.indexOf("check_desc");
        int lastChk = header.indexOf("last_chk");
        assertThat(desc).isPositive();
        List<String> lines = new ArrayList<>(Arrays.asList(LINES));
        int row = -1;
        for (int i = 1; i < lines.size() && row < 0; i++) {
            String[] f = lines.get(i).split(",", -1);
            if (f.length > desc + 1 && f[header.indexOf("type")].equals("2")
                    && !f[header.indexOf("check_status")].isEmpty() && !f[lastChk].isEmpty()) {
                row = i;
            }
        }
        assertThat(row).as("a server row").isPositive();
        String[] f = lines.get(row).split(",", -1);
        f[desc] = "broken\r";
        f[lastChk] = "out\r";
        lines.set(row, String.join(",", f));
        byte[] b = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        java.util.Set<String> lazy = java.util.Set.of("haproxy_server_check_status", "haproxy_server_check_info");
        ScrapeResult full = new HaproxyCsvMapper(opt).map(b, b.length);
        ScrapeResult part = new HaproxyCsvMapper(opt).map(b, b.length, dev.tocsin.core.MetricInterest.of(
                java.util.Set.of("haproxy_backend_up")), false, lazy);
        dev.tocsin.haproxy.internal.ServerRowLookup lookup = new dev.tocsin.haproxy.internal.ServerRowLookup(
                part.serverRows(), lazy, opt);
        String backend = f[header.indexOf("pxname")];
        for (String name : lazy) {
            List<dev.tocsin.core.Sample> expected = full.samples().stream().filter(x -> x.labels().metricName()
                    .equals(name) && x.labels().get("backend").equals(backend)).toList();
            assertThat(expected).isNotEmpty();
            assertThat(CsvSamples.byLabels(lookup.lookup(name, java.util.Map.of("backend", backend))))
                    .isEqualTo(CsvSamples.byLabels(expected));
        }
        assertThat(full.samples()).anySatisfy(x -> assertThat(x.labels().get("check_desc")).isEqualTo("broken\r"));
    }

    private static String mutate(List<int[]> ms) {
        List<String> lines = new ArrayList<>(Arrays.asList(LINES));
        for (int[] m : ms) {
            String line = lines.get(m[0]);
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            int idx = Math.min(m[1], f.length - 1);
            if (m[2] < 0) {
                lines.set(m[0], String.join(",", Arrays.copyOf(f, Math.max(1, idx))));
            } else {
                f[idx] = TOKENS[m[2]];
                lines.set(m[0], String.join(",", f));
            }
        }
        return String.join("\n", lines) + "\n";
    }

    /**
     * Mapping with a metric interest gives exactly the full mapping's samples of the wanted names, and the same rows,
     * skipped rows and server states, on mutated CSVs, with one mapper reused across interests (plan changes).
     */
    @Test
    void anInterestFiltersTheFullMappingAndChangesNothingElse() {
        List<String> names = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Columns.slots(t).forEach(sl -> {
                if (!names.contains(sl.metric())) {
                    names.add(sl.metric());
                }
            });
        }
        Gen<java.util.Set<String>> interests = lists().of(integers().between(0, names.size() - 1))
                .ofSizeBetween(0, 6).map(l -> {
                    java.util.Set<String> set = new java.util.HashSet<>();
                    l.forEach(i -> set.add(names.get(i)));
                    return set;
                });
        HaproxyCsvMapper reused = new HaproxyCsvMapper(MappingOptions.defaults());
        // two documents per interest: the second scrape under the same plan reads the per-row caches the first left
        qt().withExamples(200).forAll(mutations(), mutations(), interests).checkAssert((ms, ms2, wanted) -> {
            for (List<int[]> m : List.of(ms, ms2)) {
                byte[] b = mutated(m);
                ScrapeResult full = new HaproxyCsvMapper(MappingOptions.defaults()).map(b, b.length);
                ScrapeResult some = reused.map(b, b.length, dev.tocsin.core.MetricInterest.of(wanted));
                List<dev.tocsin.core.Sample> expected = new ArrayList<>(full.samples());
                expected.removeIf(x -> !wanted.contains(x.labels().metricName()));
                assertThat(some.samples()).containsExactlyInAnyOrderElementsOf(expected);
                assertThat(some.servers()).isEqualTo(full.servers());
                assertThat(some.skippedRows()).isEqualTo(full.skippedRows());
                assertThat(some.rows()).isEqualTo(full.rows());
            }
        });
    }

    /** The real CSV with the given mutations (row, field, token), without lone quotes. */
    private static byte[] mutated(List<int[]> ms) {
        List<String> lines = new ArrayList<>(Arrays.asList(LINES));
        for (int[] m : ms) {
            String[] f = lines.get(m[0]).split(",", -1);
            // no lone quote: a malformed field in a column that only the full mapping reads skips its row
            // there and not here (columns after the last one a plan needs are never read)
            String token = TOKENS[Math.max(0, m[2])];
            f[Math.min(m[1], f.length - 1)] = token.equals("\"") ? "" : token;
            lines.set(m[0], String.join(",", f));
        }
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void truncatedRowsBeforeTheTypeColumnAreSkippedOthersKept() {
        int typeIndex = Arrays.asList(LINES[0].substring(2).split(",")).indexOf("type");
        qt().withExamples(200).forAll(integers().between(1, LINES.length - 2), integers().between(1, 128))
                .checkAssert((row, keep) -> {
                    String[] lines = LINES.clone();
                    String[] f = lines[row].split(",", -1);
                    lines[row] = String.join(",", Arrays.copyOf(f, Math.min(keep, f.length)));
                    byte[] b = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
                    ScrapeResult r = new HaproxyCsvMapper(MappingOptions.defaults()).map(b, b.length);
                    if (keep <= typeIndex) {
                        assertThat(r.skippedRows()).extracting(ScrapeResult.SkippedRow::line)
                                .containsExactly(row + 1);
                    } else {
                        assertThat(r.skippedRows()).isEmpty();
                    }
                });
    }

    @Test
    void arbitraryBytesAfterAValidHeaderNeverThrow() {
        Gen<byte[]> bodies = lists().of(integers().between(0, 255)).ofSizeBetween(0, 400)
                .map(l -> {
                    byte[] b = new byte[l.size()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = (byte) (int) l.get(i);
                    }
                    return b;
                });
        Gen<byte[]> mixed = Generate.pick(List.of((byte) ',', (byte) '"', (byte) '\n', (byte) '2', (byte) '\r'))
                .zip(bodies, (c, body) -> {
                    for (int i = 0; i < body.length; i += 3) {
                        body[i] = c;
                    }
                    return body;
                });
        byte[] header = (LINES[0] + "\n").getBytes(StandardCharsets.UTF_8);
        qt().withExamples(300).forAll(mixed).checkAssert(body -> {
            byte[] doc = Arrays.copyOf(header, header.length + body.length);
            System.arraycopy(body, 0, doc, header.length, body.length);
            ScrapeResult r = new HaproxyCsvMapper(MappingOptions.defaults()).map(doc, doc.length);
            assertThat(r.keptRows()).isBetween(0, r.rows());
        });
    }

    @Test
    void wordAtATimeNewlineSearchAgreesWithAByteLoop() {
        Gen<byte[]> docs = lists().of(integers().between(0, 12)).ofSizeBetween(0, 40).map(l -> {
            byte[] b = new byte[l.size()];
            for (int i = 0; i < b.length; i++) {
                int v = l.get(i);
                b[i] = (byte) (v == 0 ? '\n' : v == 1 ? 0x8A : v == 2 ? 0x0B : v == 3 ? 0x09 : 'a' + v);
            }
            return b;
        });
        qt().withExamples(500).forAll(docs, integers().between(0, 40)).checkAssert((b, from) -> {
            int start = Math.min(from, b.length);
            int expected = b.length;
            for (int i = start; i < b.length; i++) {
                if (b[i] == '\n') {
                    expected = i;
                    break;
                }
            }
            assertThat(HaproxyCsvMapper.indexOfNewline(b, start, b.length)).isEqualTo(expected);
        });
    }

    @Test
    void wordAtATimeNthCommaSearchAgreesWithAByteLoop() {
        Gen<byte[]> docs = lists().of(integers().between(0, 14)).ofSizeBetween(0, 60).map(l -> {
            byte[] b = new byte[l.size()];
            for (int i = 0; i < b.length; i++) {
                int v = l.get(i);
                b[i] = (byte) (v == 0 ? '\n' : v <= 4 ? ',' : v == 5 ? '"' : v == 6 ? 0xAC : v == 7 ? 0x22 + 0x80
                        : v == 8 ? 0x2B : v == 9 ? 0x0B : 'a' + v);
            }
            return b;
        });
        qt().withExamples(1000).forAll(docs, integers().between(0, 60), integers().between(1, 12))
                .checkAssert((b, from, n) -> {
                    int start = Math.min(from, b.length);
                    int expected = -1;
                    int left = n;
                    for (int i = start; i < b.length; i++) {
                        if (b[i] == ',') {
                            if (--left == 0) {
                                expected = i;
                                break;
                            }
                        } else if (b[i] == '\n' || b[i] == '"') {
                            break;
                        }
                    }
                    assertThat(HaproxyCsvMapper.indexOfNthComma(b, start, b.length, n)).isEqualTo(expected);
                });
    }

    @Test
    void wordAtATimeDigitReadingAgreesWithAByteLoop() {
        // the other bytes are the separators, CR, the bytes just
        // around '0'..'9' in ASCII and in each nibble test, and bytes whose + 6 carries into the next byte
        int[] others = {',', '\n', '\r', '/', ':', '?', '-', '.', 0x3A, 0x40, 0xB0, 0xB9, 0xFA, 0xFF, 0x00, 'e'};
        // nine digits in ten: runs of 9 to 17 digits (the second eight-byte word, the 15-digit limit) are common
        Gen<byte[]> docs = lists().of(integers().between(0, 10 * others.length - 1)).ofSizeBetween(0, 40).map(l -> {
            byte[] b = new byte[l.size()];
            for (int i = 0; i < b.length; i++) {
                int v = l.get(i);
                b[i] = (byte) (v < others.length ? others[v] : '0' + v % 10);
            }
            return b;
        });
        HaproxyCsvMapper mapper = new HaproxyCsvMapper(MappingOptions.defaults());
        qt().withExamples(3000).forAll(docs, integers().between(0, 40)).checkAssert((b, from) -> {
            int start = Math.min(from, b.length);
            int end = start;
            while (end < b.length && b[end] >= '0' && b[end] <= '9') {
                end++;
            }
            boolean terminated = end < b.length && (b[end] == ',' || b[end] == '\n');
            long got = mapper.swarDigits(b, start, b.length);
            if (got == Long.MIN_VALUE) {
                // declined: only allowed for what the byte loop must read (not a plain field, or near the end)
                assertThat(!terminated || end - start > 15 || start + 16 > b.length)
                        .as("declined a plain field at %d of %s", start, Arrays.toString(b)).isTrue();
                return;
            }
            assertThat(terminated).as("accepted a field that is not plain digits").isTrue();
            long expected = end == start ? -1 : Long.parseLong(new String(b, start, end - start,
                    StandardCharsets.US_ASCII));
            assertThat(got).isEqualTo(expected);
            assertThat(mapper.swarEnd()).isEqualTo(end);
        });
    }

    @Test
    void everyDigitCountIsReadOrDeclinedAsAByteLoopWould() {
        HaproxyCsvMapper mapper = new HaproxyCsvMapper(MappingOptions.defaults());
        for (int len = 0; len <= 17; len++) {
            for (String end : new String[] {",", "\n", "\r\n"}) {
                for (int pad : new int[] {0, 1, 8, 16}) {
                    // leading zeros, then digits; the padding after the field puts the end of the document before,
                    // at or after the 16 bytes the word reads need
                    String digits = ("00" + "123456789012345678").substring(0, len);
                    String doc = digits + end + "x".repeat(pad);
                    byte[] b = doc.getBytes(StandardCharsets.US_ASCII);
                    long got = mapper.swarDigits(b, 0, b.length);
                    boolean plain = !end.equals("\r\n") && len <= 15 && b.length >= 16;
                    if (!plain) {
                        assertThat(got).as("%d digits ended by %s", len, end.replace("\r", "CR").replace("\n", "LF"))
                                .isEqualTo(Long.MIN_VALUE);
                        continue;
                    }
                    assertThat(got).as("%d digits", len).isEqualTo(len == 0 ? -1 : Long.parseLong(digits));
                    assertThat(mapper.swarEnd()).isEqualTo(len);
                }
            }
        }
    }

    @Test
    void eightDigitsAtATimeReadsEveryPrefixLength() {
        byte[] digits = "9876543210123456".getBytes(StandardCharsets.US_ASCII);
        for (int n = 0; n <= 8; n++) {
            long w = 0;
            for (int i = 0; i < 8; i++) {
                w |= (long) (i < n ? digits[i] : ',') << (8 * i);
            }
            assertThat(HaproxyCsvMapper.leadingDigits(w)).isEqualTo(n);
            long expected = n == 0 ? 0 : Long.parseLong(new String(digits, 0, n, StandardCharsets.US_ASCII));
            assertThat(n == 0 ? 0 : HaproxyCsvMapper.eightDigits(w << (8 * (8 - n)))).isEqualTo(expected);
        }
    }

    @Test
    void wordAtATimeSeparatorSearchAgreesWithAByteLoop() {
        Gen<byte[]> docs = lists().of(integers().between(0, 14)).ofSizeBetween(0, 40).map(l -> {
            byte[] b = new byte[l.size()];
            for (int i = 0; i < b.length; i++) {
                int v = l.get(i);
                b[i] = (byte) (v == 0 ? '\n' : v == 1 ? ',' : v == 2 ? 0xAC : v == 3 ? 0x2D : v == 4 ? 0x2B
                        : v == 5 ? 0x8A : 'a' + v);
            }
            return b;
        });
        qt().withExamples(500).forAll(docs, integers().between(0, 40)).checkAssert((b, from) -> {
            int start = Math.min(from, b.length);
            int expected = b.length;
            for (int i = start; i < b.length; i++) {
                if (b[i] == '\n' || b[i] == ',') {
                    expected = i;
                    break;
                }
            }
            assertThat(HaproxyCsvMapper.indexOfSeparator(b, start, b.length)).isEqualTo(expected);
        });
    }

    private static long countDataRows(String csv) {
        long n = 0;
        boolean first = true;
        for (String l : csv.split("\n", -1)) {
            if (first) {
                first = false;
                continue;
            }
            if (!l.isEmpty() && !l.equals("\r") && !l.startsWith("#")) {
                n++;
            }
        }
        return n;
    }

    /**
     * Digit-only fields of any length (read by the tokenizer's fast path up to 18 digits, by the general parser
     * beyond) give what Go's ParseInt / ParseFloat give: the integer, or no sample when it overflows 64 bits; a
     * millisecond column's decimal divided by 1000. Also with a CR before the line's LF and with the same mapper
     * reused (cached samples).
     */
    @Test
    void digitFieldsParseAsGoDoesAtEveryLength() {
        HaproxyCsvMapper mapper = new HaproxyCsvMapper(MappingOptions.defaults());
        Gen<String> digits = lists().of(integers().between(0, 9)).ofSizeBetween(1, 24)
                .map(l -> {
                    StringBuilder sb = new StringBuilder();
                    l.forEach(sb::append);
                    return sb.toString();
                });
        qt().forAll(digits, digits, integers().between(0, 1)).checkAssert((qcur, duration, cr) -> {
            String csv = "# pxname,svname,qcur,type,check_duration,\nbe,s1," + qcur + ",2," + duration
                    + (cr == 1 ? "\r\n" : "\n");
            ScrapeResult r = CsvSamples.map(mapper, csv);
            java.util.Map<String, Double> got = CsvSamples.byLabels(r.samples());
            Double expectedQcur;
            try {
                expectedQcur = (double) Long.parseLong(qcur);
            } catch (NumberFormatException e) {
                expectedQcur = null; // over 64 bits: a field error, as ParseInt fails
            }
            assertThat(got.get(CsvSamples.key("haproxy_server_current_queue", "backend", "be", "server", "s1")))
                    .isEqualTo(expectedQcur);
            assertThat(got.get(CsvSamples.key("haproxy_server_check_duration_seconds", "backend", "be",
                    "server", "s1"))).isEqualTo(Double.parseDouble(duration) / 1000);
            assertThat(r.parseFailures()).isEqualTo(expectedQcur == null ? 1 : 0);
        });
    }

    /**
     * A backend's server counts ({@code haproxy_backend_servers_total}, {@code haproxy_backend_servers{state}},
     * {@code haproxy_backend_servers_unresolved}) are those of its server rows, excluded states included, wherever they stand in the document (right before the backend row, as HAProxy
     * lists them, elsewhere, or split into several runs), on a reused mapper and fed in pieces.
     */
    @Test
    void backendServerCountsAreThoseOfItsServerRowsWhereverTheyStand() {
        // a quoted pxname is the same backend as the unquoted one, but other bytes
        String[] names = {"b1,s1", "b1,s2", "\"b1\",s3", "b2,s1", "b2,s2", "b1,BACKEND", "b2,BACKEND", "b3,BACKEND"};
        String[] statuses = {"UP", "DOWN", "MAINT", "UP 1/3", "DRAIN", "NOLB", "no check", "MAINT (resolution)"};
        Gen<int[]> row = integers().between(0, names.length - 1).zip(integers().between(0, statuses.length - 1),
                (n, st) -> new int[] {n, st});
        // the exporter's option to leave out servers in some states: no series of their own, but they still count in
        // their backend's aggregates (a backend whose servers are all parked in MAINT is all in maintenance)
        List<MappingOptions> options = List.of(MappingOptions.defaults(), new MappingOptions(
                dev.tocsin.haproxy.StatusMapping.FIXED, java.util.Set.of(), java.util.Set.of("MAINT", "DRAIN")));
        qt().withExamples(300).forAll(lists().of(lists().of(row).ofSizeBetween(0, 14)).ofSizeBetween(1, 3),
                integers().between(1, 64), integers().between(0, options.size() - 1)).checkAssert((docs, piece, o) -> {
                    HaproxyCsvMapper reused = new HaproxyCsvMapper(options.get(o));
                    for (List<int[]> rows : docs) {
                        StringBuilder sb = new StringBuilder("# pxname,svname,status,type,\n");
                        for (int[] r : rows) {
                            String name = names[r[0]];
                            sb.append(name).append(',').append(statuses[r[1]]).append(',')
                                    .append(name.endsWith("BACKEND") ? "1" : "2").append(",\n");
                        }
                        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
                        HaproxyCsvMapper.Feed feed = reused.begin(dev.tocsin.core.MetricInterest.all(), true,
                                java.util.Set.of());
                        for (int pos = 0; pos < b.length; pos += piece) {
                            feed.accept(b, pos, Math.min(piece, b.length - pos));
                        }
                        ScrapeResult r = feed.finish();
                        java.util.Map<String, Double> got = CsvSamples.byLabels(r.samples());
                        for (String backend : List.of("b1", "b2", "b3")) {
                            if (!got.containsKey(CsvSamples.key("haproxy_backend_up", "backend", backend))) {
                                assertThat(rows).noneMatch(x -> names[x[0]].equals(backend + ",BACKEND"));
                                continue;
                            }
                            java.util.Set<String> excluded = options.get(o).excludedServerStates();
                            // the server rows of this backend, a duplicate (same backend and server) skipped
                            java.util.Set<String> seen = new java.util.HashSet<>();
                            List<String> mine = new java.util.ArrayList<>();
                            for (int[] x : rows) {
                                String[] bs = names[x[0]].replace("\"", "").split(",");
                                if (!bs[1].equals("BACKEND") && seen.add(bs[0] + "/" + bs[1])
                                        && bs[0].equals(backend)) {
                                    mine.add(statuses[x[1]]);
                                }
                            }
                            assertThat(r.servers().stream().filter(st -> st.backend().equals(backend)).count())
                                    .as("kept rows").isEqualTo(mine.stream().filter(st -> !excluded.contains(st))
                                            .count());
                            assertThat(got.get(CsvSamples.key("haproxy_backend_servers_total", "backend", backend)))
                                    .as("%s in %s", backend, sb).isEqualTo((double) mine.size());
                            for (int st = 0; st < Columns.STATES.size(); st++) {
                                int state = st;
                                long n = mine.stream().filter(x -> StatusRules.state(x) == state).count();
                                assertThat(got.get(CsvSamples.key("haproxy_backend_servers", "backend", backend,
                                        "state", Columns.STATES.get(st)))).as("%s %s in %s", backend,
                                        Columns.STATES.get(st), sb).isEqualTo((double) n);
                            }
                            assertThat(got.get(CsvSamples.key("haproxy_backend_servers_unresolved", "backend",
                                    backend))).as("%s unresolved in %s", backend, sb)
                                    .isEqualTo((double) mine.stream().filter("MAINT (resolution)"::equals).count());
                        }
                    }
                });
    }

    /**
     * A mapper reused over a sequence of documents (rows added, dropped, reordered, repeated, values and statuses
     * changing) gives for each document exactly what a new mapper gives: its caches (row positions, label sets,
     * unchanged samples, compaction) never leak an earlier scrape into a later one.
     */
    @Test
    void aReusedMapperAgreesWithAFreshOne() {
        String[] names = {"b1,s1", "b1,s2", "b1,s3", "b2,s1", "b2,s2", "b1,BACKEND", "b2,BACKEND", "f1,FRONTEND"};
        String[] statuses = {"UP", "DOWN", "MAINT", "UP 1/3", "no check"};
        Gen<int[]> row = integers().between(0, names.length - 1).zip(integers().between(0, 3),
                integers().between(0, statuses.length - 1), (n, v, st) -> new int[] {n, v, st});
        Gen<List<int[]>> doc = lists().of(row).ofSizeBetween(0, 12);
        qt().forAll(lists().of(doc).ofSizeBetween(1, 6)).checkAssert(docs -> {
            HaproxyCsvMapper reused = new HaproxyCsvMapper(MappingOptions.defaults());
            for (List<int[]> rows : docs) {
                StringBuilder sb = new StringBuilder("# pxname,svname,qcur,status,type,check_status,last_chk,\n");
                for (int[] r : rows) {
                    String name = names[r[0]];
                    String type = name.endsWith("FRONTEND") ? "0" : name.endsWith("BACKEND") ? "1" : "2";
                    sb.append(name).append(',').append(r[1]).append(',').append(statuses[r[2]]).append(',')
                            .append(type).append(',').append(r[2] == 1 ? "L4CON" : "L4OK").append(',')
                            .append(r[1] == 0 ? "" : "chk" + r[1]).append(",\n");
                }
                String csv = sb.toString();
                ScrapeResult got = CsvSamples.map(reused, csv);
                ScrapeResult want = CsvSamples.map(new HaproxyCsvMapper(MappingOptions.defaults()), csv);
                assertThat(CsvSamples.byLabels(got.samples())).isEqualTo(CsvSamples.byLabels(want.samples()));
                assertThat(got.samples().stream().map(x -> x.labels().toString()).toList())
                        .isEqualTo(want.samples().stream().map(x -> x.labels().toString()).toList());
                assertThat(got.servers()).isEqualTo(want.servers());
                assertThat(got.skippedRows()).isEqualTo(want.skippedRows());
                assertThat(got.keptRows()).isEqualTo(want.keptRows());
            }
        });
    }
}
