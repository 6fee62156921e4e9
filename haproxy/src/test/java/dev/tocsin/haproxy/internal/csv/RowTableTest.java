package dev.tocsin.haproxy.internal.csv;

import dev.tocsin.core.Labels;
import org.junit.jupiter.api.Test;

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
        RowTable.Entry e = new RowTable.Entry(type, p, s, hash, px, sv, 3, Labels.empty());
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
                    RowTable.Entry[] fresh = t.relayout(order);
                    assertThat(t.size()).isEqualTo(order.size());
                    for (int i = 0; i < order.size(); i++) {
                        RowTable.Entry old = order.get(i);
                        RowTable.Entry now = t.at(i);
                        assertThat(now).isSameAs(fresh[i]).isNotSameAs(old);
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
}
