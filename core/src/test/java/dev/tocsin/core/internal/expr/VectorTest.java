package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VectorTest {

    @Test
    void holdsWhatWasAddedInOrderWhateverItsInitialCapacity() {
        qt().withExamples(200).forAll(lists().of(integers().between(-5, 5)).ofSizeBetween(0, 300),
                integers().between(0, 40)).checkAssert((values, capacity) -> {
                    Vector v = new Vector(capacity);
                    List<Sample> want = new ArrayList<>();
                    for (int i = 0; i < values.size(); i++) {
                        Labels l = Labels.of("i", Integer.toString(i));
                        double x = values.get(i) == 0 ? Double.NaN : values.get(i) / 2.0;
                        if (i % 5 == 1) {
                            // a range function's result: the series' labels, the name dropped when read
                            v.addWithoutName(l.with("__name__", "m" + i), x, i % 2 == 0);
                        } else if (i % 3 == 0) {
                            v.add(new Sample(l, x), i % 2 == 0);
                        } else {
                            v.add(l, x, i % 2 == 0);
                        }
                        want.add(new Sample(l, x));
                    }
                    assertThat(v.size()).isEqualTo(values.size());
                    assertThat(v.samples()).containsExactlyElementsOf(want);
                    for (int i = 0; i < values.size(); i++) {
                        if (i % 5 == 1) {
                            assertThat(v.labels(i)).isEqualTo(want.get(i).labels())
                                    .hasSameHashCodeAs(want.get(i).labels());
                        } else {
                            assertThat(v.labels(i)).isSameAs(want.get(i).labels());
                        }
                        int index = i;
                        boolean[] calls = new boolean[2];
                        v.replay(i, new Compiler.Sink() {
                            @Override
                            public void accept(Labels labels, double value, boolean held) {
                                calls[0] = true;
                                assertThat(labels).isSameAs(want.get(index).labels());
                            }

                            @Override
                            public void acceptWithoutName(Labels named, double value, boolean held) {
                                calls[1] = true;
                                assertThat(named.withoutMetricName()).isEqualTo(want.get(index).labels());
                                assertThat(named.metricName()).isEqualTo("m" + index);
                            }
                        });
                        assertThat(calls).containsExactly(i % 5 != 1, i % 5 == 1);
                    }
                    // made once, in place: every read then gives the same object, and a replay hands on the set
                    v.resolveNames();
                    for (int i = 0; i < values.size(); i++) {
                        assertThat(v.labels(i)).isEqualTo(want.get(i).labels()).isSameAs(v.labels(i));
                        Labels resolved = v.labels(i);
                        boolean[] plain = new boolean[1];
                        v.replay(i, (labels, value, held) -> plain[0] = labels == resolved);
                        assertThat(plain[0]).isTrue();
                        assertThat(Double.doubleToRawLongBits(v.value(i)))
                                .isEqualTo(Double.doubleToRawLongBits(want.get(i).value()));
                        assertThat(v.held(i)).isEqualTo(i % 2 == 0);
                        assertThat(v.sample(i)).isEqualTo(want.get(i));
                    }
                });
    }

    @Test
    void readingPastTheSizeFailsEvenWithinTheCapacity() {
        Vector v = new Vector(16);
        v.add(Labels.of("a", "1"), 1, false);
        assertThatThrownBy(() -> v.value(1)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("index 1 of a vector of 1");
        assertThatThrownBy(() -> v.labels(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> v.samples().get(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
