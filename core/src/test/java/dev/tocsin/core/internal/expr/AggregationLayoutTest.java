package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * An aggregation remembers which group each input position went to while its input repeats the same label set
 * objects (see {@code Compiler.GroupLayout}); whatever the input does between evaluations (the same objects in
 * another order, some missing, others in their place, equal sets as new objects), its result equals that of a newly
 * parsed expression.
 */
class AggregationLayoutTest {

    private static final String[] EXPRESSIONS = {
        "sum by (a) (x)", "count without (b) (x)", "max by (b) (x)", "avg(x)", "sum by (a, b) (x)",
        "stddev by (a) (x)", "quantile by (b) (0.5, x)", "min without (a) (x)", "sum by (a) (x * 2)",
        "group by (b) (x)",
    };

    /** Six label set objects, reused at every step: identity matches are the common case. */
    private static final Labels[] POOL = new Labels[6];

    static {
        for (int i = 0; i < POOL.length; i++) {
            POOL[i] = Labels.of("__name__", "x", "a", Integer.toString(i % 3), "b", i < 3 ? "x" : "y");
        }
    }

    private static Map<String, String> dump(Vector v) {
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < v.size(); i++) {
            String key = v.sample(i).labels().toString();
            assertThat(out.put(key, String.format(Locale.ROOT, "%.12g", v.sample(i).value())))
                    .as("one result per label set: %s", key).isNull();
        }
        return out;
    }

    /**
     * Each step picks an ordered subset of the pool (codes 0-5 pick a pool object, 6-11 a new object equal to one);
     * every expression, compiled once, is evaluated at each step and compared with a fresh parse.
     */
    @Test
    void rememberedGroupsEqualFreshOnes() {
        qt().withExamples(300).forAll(
                lists().of(lists().of(integers().between(0, 11)).ofSizeBetween(0, 8)).ofSizeBetween(1, 12))
                .checkAssert(steps -> {
                    Expression[] compiled = new Expression[EXPRESSIONS.length];
                    for (int e = 0; e < compiled.length; e++) {
                        compiled[e] = Expression.parse(EXPRESSIONS[e]);
                    }
                    int n = 0;
                    for (List<Integer> step : steps) {
                        n++;
                        TestContext c = new TestContext(Instant.ofEpochSecond(n));
                        LinkedHashSet<Integer> seen = new LinkedHashSet<>();
                        List<Sample> samples = new ArrayList<>();
                        for (int code : step) {
                            int k = code % POOL.length;
                            if (seen.add(k)) { // a vector holds each label set once
                                Labels l = code < POOL.length ? POOL[k] : Labels.of(POOL[k].asMap());
                                samples.add(new Sample(l, 10 * n + k + code * 0.25));
                            }
                        }
                        samples.forEach(c::add);
                        for (int e = 0; e < compiled.length; e++) {
                            assertThat(dump(compiled[e].evaluate(c))).as("%s at step %d of %s", EXPRESSIONS[e], n, steps)
                                    .isEqualTo(dump(Expression.parse(EXPRESSIONS[e]).evaluate(c)));
                        }
                    }
                });
    }

    /** An equal set in another object at the front, the remembered object behind it: one group, not two. */
    @Test
    void aGroupFoundByLabelsIsNotCreatedAgainAtARememberedPosition() {
        Labels a = Labels.of("__name__", "x", "a", "1", "s", "A");
        Labels b = Labels.of("__name__", "x", "a", "2", "s", "B");
        Labels c = Labels.of("__name__", "x", "a", "2", "s", "C");
        Expression sum = Expression.parse("sum by (a) (x)");
        TestContext first = new TestContext(Instant.ofEpochSecond(1));
        first.add(new Sample(a, 1));
        first.add(new Sample(b, 2));
        assertThat(dump(sum.evaluate(first))).containsExactly(Map.entry("{a=\"1\"}", "1.00000000000"),
                Map.entry("{a=\"2\"}", "2.00000000000"));
        TestContext second = new TestContext(Instant.ofEpochSecond(2));
        second.add(new Sample(c, 4));
        second.add(new Sample(b, 8));
        assertThat(dump(sum.evaluate(second))).containsExactly(Map.entry("{a=\"2\"}", "12.0000000000"));
    }
}
