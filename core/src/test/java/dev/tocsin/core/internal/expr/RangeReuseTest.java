package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * What range selectors and aggregations reuse within and across evaluations (a range function's result per series,
 * the series a selector matches, the group of each input position) never changes a result: each answer equals that of a newly parsed expression over a twin
 * history that nothing else has read.
 */
class RangeReuseTest {

    private static final String[] EXPRESSIONS = {
        "rate(x[1m])", "rate(x{a=\"1\"}[1m])", "increase(x[1m])", "rate(x[2m])", "rate(x[1m] offset 30s)",
        "rate(x{a=~\"1|2\"}[1m])", "changes(x[1m])", "resets(x{b=\"y\"}[1m])", "count_over_time(x{a!=\"0\"}[1m])",
        "x offset 20s", "absent_over_time(x{a=\"3\"}[1m])", "quantile_over_time(0.5, x[1m])",
        "max_over_time(rate(x[1m])[2m:30s])",
        // aggregations remember which group each input position went to (see Compiler.GroupLayout)
        "sum by (a) (rate(x[1m]))", "count without (b) (x offset 20s)", "max by (b) (rate(x[1m]) * 2)",
        "avg(increase(x[1m]))", "stddev by (a, b) (rate(x{a!=\"2\"}[1m]))", "quantile by (b) (0.5, rate(x[1m]))",
        "sum by (a) (rate(x[1m])) / sum by (a) (rate(x[2m]))", "count_values(\"v\", changes(x[1m]))",
    };

    /** The labels of series i (a new object each call); "b" only for some. */
    private static Labels labels(int i) {
        return Labels.of("__name__", "x", "a", Integer.toString(i % 4), "b", i < 4 ? "" : "y");
    }

