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
        "group by (b) (x)", "topk by (a) (1, x)", "bottomk(2, x)", "sum by (a) (topk by (b) (2, x))",
    };

    /** Six label set objects, reused at every step: identity matches are the common case. */
    private static final Labels[] POOL = new Labels[6];

    static {
        for (int i = 0; i < POOL.length; i++) {
            POOL[i] = Labels.of("__name__", "x", "a", Integer.toString(i % 3), "b", i < 3 ? "x" : "y");
        }
    }

    /** A larger pool, so that evaluations last long enough for two threads to overlap in one aggregation. */
    private static final Labels[] BIG = new Labels[2000];

    static {
        for (int i = 0; i < BIG.length; i++) {
            BIG[i] = Labels.of("__name__", "x", "a", Integer.toString(i % 7), "b", Integer.toString(i % 5), "c",
                    Integer.toString(i));
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

    /**
     * An evaluation that fails half way (a duplicate label set after the name is dropped) leaves nothing behind: the
     * next evaluation, over the same objects, equals a fresh one.
     */
    @Test
    void aFailedEvaluationDoesNotSpoilTheNext() {
        Expression sum = Expression.parse("sum by (a) ({__name__=~\"x|y\"} * 2)");
        Labels y = Labels.of("__name__", "y", "a", "0", "b", "x");
        TestContext good = new TestContext(Instant.ofEpochSecond(1));
        for (Labels l : POOL) {
            good.add(new Sample(l, 1));
        }
        assertThat(dump(sum.evaluate(good))).isEqualTo(dump(Expression.parse(sum.toString()).evaluate(good)));
        TestContext bad = new TestContext(Instant.ofEpochSecond(2));
        for (Labels l : POOL) {
            bad.add(new Sample(l, 2));
        }
        bad.add(new Sample(y, 5)); // equals POOL[0] once the name is dropped
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sum.evaluate(bad))
                .isInstanceOf(ExpressionEvaluationException.class);
        TestContext again = new TestContext(Instant.ofEpochSecond(3));
        for (int i = POOL.length - 1; i >= 0; i--) {
            again.add(new Sample(POOL[i], i));
        }
        assertThat(dump(sum.evaluate(again))).isEqualTo(dump(Expression.parse(sum.toString()).evaluate(again)));
    }

    /**
     * Two threads evaluating the same compiled aggregations over different inputs (the remembered layout is taken by
     * one evaluation at a time; the other builds its own) get the results of fresh parses.
     */
    @Test
    void concurrentEvaluationsOfOnePlanGetTheirOwnResults() throws Exception {
        Expression[] compiled = new Expression[EXPRESSIONS.length];
        for (int e = 0; e < compiled.length; e++) {
            compiled[e] = Expression.parse(EXPRESSIONS[e]);
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int thread = 0; thread < 2; thread++) {
                int offset = thread;
                done.add(pool.submit(() -> {
                    for (int round = 0; round < 80; round++) {
                        TestContext c = new TestContext(Instant.ofEpochSecond(round));
                        for (int k = 0; k < BIG.length; k++) {
                            // each thread its own order (rotated) and subset, which changes every tenth round
                            int i = (k + offset * 777) % BIG.length;
                            if ((i + round / 10 + offset) % 5 != 0) {
                                c.add(new Sample(BIG[i], round * 10 + i + offset));
                            }
                        }
                        for (int e = 0; e < compiled.length; e++) {
                            assertThat(dump(compiled[e].evaluate(c))).as(EXPRESSIONS[e])
                                    .isEqualTo(dump(Expression.parse(EXPRESSIONS[e]).evaluate(c)));
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A layout whose input never repeats its label set objects (rebuilt at every evaluation) stops recording after a
     * few evaluations, holds nothing while it sits out a pause, and then tries again; a hit resets the count.
     */
    @Test
    void aLayoutThatNeverMatchesPausesAndHoldsNothing() {
        Compiler.GroupLayout l = new Compiler.GroupLayout();
        assertThat(l.use()).isTrue();
        recordFresh(l, 0);
        l.finish(5, 0); // nothing was remembered yet: not a miss
        assertThat(l.misses).isZero();
        assertThat(l.size).isEqualTo(5);
        for (int i = 1; i < Compiler.GroupLayout.MISSES_BEFORE_PAUSE; i++) {
            assertThat(l.use()).isTrue();
            recordFresh(l, i);
            l.finish(5, 0);
        }
        assertThat(l.paused).isZero();
        assertThat(l.use()).isTrue();
        recordFresh(l, 9);
        l.finish(5, 0);
        assertThat(l.paused).isEqualTo(Compiler.GroupLayout.PAUSE_EVALUATIONS);
        assertThat(l.size).isZero();
        assertThat(l.inputs).containsOnlyNulls();
        for (int i = 0; i < Compiler.GroupLayout.PAUSE_EVALUATIONS; i++) {
            assertThat(l.use()).as("paused evaluation %d", i).isFalse();
        }
        assertThat(l.use()).isTrue();
        recordFresh(l, 10);
        l.finish(5, 0);
        assertThat(l.use()).isTrue();
        recordFresh(l, 11);
        l.finish(5, 0);
        assertThat(l.misses).isEqualTo(1);
        assertThat(l.use()).isTrue();
        l.finish(5, 5); // the same objects again
        assertThat(l.misses).isZero();
    }

    private static void recordFresh(Compiler.GroupLayout l, int round) {
        for (int p = 0; p < 5; p++) {
            l.record(p, Labels.of("a", Integer.toString(p), "r", Integer.toString(round)), false, p);
        }
    }

    /** Results stay right across a pause and after it: rebuilt label objects first, then the same ones. */
    @Test
    void resultsStayRightThroughAPause() {
        Expression sum = Expression.parse("sum by (a) (x)");
        for (int round = 0; round < Compiler.GroupLayout.PAUSE_EVALUATIONS + 20; round++) {
            TestContext c = new TestContext(Instant.ofEpochSecond(round));
            for (int i = 0; i < POOL.length; i++) {
                Labels l = round < 10 ? Labels.of(POOL[i].asMap()) : POOL[(i + round / 30) % POOL.length];
                c.add(new Sample(l, round + i));
            }
            assertThat(dump(sum.evaluate(c))).as("round %d", round)
                    .isEqualTo(dump(Expression.parse("sum by (a) (x)").evaluate(c)));
        }
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
