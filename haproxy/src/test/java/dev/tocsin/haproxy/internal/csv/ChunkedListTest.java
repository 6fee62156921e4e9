package dev.tocsin.haproxy.internal.csv;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

class ChunkedListTest {

    @Test
    void holdsWhatWasAppendedAcrossChunksInOrder() {
        // short lists (the first chunk grows) as well as several chunks
        qt().withExamples(30).forAll(integers().between(0, 50_000).mix(integers().between(0, 40), 50))
                .checkAssert(n -> {
            ChunkedList<Integer> l = new ChunkedList<>();
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                l.append(i * 7);
                expected.add(i * 7);
            }
            assertThat(l).hasSize(n).isEqualTo(expected);
            assertThat(l).containsExactlyElementsOf(expected);
            assertThat(l.toArray(new Integer[0])).containsExactly(expected.toArray(new Integer[0]));
            Integer[] larger = new Integer[n + 2];
            java.util.Arrays.fill(larger, -1);
            assertThat(l.toArray(larger)).isSameAs(larger);
            assertThat(larger[n]).isNull();
            assertThat(java.util.Arrays.asList(larger).subList(0, n)).isEqualTo(expected);
        });
    }

    @Test
    void isReadOnlyAndBoundsChecked() {
        ChunkedList<String> l = new ChunkedList<>();
        l.append("a");
        assertThatThrownBy(() -> l.add("b")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> l.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> l.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
