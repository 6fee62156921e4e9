package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;

import java.time.Instant;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * A range function hands its results to the next step with the series' own labels and a note that the name is to be
 * dropped (see {@code Compiler.Sink#acceptWithoutName}); whatever reads the labels must still see them without the
 * name: an aggregation by or with the name, topk/bottomk/quantile's kept samples, count_values, filters, vector/scalar
 * operations and the final result.
 */
class NamelessSinkTest {

    /** Counters x{a=1..3, b=y} and y{a=1, b=y}, recorded every 15 s up to 60 s, each growing at its own rate. */
    private static History history() {
        History h = new History();
        h.configure(300_000, Set.of("x", "y"), false);
        for (int k = 0; k <= 4; k++) {
            long t = 15_000L * k;
            TestContext c = new TestContext(Instant.ofEpochMilli(t));
            for (int a = 1; a <= 3; a++) {
                c.add(new Sample(Labels.of("__name__", "x", "a", Integer.toString(a), "b", "y"), 15.0 * k * a), false);
            }
            c.add(new Sample(Labels.of("__name__", "y", "a", "1", "b", "y"), 30.0 * k), false);
            h.record(t, c);
        }
        return h;
    }

    /** The result as label set -> value, evaluated twice (the second time with what the first left to reuse). */
    private static TreeMap<String, Double> eval(String expr) {
        History h = history();
        Expression e = Expression.parse(expr);
        TreeMap<String, Double> first = dump(e.evaluate(new TestContext(Instant.ofEpochMilli(60_000)).withHistory(h)));
        TreeMap<String, Double> again = dump(e.evaluate(new TestContext(Instant.ofEpochMilli(60_000)).withHistory(h)));
        assertThat(again).as("%s evaluated again", expr).isEqualTo(first);
        return first;
    }

    private static TreeMap<String, Double> dump(Vector v) {
        TreeMap<String, Double> out = new TreeMap<>();
        for (int i = 0; i < v.size(); i++) {
            assertThat(out.put(v.labels(i).toString(), v.value(i))).as("duplicate %s", v.labels(i)).isNull();
        }
        return out;
    }

    @Test
    void rangeResultsLoseTheNameThroughFiltersAndScalarOperations() {
        assertThat(eval("rate(x[1m])")).containsOnlyKeys("{a=\"1\", b=\"y\"}", "{a=\"2\", b=\"y\"}",
                "{a=\"3\", b=\"y\"}");
        assertThat(eval("rate(x[1m]) > 1.5")).containsOnlyKeys("{a=\"2\", b=\"y\"}", "{a=\"3\", b=\"y\"}");
        assertThat(eval("2 < rate(x[1m])")).containsOnlyKeys("{a=\"3\", b=\"y\"}");
        assertThat(eval("rate(x[1m]) * 100 > 150")).containsOnlyKeys("{a=\"2\", b=\"y\"}", "{a=\"3\", b=\"y\"}")
                .containsEntry("{a=\"3\", b=\"y\"}", 300.0);
        assertThat(eval("rate(x[1m]) > bool 1.5")).containsEntry("{a=\"1\", b=\"y\"}", 0.0)
                .containsEntry("{a=\"2\", b=\"y\"}", 1.0).hasSize(3);
        assertThat(eval("last_over_time(x[1m]) > 150")).containsOnlyKeys("{__name__=\"x\", a=\"3\", b=\"y\"}");
        assertThat(eval("abs(rate(x[1m]))")).containsOnlyKeys("{a=\"1\", b=\"y\"}", "{a=\"2\", b=\"y\"}",
                "{a=\"3\", b=\"y\"}");
    }

    @Test
    void aggregationsGroupAndKeepAsWithoutTheName() {
        assertThat(eval("sum by (a) (rate(x[1m]))")).containsEntry("{a=\"2\"}", 2.0).hasSize(3);
        assertThat(eval("sum by (b) (rate(x[1m]) * 100)")).containsOnlyKeys("{b=\"y\"}")
                .containsEntry("{b=\"y\"}", 600.0);
        assertThat(eval("sum without (a) (rate(x[1m]) > 1.5)")).containsOnlyKeys("{b=\"y\"}")
                .containsEntry("{b=\"y\"}", 5.0);
        // grouped by the name: it is gone before the aggregation sees the samples
        assertThat(eval("sum by (__name__) (rate(x[1m]))")).containsOnlyKeys("{}").containsEntry("{}", 6.0);
        assertThat(eval("count by (__name__, a) (rate(x[1m]))")).containsOnlyKeys("{a=\"1\"}", "{a=\"2\"}",
                "{a=\"3\"}");
        assertThat(eval("topk(1, rate(x[1m]))")).containsOnlyKeys("{a=\"3\", b=\"y\"}");
        assertThat(eval("bottomk by (b) (2, rate(x[1m]) * 2)")).containsOnlyKeys("{a=\"1\", b=\"y\"}",
                "{a=\"2\", b=\"y\"}");
        assertThat(eval("quantile by (b) (0.5, rate(x[1m]))")).containsOnlyKeys("{b=\"y\"}")
                .containsEntry("{b=\"y\"}", 2.0);
        assertThat(eval("count_values(\"v\", rate(x[1m]))")).containsOnlyKeys("{v=\"1\"}", "{v=\"2\"}",
                "{v=\"3\"}");
        // the value label, set on each sample, goes with the name when grouping without labels (as in Prometheus)
        assertThat(eval("count_values without (a) (\"__name__\", rate(x[1m]))")).containsOnlyKeys("{b=\"y\"}")
                .containsEntry("{b=\"y\"}", 3.0);
    }

    @Test
    void seriesOfTwoNamesThatCollideWithoutTheirNamesAreAnError() {
        History h = history();
        for (String expr : new String[] {"sum by (a) (rate({__name__=~\"x|y\", a=\"1\"}[1m]))",
            "sum without (a) (rate({__name__=~\"x|y\", a=\"1\"}[1m]) > 0)",
            "topk(5, rate({__name__=~\"x|y\", a=\"1\"}[1m]) * 2)"}) {
            Expression e = Expression.parse(expr);
            assertThatThrownBy(() -> e.evaluate(new TestContext(Instant.ofEpochMilli(60_000)).withHistory(h)))
                    .as(expr).hasMessageContaining("same labelset");
        }
    }
}