    private static Map<String, String> dump(Vector v) {
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < v.size(); i++) {
            // twelve digits: an aggregation adds its inputs in their order, and the fresh history's is reversed
            out.put(v.sample(i).labels().toString(),
                    String.format(java.util.Locale.ROOT, "%.12g", v.sample(i).value()) + (v.held(i) ? " held" : ""));
        }
        return out;
    }

    /**
     * Steps of 5 to 25 s; at each, a random subset of eight counter series (with resets, some samples held) is
     * recorded, then a random sequence of expressions (repeats included) is evaluated with the same compiled
     * expressions every step, over the history and over a second one (the plans alternate between histories), and
     * each result is compared with a fresh parse over a history fed the same samples in reverse order with new label
     * objects (so that no position or object identity matches).
     */
    @Test
    void reusedResultsAndSelectionsEqualFreshOnes() {
        qt().withExamples(60).forAll(
                lists().of(integers().between(0, 255)).ofSizeBetween(1, 30),
                lists().of(integers().between(0, EXPRESSIONS.length - 1)).ofSizeBetween(1, 20))
                .checkAssert((steps, order) -> {
                    Expression[] compiled = new Expression[EXPRESSIONS.length];
                    for (int e = 0; e < compiled.length; e++) {
                        compiled[e] = Expression.parse(EXPRESSIONS[e]);
                    }
                    History shared = new History();
                    shared.configure(300_000, Set.of("x"), false);
                    List<TestContext> fed = new ArrayList<>();
                    long t = 0;
                    double[] counters = new double[8];
                    for (int step : steps) {
                        t += 5_000L * (1 + step % 5);
                        TestContext a = new TestContext(Instant.ofEpochMilli(t));
                        TestContext b = new TestContext(Instant.ofEpochMilli(t));
                        for (int i = 0; i < 8; i++) {
                            if ((step >> (i % 8) & 1) == 0 && i != step % 8) {
                                continue; // this series is absent at this step
                            }
                            counters[i] = (step + i) % 11 == 0 ? 1 : counters[i] + (step % 7) + i;
                            boolean held = (step + i) % 13 == 0;
                            a.add(new Sample(labels(i), counters[i]), held);
                            b.add(new Sample(labels(i), counters[i]), held);
                        }
                        shared.record(t, a);
                        fed.add(b);
                        History other = replay(fed, false);
                        for (int e : order) {
                            Vector got = compiled[e].evaluate(new TestContext(Instant.ofEpochMilli(t))
                                    .withHistory(shared));
                            Vector alternate = compiled[e].evaluate(new TestContext(Instant.ofEpochMilli(t))
                                    .withHistory(other));
                            Vector want = Expression.parse(EXPRESSIONS[e]).evaluate(
                                    new TestContext(Instant.ofEpochMilli(t)).withHistory(replay(fed, true)));
                            assertThat(dump(got)).as("%s at %d ms", EXPRESSIONS[e], t).isEqualTo(dump(want));
                            assertThat(dump(alternate)).as("%s at %d ms, second history", EXPRESSIONS[e], t)
                                    .isEqualTo(dump(want));
                        }
                    }
                });
    }

    /**
     * A new history fed the same contexts, nothing evaluated over it; {@code scrambled}: each context's samples in
     * reverse order, with new label objects.
     */
    private static History replay(List<TestContext> fed, boolean scrambled) {
        History h = new History();
        h.configure(300_000, Set.of("x"), false);
        for (TestContext c : fed) {
            TestContext in = c;
            if (scrambled) {
                in = new TestContext(c.time());
                Family f = c.family("x");
                for (int i = f.size() - 1; i >= 0; i--) {
                    Sample s = f.sample(i);
                    in.add(new Sample(Labels.of(s.labels().asMap()), s.value()), f.held(i));
                }
            }
            h.record(c.time().toEpochMilli(), in);
        }
        return h;
    }

    /** A sample appended at the evaluation time (a recording rule's output) is seen by a later rule at that time. */
    @Test
    void aResultIsNotReusedAfterASampleWasAppendedAtTheSameTime() {
        History h = new History();
        h.configure(120_000, Set.of("r"), false);
        Labels r = Labels.of("__name__", "r");
        h.appendRecorded(r, 0, 0, false);
        h.appendRecorded(r, 30_000, 30, false);
        Expression rate = Expression.parse("rate(r[1m])");
        TestContext at60 = new TestContext(Instant.ofEpochMilli(60_000)).withHistory(h);
        // samples at 0 and 30 s: 30 over 30 s, extrapolated to the window's end: 1.0 per second
        double before = rate.evaluate(at60).sample(0).value();
        h.appendRecorded(r, 60_000, 90, false);
        double after = rate.evaluate(at60).sample(0).value();
        assertThat(before).isEqualTo(1.0);
        assertThat(after).isNotEqualTo(before);
        assertThat(after).isEqualTo(1.5); // 90 over 60 s, samples at both ends of the window
    }

    /**
     * A series that expires (absent longer than the retention) and comes back at the same position of its family
     * is a new series that selectors find, with only its new samples.
     */
    @Test
    void aSeriesThatExpiredAndCameBackAtTheSamePositionIsFound() {
        History h = new History();
        h.configure(20_000, Set.of("x"), false);
        Expression count = Expression.parse("count_over_time(x{a=\"1\"}[1m])");
        Labels l = Labels.of("__name__", "x", "a", "1");
        Labels other = Labels.of("__name__", "x", "a", "2");
        long t = 0;
        for (; t <= 10_000; t += 5_000) {
            h.record(t, new TestContext(Instant.ofEpochMilli(t)).add(new Sample(other, 1)).add(new Sample(l, 1)));
        }
        assertThat(dump(count.evaluate(new TestContext(Instant.ofEpochMilli(10_000)).withHistory(h))))
                .containsEntry("{a=\"1\"}", "3.00000000000");
        for (; t <= 40_000; t += 5_000) { // only the other series: x{a="1"} goes stale, then expires
            h.record(t, new TestContext(Instant.ofEpochMilli(t)).add(new Sample(other, 1)));
        }
        assertThat(h.seriesCount()).isEqualTo(1);
        // back at its old position (the second), which the evaluations in between did not fill
        h.record(t, new TestContext(Instant.ofEpochMilli(t)).add(new Sample(other, 1)).add(new Sample(l, 7)));
        assertThat(h.seriesCount()).isEqualTo(2);
        assertThat(dump(count.evaluate(new TestContext(Instant.ofEpochMilli(t)).withHistory(h))))
                .containsExactly(Map.entry("{a=\"1\"}", "1.00000000000"));
    }

    /**
     * A series a recording rule creates at the evaluation time is found by a selector evaluated before at that time
     * (the remembered matches are dropped with the set of series).
     */
    @Test
    void aSeriesCreatedDuringAnEvaluationIsMatchedByLaterRules() {
        History h = new History();
        h.configure(120_000, Set.of("r"), false);
        h.appendRecorded(Labels.of("__name__", "r", "k", "a"), 0, 1, false);
        Expression count = Expression.parse("count_over_time(r[1m])");
        TestContext at30 = new TestContext(Instant.ofEpochMilli(30_000)).withHistory(h);
        assertThat(count.evaluate(at30).size()).isEqualTo(1);
        h.appendRecorded(Labels.of("__name__", "r", "k", "b"), 30_000, 1, false);
        assertThat(count.evaluate(at30).size()).isEqualTo(2);
    }
}
