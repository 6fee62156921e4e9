package dev.tocsin.haproxy.internal.csv;

import dev.tocsin.core.Sample;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

class SampleChunksTest {

    @Test
    void holdsWhatWasAppendedAcrossChunksInOrderAndGroupsItByTag() {
        // short lists as well as several chunks; tags 0..9 or 0..255
        qt().withExamples(30).forAll(integers().between(0, 50_000).mix(integers().between(0, 40), 50),
                integers().between(1, 256)).checkAssert((n, tags) -> {
                    SampleChunks l = new SampleChunks();
                    List<Sample> expected = new ArrayList<>();
                    List<List<Sample>> byTag = new ArrayList<>();
                    for (int t = 0; t < tags; t++) {
                        byTag.add(new ArrayList<>());
                    }
                    for (int i = 0; i < n; i++) {
                        Sample s = Sample.of("m", i);
                        int tag = (i * 7919) % tags;
                        l.append(s, tag);
                        expected.add(s);
                        byTag.get(tag).add(s);
                    }
                    assertThat(l).hasSize(n).isEqualTo(expected);
                    for (int i = 0; i < n; i += 97) {
                        assertThat(l.tag(i)).isEqualTo((i * 7919) % tags);
                    }
                    Sample[][] grouped = l.groupByTag(tags);
                    assertThat(grouped.length).isEqualTo(tags);
                    for (int t = 0; t < tags; t++) {
                        if (byTag.get(t).isEmpty()) {
                            assertThat(grouped[t]).isNull();
                        } else {
                            assertThat(grouped[t]).containsExactlyElementsOf(byTag.get(t));
                        }
                    }
                });
    }

    @Test
    void isReadOnlyAndBoundsChecked() {
        SampleChunks l = new SampleChunks();
        l.append(Sample.of("a", 1), 3);
        assertThatThrownBy(() -> l.add(Sample.of("b", 1))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> l.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> l.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> l.tag(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
