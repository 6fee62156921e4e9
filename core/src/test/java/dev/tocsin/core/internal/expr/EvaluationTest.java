package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tocsin.core.ExpressionException;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Evaluation of operators, aggregations and functions on hand-built contexts, with held-flag propagation. */
class EvaluationTest {

    private static final Sample A1 = Sample.of("a", 10, "job", "x", "instance", "1");
    private static final Sample A2 = Sample.of("a", 20, "job", "x", "instance", "2");
    private static final Sample B1 = Sample.of("b", 2, "job", "x", "instance", "1");
    private static final Sample B2 = Sample.of("b", 5, "job", "x", "instance", "2");

    /** a{instance="2"} and b{instance="1"} are held. */
    private static TestContext ctx() {
        return new TestContext(Instant.ofEpochSecond(1000)).add(A1).add(A2, true).add(B1, true).add(B2);
    }

    private static List<String> eval(String expr) {
        Vector v = Expression.parse(expr).evaluate(ctx());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            Sample s = v.sample(i);
            out.add(s.labels() + " " + s.value() + (v.held(i) ? " held" : ""));
        }
        return out;
    }

    @Test
    void vectorScalarArithmeticDropsTheNameAndKeepsHeld() {
        assertThat(eval("a * 2")).containsExactly("{instance=\"1\", job=\"x\"} 20.0",
                "{instance=\"2\", job=\"x\"} 40.0 held");
        assertThat(eval("100 - a")).containsExactly("{instance=\"1\", job=\"x\"} 90.0",
                "{instance=\"2\", job=\"x\"} 80.0 held");
        assertThat(eval("2 ^ b")).containsExactly("{instance=\"1\", job=\"x\"} 4.0 held",
                "{instance=\"2\", job=\"x\"} 32.0");
    }

    @Test
    void filterWithAComputedScalarKeepsTheSampleUnchanged() {
        assertThat(eval("a > scalar(b{instance=\"2\"}) * 3")).containsExactly(
                "{__name__=\"a\", instance=\"2\", job=\"x\"} 20.0 held");
        // the scalar is held: everything computed from it is held
        assertThat(eval("a < bool scalar(b{instance=\"1\"}) * 10")).containsExactly(
                "{instance=\"1\", job=\"x\"} 1.0 held", "{instance=\"2\", job=\"x\"} 0.0 held");
    }

    @Test
    void vectorVectorHeldIsTheOrOfBothSides() {
        assertThat(eval("a / b")).containsExactly("{instance=\"1\", job=\"x\"} 5.0 held",
                "{instance=\"2\", job=\"x\"} 4.0 held");
        assertThat(eval("a{instance=\"1\"} + on(job) b{instance=\"2\"}")).containsExactly("{job=\"x\"} 15.0");
    }

    @Test
    void setOperatorsKeepSamplesAndPropagateHeld() {
        assertThat(eval("a and b{instance=\"2\"}")).containsExactly(
                "{__name__=\"a\", instance=\"2\", job=\"x\"} 20.0 held");
        assertThat(eval("a{instance=\"1\"} and b")).containsExactly(
                "{__name__=\"a\", instance=\"1\", job=\"x\"} 10.0 held");
        assertThat(eval("a{instance=\"1\"} or b")).containsExactly(
                "{__name__=\"a\", instance=\"1\", job=\"x\"} 10.0",
                "{__name__=\"b\", instance=\"2\", job=\"x\"} 5.0");
        assertThat(eval("a unless on(instance) b{instance=\"1\"}")).containsExactly(
                "{__name__=\"a\", instance=\"2\", job=\"x\"} 20.0 held");
        assertThat(eval("a unless b")).isEmpty();
    }

    @Test
    void aggregationsPropagateHeldPerGroup() {
        assertThat(eval("sum(a)")).containsExactly("{} 30.0 held");
        assertThat(eval("sum by (instance) (a)")).containsExactly("{instance=\"1\"} 10.0",
                "{instance=\"2\"} 20.0 held");
        assertThat(eval("max without (instance) (b)")).containsExactly("{job=\"x\"} 5.0 held");
        assertThat(eval("topk(1, a)")).containsExactly("{__name__=\"a\", instance=\"2\", job=\"x\"} 20.0 held");
        assertThat(eval("bottomk(1, a)")).containsExactly("{__name__=\"a\", instance=\"1\", job=\"x\"} 10.0");
        assertThat(eval("count(nope)")).isEmpty();
    }

    /**
     * Arithmetic with a scalar gives the computed value, also when it equals the input's: -0 + 0 is +0 (IEEE 754, as
     * in Go), not the input's -0 passed through because the two compare equal.
     */
    @Test
    void addingZeroToNegativeZeroGivesPositiveZero() {
        TestContext c = new TestContext().add(Sample.of("x", -0.0, "a", "2"));
        for (String e : new String[] {"sum(x) + 0", "0 + sum by (a) (x)", "x - 0"}) {
            Vector v = Expression.parse(e).evaluate(c);
            assertThat(v.size()).as(e).isEqualTo(1);
            assertThat(Double.doubleToRawLongBits(v.value(0))).as(e).isEqualTo(Double.doubleToRawLongBits(
                    e.equals("x - 0") ? -0.0 - 0 : 0.0));
        }
        // a comparison in filter mode keeps the sample as it is, sign included
        Vector kept = Expression.parse("x == 0").evaluate(c);
        assertThat(Double.doubleToRawLongBits(kept.value(0))).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void groupLeftCopiesIncludedLabelsFromTheOneSide() {
        TestContext c = new TestContext()
                .add(Sample.of("req", 3, "job", "x", "instance", "1", "team", "old"))
                .add(Sample.of("req", 4, "job", "x", "instance", "2"))
                .add(Sample.of("info", 1, "job", "x", "team", "t1", "owner", "o"));
        Vector v = Expression.parse("req * on(job) group_left(team, owner) info").evaluate(c);
        assertThat(v.samples()).containsExactly(
                new Sample(Labels.of("job", "x", "instance", "1", "team", "t1", "owner", "o"), 3),
                new Sample(Labels.of("job", "x", "instance", "2", "team", "t1", "owner", "o"), 4));
        // group_left, comparison: the value comes from the left ("many") side, labels keep its name
        v = Expression.parse("req > on(job) group_left info").evaluate(c);
        assertThat(v.samples()).containsExactly(
                Sample.of("req", 3, "job", "x", "instance", "1", "team", "old"),
                Sample.of("req", 4, "job", "x", "instance", "2"));
    }

    @Test
    void matchingErrorsFailTheEvaluation() {
        assertThatThrownBy(() -> Expression.parse("a + on(job) b").evaluate(ctx()))
                .isInstanceOf(ExpressionEvaluationException.class)
                .hasMessageContaining("many-to-many matching not allowed");
        assertThatThrownBy(() -> Expression.parse("a + on(job) group_left b").evaluate(ctx()))
                .isInstanceOf(ExpressionEvaluationException.class)
                .hasMessageContaining("found duplicate series for the match group {job=\"x\"} on the right");
        TestContext c = new TestContext().add(A1).add(Sample.of("c", 1, "job", "x", "instance", "1", "e", "1"))
                .add(Sample.of("c", 2, "job", "x", "instance", "1", "e", "2"));
        assertThatThrownBy(() -> Expression.parse("c + ignoring(e) a").evaluate(c))
                .isInstanceOf(ExpressionEvaluationException.class)
                .hasMessage("multiple matches for labels: many-to-one matching must be explicit "
                        + "(group_left/group_right)");
        assertThat(Expression.parse("c + ignoring(e) group_left a * 0").evaluate(c).size()).isEqualTo(2);
        assertThatThrownBy(() -> Expression.parse("c + on(job) group_left(e) a * 0").evaluate(c))
                .isInstanceOf(ExpressionEvaluationException.class).hasMessage(
                        "multiple matches for labels: grouping labels must ensure unique matches");
    }

    /** The forms whose results skip the duplicate check: each result carries no name and a label set of its own. */
    @Test
    void onlyFormsWithDistinctNameFreeResultsSkipTheDuplicateCheck() {
        for (String yes : List.of("sum by (a) (x)", "rate(x[1m])", "rate(x{a=\"1\"}[1m]) * 100", "(sum(x)) > 1",
                "2 * count_values(\"v\", x)", "quantile_over_time(0.5, x[1m])", "rate({job=\"a\"}[1m])",
                "(avg without (b) (x)) >= bool 3")) {
            assertThat(Compiler.distinctWithoutName(Parser.parse(yes))).as(yes).isTrue();
        }
        for (String no : List.of("x", "x * 2", "topk(1, x)", "bottomk(1, x) * 2", "last_over_time(x[1m])",
                "rate(x[1m]) / rate(y[1m])", "max_over_time(rate(x[1m])[5m:1m])", "abs(rate(x[1m]))",
                "rate(x[1m]) and y", "1 + 2", "-sum(x)", "sum by (__name__) (x)", "count_values(\"__name__\", x)", "label_replace(sum(x), \"a\", \"b\", \"c\", \"d\")")) {
            assertThat(Compiler.distinctWithoutName(Parser.parse(no))).as(no).isFalse();
        }
        // a range function over a selector without a fixed name checks its own results
        TestContext c = new TestContext().add(Sample.of("p", 1, "job", "x")).add(Sample.of("q", 2, "job", "x"));
        History h = new History();
        h.configure(60_000, java.util.Set.of(), true);
        h.record(0, new TestContext(java.time.Instant.EPOCH).add(Sample.of("p", 0, "job", "x"))
                .add(Sample.of("q", 0, "job", "x")));
        h.record(30_000, new TestContext(java.time.Instant.ofEpochSecond(30)).add(Sample.of("p", 1, "job", "x"))
                .add(Sample.of("q", 2, "job", "x")));
        TestContext at30 = new TestContext(java.time.Instant.ofEpochSecond(30)).withHistory(h);
        assertThatThrownBy(() -> Expression.parse("rate({job=\"x\"}[1m]) * 100").evaluate(at30))
                .isInstanceOf(ExpressionEvaluationException.class)
                .hasMessage("vector cannot contain metrics with the same labelset");
        assertThat(Expression.parse("sum by (job) ({job=\"x\"}) * 100").evaluate(c).sample(0).value())
                .isEqualTo(300.0);
        // aggregations that keep the name: it is dropped by arithmetic, and equal results are still an error
        assertThat(Expression.parse("sum by (__name__) (p) * 2").evaluate(c).sample(0).labels())
                .isEqualTo(Labels.empty());
        for (String dup : List.of("sum by (__name__) ({job=\"x\"}) * 2", "-sum by (__name__) ({job=\"x\"})",
                "abs(count_values(\"__name__\", {job=\"x\"}))", "count_values(\"__name__\", {job=\"x\"}) > bool 0",
                "{job=\"x\"} + on(__name__, job) {job=\"x\"}", "{job=\"x\"} > bool on(__name__, job) {job=\"x\"}")) {
            assertThatThrownBy(() -> Expression.parse(dup).evaluate(c)).as(dup)
                    .isInstanceOf(ExpressionEvaluationException.class)
                    .hasMessage("vector cannot contain metrics with the same labelset");
        }
        // on(__name__, ...) with a filter keeps the name: two distinct results
        assertThat(Expression.parse("{job=\"x\"} >= on(__name__, job) {job=\"x\"}").evaluate(c).size())
                .isEqualTo(2);
    }

    @Test
    void duplicateLabelSetsAfterDroppingTheNameFailTheEvaluation() {
        TestContext c = new TestContext().add(Sample.of("p", 1, "job", "x")).add(Sample.of("q", 2, "job", "x"));
        assertThat(Expression.parse("{job=\"x\"} > 0").evaluate(c).size()).isEqualTo(2);
        assertThatThrownBy(() -> Expression.parse("{job=\"x\"} * 2").evaluate(c))
                .isInstanceOf(ExpressionEvaluationException.class)
                .hasMessage("vector cannot contain metrics with the same labelset");
        assertThatThrownBy(() -> Expression.parse("abs({job=\"x\"})").evaluate(c))
                .isInstanceOf(ExpressionEvaluationException.class);
        assertThatThrownBy(() -> Expression.parse("label_replace(a, \"instance\", \"\", \"\", \"\")")
                .evaluate(ctx())).isInstanceOf(ExpressionEvaluationException.class);
    }

    @Test
    void timestampOfASelectorIsEachSamplesOwnTimeAndOfAComputedValueTheEvaluationTime() {
        TestContext base = ctx();
        EvalContext timed = new EvalContext() {
            @Override
            public Instant time() {
                return base.time();
            }

            @Override
            public Family family(String metricName) {
                return base.family(metricName);
            }

            @Override
            public long sampleTimeMillis(Labels labels) {
                // instance 1 sampled 30 s before the evaluation, instance 2 at it
                return base.time().toEpochMilli() - ("1".equals(labels.get("instance")) ? 30_000 : 0);
            }
        };
        List<String> out = new ArrayList<>();
        for (String e : List.of("timestamp(a)", "timestamp((a))", "timestamp(a + 0)", "timestamp(-a)")) {
            Vector v = Expression.parse(e).evaluate(timed);
            for (int i = 0; i < v.size(); i++) {
                out.add(e + " " + v.sample(i).labels() + " " + v.sample(i).value());
            }
        }
        assertThat(out).containsExactly(
                "timestamp(a) {instance=\"1\", job=\"x\"} 970.0",
                "timestamp(a) {instance=\"2\", job=\"x\"} 1000.0",
                "timestamp((a)) {instance=\"1\", job=\"x\"} 970.0",
                "timestamp((a)) {instance=\"2\", job=\"x\"} 1000.0",
                "timestamp(a + 0) {instance=\"1\", job=\"x\"} 1000.0",
                "timestamp(a + 0) {instance=\"2\", job=\"x\"} 1000.0",
                "timestamp(-a) {instance=\"1\", job=\"x\"} 1000.0",
                "timestamp(-a) {instance=\"2\", job=\"x\"} 1000.0");
    }

    @Test
    void scalarExpressionsAndTime() {
        assertThat(eval("time()")).containsExactly("{} 1000.0");
        assertThat(eval("time() - 10 * 2")).containsExactly("{} 980.0");
        assertThat(eval("scalar(b{instance=\"1\"}) + 1")).containsExactly("{} 3.0 held");
        assertThat(eval("vector(time() / 100)")).containsExactly("{} 10.0");
        assertThat(eval("timestamp(a)")).containsExactly("{instance=\"1\", job=\"x\"} 1000.0",
                "{instance=\"2\", job=\"x\"} 1000.0 held");
    }

    @Test
    void unaryMinusOnVectors() {
        assertThat(eval("-a")).containsExactly("{instance=\"1\", job=\"x\"} -10.0",
                "{instance=\"2\", job=\"x\"} -20.0 held");
        assertThat(eval("+a")).containsExactly("{__name__=\"a\", instance=\"1\", job=\"x\"} 10.0",
                "{__name__=\"a\", instance=\"2\", job=\"x\"} 20.0 held");
    }

    @Test
    void absentGivesLabelsOfEqualityMatchers() {
        assertThat(eval("absent(a)")).isEmpty();
        assertThat(eval("absent(nope{job=\"x\", instance=~\"1\", env=\"p\", env=\"q\"})"))
                .containsExactly("{job=\"x\"} 1.0");
        assertThat(eval("absent(a{job=\"nope\"})")).containsExactly("{job=\"nope\"} 1.0");
    }

    @Test
    void labelFunctions() {
        assertThat(eval("label_replace(a{instance=\"1\"}, \"dst\", \"<$1>\", \"job\", \"(x)\")"))
                .containsExactly("{__name__=\"a\", dst=\"<x>\", instance=\"1\", job=\"x\"} 10.0");
        assertThat(eval("label_replace(a{instance=\"1\"}, \"job\", \"\", \"job\", \".*\")"))
                .containsExactly("{__name__=\"a\", instance=\"1\"} 10.0");
        assertThat(eval("label_join(a{instance=\"1\"}, \"j\", \"-\", \"instance\", \"missing\", \"job\")"))
                .containsExactly("{__name__=\"a\", instance=\"1\", j=\"1--x\", job=\"x\"} 10.0");
    }

    @Test
    void badStaticArgumentsAreRejectedWhenParsing() {
        assertThatThrownBy(() -> Expression.parse("label_replace(a, \"d\", \"\", \"s\", \"(\")"))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("invalid regular expression in label_replace(): (");
        assertThatThrownBy(() -> Expression.parse("label_replace(a, \"1d\", \"\", \"s\", \"x\")"))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("invalid destination label name in label_replace(): 1d");
        assertThatThrownBy(() -> Expression.parse("label_join(a, \"d\", \",\", \"a-b\")"))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("invalid source label name in label_join(): a-b");
        assertThatThrownBy(() -> Expression.parse("count_values(\"a b\", a)"))
                .isInstanceOf(ExpressionException.class).hasMessageContaining("invalid label name \"a b\"");
    }

    @Test
    void histogramQuantileInterpolatesWithinBuckets() {
        TestContext c = new TestContext()
                .add(Sample.of("h_bucket", 10, "le", "1", "job", "x"))
                .add(Sample.of("h_bucket", 30, "le", "2", "job", "x"))
                .add(Sample.of("h_bucket", 40, "le", "+Inf", "job", "x"))
                .add(Sample.of("h_bucket", 7, "le", "+Inf", "job", "y"))
                .add(Sample.of("h_bucket", 7, "job", "z"));
        Vector v = Expression.parse("histogram_quantile(0.5, h_bucket)").evaluate(c);
        // x: rank 20 lies in (1, 2], 10 of 20 observations in -> 1.5; y: one bucket only -> NaN
        assertThat(v.samples()).hasSize(2);
        assertThat(v.sample(0)).isEqualTo(new Sample(Labels.of("job", "x"), 1.5));
        assertThat(v.sample(1).labels()).isEqualTo(Labels.of("job", "y"));
        assertThat(v.sample(1).value()).isNaN();
        assertThat(Expression.parse("histogram_quantile(0.9, h_bucket{job=\"x\"})").evaluate(c).sample(0).value())
                .isEqualTo(2.0);
    }

    @Test
    void roundAndClamp() {
        assertThat(eval("round(a / 3)")).containsExactly("{instance=\"1\", job=\"x\"} 3.0",
                "{instance=\"2\", job=\"x\"} 7.0 held");
        assertThat(eval("round(-a / 4)")).containsExactly("{instance=\"1\", job=\"x\"} -2.0",
                "{instance=\"2\", job=\"x\"} -5.0 held");
        assertThat(eval("clamp(a, 12, 15)")).containsExactly("{instance=\"1\", job=\"x\"} 12.0",
                "{instance=\"2\", job=\"x\"} 15.0 held");
    }

    @Test
    void sortOrdersByValue() {
        assertThat(eval("sort_desc(a)")).containsExactly("{__name__=\"a\", instance=\"2\", job=\"x\"} 20.0 held",
                "{__name__=\"a\", instance=\"1\", job=\"x\"} 10.0");
        assertThat(eval("sort(a)")).containsExactly("{__name__=\"a\", instance=\"1\", job=\"x\"} 10.0",
                "{__name__=\"a\", instance=\"2\", job=\"x\"} 20.0 held");
    }
}
