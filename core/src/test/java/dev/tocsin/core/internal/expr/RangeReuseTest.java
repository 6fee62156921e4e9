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
 * What range selectors reuse within and across evaluations (a range function's result per series, the series a
 * selector matches) never changes a result: each answer equals that of a newly parsed expression over a twin
 * history that nothing else has read.
 */
class RangeReuseTest {

    private static final String[] EXPRESSIONS = {
        "rate(x[1m])", "rate(x{a=\"1\"}[1m])", "increase(x[1m])", "rate(x[2m])", "rate(x[1m] offset 30s)",
        "rate(x{a=~\"1|2\"}[1m])", "changes(x[1m])", "resets(x{b=\"y\"}[1m])", "count_over_time(x{a!=\"0\"}[1m])",
        "x offset 20s", "absent_over_time(x{a=\"3\"}[1m])", "quantile_over_time(0.5, x[1m])",
    };

    /** The labels of series i (a new object each call); "b" only for some. */
    private static Labels labels(int i) {
        return Labels.of("__name__", "x", "a", Integer.toString(i % 4), "b", i < 4 ? "" : "y");
    }

    private static Map<String, Double> dump(Vector v) {
        Map<String, Double> out = new TreeMap<>();
        for (int i = 0; i < v.size(); i++) {
            out.put(v.sample(i).labels().toString(), v.sample(i).value());
        }
        return out;
    }

    /**
     * Steps of 5 to 25 s; at each, a random subset of eight counter series (with resets) is recorded, then a random
     * sequence of expressions (repeats included) is evaluated with the same compiled expressions every step, and
     * each result is compared with a fresh parse over a twin history fed the same samples.
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
                    shared.configure(180_000, Set.of("x"), false);
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
                            a.add(new Sample(labels(i), counters[i]));
                            b.add(new Sample(labels(i), counters[i]));
                        }
                        shared.record(t, a);
                        fed.add(b);
                        for (int e : order) {
                            Vector got = compiled[e].evaluate(new TestContext(Instant.ofEpochMilli(t))
                                    .withHistory(shared));
                            Vector want = Expression.parse(EXPRESSIONS[e]).evaluate(
                                    new TestContext(Instant.ofEpochMilli(t)).withHistory(replay(fed)));
                            assertThat(dump(got)).as("%s at %d ms", EXPRESSIONS[e], t).isEqualTo(dump(want));
                        }
                    }
                });
    }

    /** A new history fed the same contexts: nothing has been evaluated over it. */
    private static History replay(List<TestContext> fed) {
        History h = new History();
        h.configure(180_000, Set.of("x"), false);
        for (TestContext c : fed) {
            h.record(c.time().toEpochMilli(), c);
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
}
