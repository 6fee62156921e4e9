package dev.tocsin.haproxy.internal.csv;

import dev.tocsin.core.Labels;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

class RowTableTest {

    private static RowTable.Entry entry(int type, String px, String sv) {
        byte[] p = px.getBytes(StandardCharsets.US_ASCII);
        byte[] s = sv.getBytes(StandardCharsets.US_ASCII);
        byte[] row = (px + "," + sv).getBytes(StandardCharsets.US_ASCII);
        int hash = RowTable.hash(type, row, 0, p.length, p.length + 1, row.length);
        RowTable.Entry e = new RowTable.Entry(type, p, s, hash, px, sv, Labels.empty());
        e.statusBytes = "UP".getBytes(StandardCharsets.US_ASCII);
        e.status = "UP";
        e.base = type * 1000 + px.length();
        return e;
    }

    private static RowTable.Entry find(RowTable t, int type, String px, String sv) {
        byte[] row = (px + "," + sv).getBytes(StandardCharsets.US_ASCII);
        int pe = px.length();
        return t.find(type, row, 0, pe, pe + 1, row.length, RowTable.hash(type, row, 0, pe, pe + 1, row.length));
    }

    /**
     * Whatever rows are inserted and then laid out (a subset, in any order), the table holds exactly the laid-out rows,
     * at their positions, as fresh copies with the same content; the rows not laid out are gone.
     */
    @Test
    void relayoutKeepsExactlyTheGivenRowsAtTheirPositionsAsCopies() {
        qt().withExamples(200).forAll(integers().between(0, 600), lists().of(integers().between(0, 599))
                .ofSizeBetween(0, 600)).checkAssert((n, picks) -> {
                    RowTable t = new RowTable();
                    List<RowTable.Entry> all = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        RowTable.Entry e = entry(i % 3, "be" + i / 10, "sv" + i % 10);
                        t.insert(e);
                        all.add(e);
                        assertThat(find(t, i % 3, "be" + i / 10, "sv" + i % 10)).isSameAs(e);
                    }
                    assertThat(t.size()).isEqualTo(n);
                    assertThat(t.at(0)).isNull(); // nothing laid out yet
                    List<RowTable.Entry> order = new ArrayList<>();
                    for (int p : picks) {
                        if (p < n && !order.contains(all.get(p))) {
                            order.add(all.get(p));
                        }
                    }
                    Collections.reverse(order);
                    t.relayout(order);
                    assertThat(t.size()).isEqualTo(order.size());
                    for (int i = 0; i < order.size(); i++) {
                        RowTable.Entry old = order.get(i);
                        RowTable.Entry now = t.at(i);
                        assertThat(now).isNotSameAs(old);
                        assertThat(now.proxy).isEqualTo(old.proxy);
                        assertThat(now.server).isEqualTo(old.server);
                        assertThat(now.base).isEqualTo(old.base);
                        assertThat(now.status).isEqualTo(old.status);
                        assertThat(now.px).isEqualTo(old.px).isNotSameAs(old.px);
                        assertThat(now.statusBytes).isEqualTo(old.statusBytes).isNotSameAs(old.statusBytes);
                        assertThat(find(t, old.type, old.proxy, old.server)).isSameAs(now);
                    }
                    assertThat(t.at(order.size())).isNull();
                    for (RowTable.Entry e : all) {
                        if (!order.contains(e)) {
                            assertThat(find(t, e.type, e.proxy, e.server)).isNull();
                        }
                    }
                    // rows inserted after a layout are found, and do not take a laid-out position
                    RowTable.Entry extra = entry(2, "new", "one");
                    t.insert(extra);
                    assertThat(find(t, 2, "new", "one")).isSameAs(extra);
                    assertThat(t.at(order.size())).isNull();
                });
    }

    /**
     * A re-laid entry carries every field of the original (a field added to Entry but not to its copy constructor
     * fails here): byte arrays as equal copies, everything else as the same value or object (the mapper compares
     * cached strings and label sets by identity).
     */
    @Test
    void aCopiedEntryHasEveryFieldOfTheOriginal() throws Exception {
        RowTable.Entry e = entry(2, "be", "sv");
        int n = 1;
        for (Field f : RowTable.Entry.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || Modifier.isFinal(f.getModifiers())) {
                continue;
            }
            f.setAccessible(true);
            Class<?> type = f.getType();
            n++;
            if (type == int.class) {
                f.setInt(e, 1000 + n);
            } else if (type == long.class) {
                f.setLong(e, 100_000L + n);
            } else if (type == byte[].class) {
                f.set(e, ("bytes" + n).getBytes(StandardCharsets.US_ASCII));
            } else if (type == String.class) {
                f.set(e, new String("text" + n));
            } else if (type == Labels.class) {
                f.set(e, Labels.of("n", Integer.toString(n)));
            } else if (type == ServerState.class) {
                f.set(e, new ServerState("be", "sv", "UP", "L4OK", "ok", "", 1));
            } else {
                throw new AssertionError("no test value for field " + f.getName() + " of type " + type);
            }
        }
        RowTable t = new RowTable();
        t.insert(e);
        t.relayout(List.of(e));
        RowTable.Entry copy = t.at(0);
        assertThat(copy).isNotSameAs(e);
        for (Field f : RowTable.Entry.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            f.setAccessible(true);
            Object was = f.get(e);
            Object now = f.get(copy);
            if (f.getType() == byte[].class) {
                assertThat((byte[]) now).as(f.getName()).isEqualTo((byte[]) was).isNotSameAs(was);
            } else if (f.getType().isPrimitive()) {
                assertThat(now).as(f.getName()).isEqualTo(was);
            } else {
                assertThat(now).as(f.getName()).isSameAs(was);
            }
        }
    }

    /**
     * A CSV with a duplicate row keeps its layout from one scrape to the next: the skipped duplicate takes no
     * position, so the entries are not copied again every scrape.
     */
    @Test
    void aDuplicateRowDoesNotReLayTheRowsEveryScrape() throws Exception {
        HaproxyCsvMapper m = new HaproxyCsvMapper(MappingOptions.defaults());
        String csv = "# pxname,svname,qcur,status,type,\nbe,s1,1,UP,2,\nbe,s1,1,UP,2,\nbe,s2,1,UP,2,\nbe,BACKEND,0,UP,1,\n";
        ScrapeResult first = CsvSamples.map(m, csv);
        assertThat(first.skippedRows()).hasSize(1);
        Field table = HaproxyCsvMapper.class.getDeclaredField("table");
        table.setAccessible(true);
        RowTable t = (RowTable) table.get(m);
        List<RowTable.Entry> before = List.of(t.at(0), t.at(1), t.at(2));
        ScrapeResult second = CsvSamples.map(m, csv);
        assertThat(second.skippedRows()).hasSize(1);
        assertThat(List.of(t.at(0), t.at(1), t.at(2))).containsExactlyElementsOf(before);
        assertThat(t.at(3)).isNull();
    }
}
