package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.tocsin.core.Sample;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * {@code topk} / {@code bottomk} choose between equal values as Prometheus' heap does. The expected indexes below
 * follow Go's {@code container/heap} by hand (steps in the comments); promtool cannot check them, since its test
 * loader feeds series to the query in random order (see docs/rule-files.md).
 */
class TopkHeapTest {

    private static final double NAN = Double.NaN;

    @Test
    void aBetterSampleEvictsTheHeapTopNotTheFirstOfTheTiedOnes() {
        // push 0 -> [0]; push 1 -> [0, 1]; 2 beats the top (1 < 2): pop swaps 0 to the end and drops it -> [1],
        // push 2 -> [1, 2]; sorted best first -> [2, 1]. A stable sort would keep index 0 instead of 1.
        assertThat(Compiler.heapSelect(new double[] {1, 1, 2}, 2, true)).containsExactly(2, 1);
        assertThat(Compiler.heapSelect(new double[] {5, 5, 4}, 2, false)).containsExactly(2, 1);
    }

    @Test
    void laterEqualValuesNeverReplaceKeptOnes() {
        assertThat(Compiler.heapSelect(new double[] {24, 24, 24, 24}, 2, false)).containsExactly(0, 1);
        assertThat(Compiler.heapSelect(new double[] {3, 7, 7, 7}, 1, true)).containsExactly(1);
    }

    @Test
    void nanIsWorseThanAnyNumberAndIsReplacedInPlaceForKOne() {
        assertThat(Compiler.heapSelect(new double[] {NAN, 1}, 1, true)).containsExactly(1);
        assertThat(Compiler.heapSelect(new double[] {NAN, 1}, 1, false)).containsExactly(1);
        // push 0 -> [0]; push 1 (NaN is less) sifts up -> [1, 0]; 3 beats the NaN top: pop -> [0], push 2 -> [0, 2];
        // sorted: the NaN at 0 is less than 3, so 3 first
        assertThat(Compiler.heapSelect(new double[] {NAN, NAN, 3}, 2, true)).containsExactly(2, 0);
        assertThat(Compiler.heapSelect(new double[] {NAN, NAN}, 5, true)).hasSize(2);
    }

    @Test
    void aKLargerThanTheGroupKeepsEverySampleBestFirst() {
        assertThat(Compiler.heapSelect(new double[] {2, 9, 4}, Long.MAX_VALUE, true)).containsExactly(1, 2, 0);
        assertThat(Compiler.heapSelect(new double[] {2, 9, 4}, 3, false)).containsExactly(0, 2, 1);
        assertThat(Compiler.heapSelect(new double[0], 3, true)).isEmpty();
    }

    @Test
    void theEvaluatorKeepsTheSamplesTheHeapChooses() {
        TestContext ctx = new TestContext(Instant.ofEpochSecond(1000))
                .add(Sample.of("x", 1, "i", "a")).add(Sample.of("x", 1, "i", "b")).add(Sample.of("x", 2, "i", "c"));
        Vector v = Expression.parse("topk(2, x)").evaluate(ctx);
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            kept.add(v.sample(i).labels().get("i"));
        }
        assertThat(kept).containsExactly("c", "b");
    }

    /** Whatever the ties, the values kept are the k best (NaN last), best first, each input at most once. */
    @Test
    void keepsTheKBestValuesBestFirst() {
        qt().forAll(lists().of(integers().between(-3, 3)).ofSizeBetween(0, 40), integers().between(1, 45),
                integers().between(0, 1)).checkAssert((raw, k, dir) -> {
                    boolean top = dir == 1;
                    double[] values = new double[raw.size()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = raw.get(i) == -3 ? NAN : raw.get(i); // ties and NaNs are common
                    }
                    int[] kept = Compiler.heapSelect(values, k, top);
                    assertThat(kept).hasSize(Math.min(k, values.length));
                    Set<Integer> distinct = new HashSet<>();
                    for (int i : kept) {
                        distinct.add(i);
                    }
                    assertThat(distinct).hasSize(kept.length);
                    double[] best = Arrays.stream(values).boxed().sorted((a, b) -> {
                        if (a.isNaN() || b.isNaN()) {
                            return Boolean.compare(a.isNaN(), b.isNaN());
                        }
                        return top ? Double.compare(b, a) : Double.compare(a, b);
                    }).mapToDouble(Double::doubleValue).limit(kept.length).toArray();
                    double[] got = Arrays.stream(kept).mapToDouble(i -> values[i]).toArray();
                    assertThat(Arrays.toString(got)).isEqualTo(Arrays.toString(best));
                });
    }
}
