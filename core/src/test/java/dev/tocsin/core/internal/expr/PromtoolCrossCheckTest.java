package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * Instant-vector expressions whose expected results were produced by {@code promtool test rules} (Prometheus 2.42)
 * on the same input series, evaluated at time 0 (the file used is reproduced in the comment below). The test does
 * not run promtool.
 *
 * <pre>
 * a{job="x",instance="1"} 10   a{job="x",instance="2"} 20   a{job="y",instance="3"} 30
 * b{job="x",instance="1"} 2    b{job="x",instance="2"} 5
 * c{job="x",team="t1"} 100     c{job="y",team="t2"} 200
 * h_bucket{job="x"}: le 0.1 -> 1, 0.5 -> 3, 1 -> 2, +Inf -> 10
 * d{job="x"}: instance 1 NaN, 2 +Inf, 3 -Inf, 4 0.1
 * e{job="x",instance="1"} 1   e{job="x",instance="1",extra="q"} 2
 * h2_bucket{job="z"}: le 1 -> 0, +Inf -> 0
 * h3_bucket{job="z"}: le -1 -> 5, 2 -> 8, 2.0 -> 1, +Inf -> 10
 * h4_bucket{job="z"}: le abc -> 10, 0x1p-2 -> 3, inf -> 10
 * </pre>
 */
class PromtoolCrossCheckTest {

    private static TestContext ctx() {
        return new TestContext(Instant.EPOCH)
                .add(Sample.of("a", 10, "job", "x", "instance", "1"))
                .add(Sample.of("a", 20, "job", "x", "instance", "2"))
                .add(Sample.of("a", 30, "job", "y", "instance", "3"))
                .add(Sample.of("b", 2, "job", "x", "instance", "1"))
                .add(Sample.of("b", 5, "job", "x", "instance", "2"))
                .add(Sample.of("c", 100, "job", "x", "team", "t1"))
                .add(Sample.of("c", 200, "job", "y", "team", "t2"))
                .add(Sample.of("h_bucket", 1, "job", "x", "le", "0.1"))
                .add(Sample.of("h_bucket", 3, "job", "x", "le", "0.5"))
                .add(Sample.of("h_bucket", 2, "job", "x", "le", "1"))
                .add(Sample.of("h_bucket", 10, "job", "x", "le", "+Inf"))
                .add(Sample.of("d", Double.NaN, "job", "x", "instance", "1"))
                .add(Sample.of("d", Double.POSITIVE_INFINITY, "job", "x", "instance", "2"))
                .add(Sample.of("d", Double.NEGATIVE_INFINITY, "job", "x", "instance", "3"))
                .add(Sample.of("d", 0.1, "job", "x", "instance", "4"))
                .add(Sample.of("e", 1, "job", "x", "instance", "1"))
                .add(Sample.of("e", 2, "job", "x", "instance", "1", "extra", "q"))
                .add(Sample.of("h2_bucket", 0, "job", "z", "le", "1"))
                .add(Sample.of("h2_bucket", 0, "job", "z", "le", "+Inf"))
                .add(Sample.of("h3_bucket", 5, "job", "z", "le", "-1"))
                .add(Sample.of("h3_bucket", 8, "job", "z", "le", "2"))
                .add(Sample.of("h3_bucket", 1, "job", "z", "le", "2.0"))
                .add(Sample.of("h3_bucket", 10, "job", "z", "le", "+Inf"))
                .add(Sample.of("h4_bucket", 10, "job", "z", "le", "abc"))
                .add(Sample.of("h4_bucket", 3, "job", "z", "le", "0x1p-2"))
                .add(Sample.of("h4_bucket", 10, "job", "z", "le", "inf"));
    }

    private static void check(String expr, String... expected) {
        checkIn(ctx(), expr, expected);
    }

    private static TestContext math() {
        return new TestContext(Instant.EPOCH)
                .add(Sample.of("m", 0.5, "k", "a"))
                .add(Sample.of("m", -2, "k", "b"))
                .add(Sample.of("m", 8, "k", "c"))
                .add(Sample.of("m", 1_700_000_000, "k", "d"))
                .add(Sample.of("m", 951_782_400, "k", "e"));
    }

    private static void checkIn(TestContext c, String expr, String... expected) {
        Map<String, Double> want = new TreeMap<>();
        for (String e : expected) {
            int sp = e.lastIndexOf(' ');
            want.put(e.substring(0, sp), Double.parseDouble(e.substring(sp + 1).replace("Inf", "Infinity")));
        }
        Map<String, Double> got = new TreeMap<>();
        for (Sample s : Expression.parse(expr).evaluate(c).samples()) {
            assertThat(got.put(s.labels().toString(), s.value())).as(expr).isNull();
        }
        assertThat(got.keySet()).as(expr).containsExactlyElementsOf(want.keySet());
        for (Map.Entry<String, Double> e : want.entrySet()) {
            double w = e.getValue();
            double g = got.get(e.getKey());
            if (Double.isNaN(w) || Double.isInfinite(w)) {
                assertThat(Double.valueOf(g)).as(expr + " " + e.getKey()).isEqualTo(Double.valueOf(w));
            } else {
                assertThat(g).as(expr + " " + e.getKey()).isCloseTo(w,
                        org.assertj.core.data.Offset.offset(1e-12 * Math.max(1, Math.abs(w))));
            }
        }
    }

    private static void error(String expr, String message) {
        // the two series named after "operation: [" appear in Go's map iteration order: compare up to there
        int cut = message.indexOf(": [");
        String expected = cut < 0 ? message : message.substring(0, cut);
        assertThatThrownBy(() -> Expression.parse(expr).evaluate(ctx()))
                .isInstanceOf(ExpressionEvaluationException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).startsWith(expected);
                    if (cut >= 0) {
                        assertThat(e.getMessage()).endsWith(message.substring(message.indexOf("];")));
                    }
                });
    }

    @Test
    void matchesPromtool() {
        check("a / b", "{instance=\"1\", job=\"x\"} 5E+00", "{instance=\"2\", job=\"x\"} 4E+00");
        check("a > b", "{__name__=\"a\", instance=\"1\", job=\"x\"} 1E+01", "{__name__=\"a\", instance=\"2\", job=\"x\"} 2E+01");
        check("a > bool b", "{instance=\"1\", job=\"x\"} 1E+00", "{instance=\"2\", job=\"x\"} 1E+00");
        check("a + on(job) group_left(team) c", "{instance=\"1\", job=\"x\", team=\"t1\"} 1.1E+02", "{instance=\"2\", job=\"x\", team=\"t1\"} 1.2E+02", "{instance=\"3\", job=\"y\", team=\"t2\"} 2.3E+02");
        check("c - on(job) group_right a", "{instance=\"1\", job=\"x\"} 9E+01", "{instance=\"2\", job=\"x\"} 8E+01", "{instance=\"3\", job=\"y\"} 1.7E+02");
        check("a >= on(instance) b", "{instance=\"1\"} 1E+01", "{instance=\"2\"} 2E+01");
        check("a == bool 10", "{instance=\"1\", job=\"x\"} 1E+00", "{instance=\"2\", job=\"x\"} 0E+00", "{instance=\"3\", job=\"y\"} 0E+00");
        check("a * 2", "{instance=\"1\", job=\"x\"} 2E+01", "{instance=\"2\", job=\"x\"} 4E+01", "{instance=\"3\", job=\"y\"} 6E+01");
        check("-a", "{instance=\"1\", job=\"x\"} -1E+01", "{instance=\"2\", job=\"x\"} -2E+01", "{instance=\"3\", job=\"y\"} -3E+01");
        check("a and b", "{__name__=\"a\", instance=\"1\", job=\"x\"} 1E+01", "{__name__=\"a\", instance=\"2\", job=\"x\"} 2E+01");
        check("a or b", "{__name__=\"a\", instance=\"1\", job=\"x\"} 1E+01", "{__name__=\"a\", instance=\"2\", job=\"x\"} 2E+01", "{__name__=\"a\", instance=\"3\", job=\"y\"} 3E+01");
        check("a unless b", "{__name__=\"a\", instance=\"3\", job=\"y\"} 3E+01");
        check("a atan2 b", "{__name__=\"a\", instance=\"1\", job=\"x\"} 1.3734007669450157E+00", "{__name__=\"a\", instance=\"2\", job=\"x\"} 1.3258176636680323E+00");
        check("sum by (job) (a)", "{job=\"x\"} 3E+01", "{job=\"y\"} 3E+01");
        check("avg without (instance) (a)", "{job=\"x\"} 1.5E+01", "{job=\"y\"} 3E+01");
        check("stddev(a)", "{} 8.16496580927726E+00");
        check("stdvar by (job) (a)", "{job=\"x\"} 2.5E+01", "{job=\"y\"} 0E+00");
        check("topk(1, a)", "{__name__=\"a\", instance=\"3\", job=\"y\"} 3E+01");
        check("bottomk by (job) (1, a)", "{__name__=\"a\", instance=\"1\", job=\"x\"} 1E+01", "{__name__=\"a\", instance=\"3\", job=\"y\"} 3E+01");
        check("quantile(0.3, a)", "{} 1.6E+01");
        check("count_values(\"v\", b)", "{v=\"2\"} 1E+00", "{v=\"5\"} 1E+00");
        check("count_values without (instance) (\"v\", a)", "{job=\"x\", v=\"10\"} 1E+00", "{job=\"x\", v=\"20\"} 1E+00", "{job=\"y\", v=\"30\"} 1E+00");
        check("histogram_quantile(0.5, h_bucket)", "{job=\"x\"} 1E+00");
        check("histogram_quantile(0.99, h_bucket)", "{job=\"x\"} 1E+00");
        check("histogram_quantile(0.05, h_bucket)", "{job=\"x\"} 5E-02");
        check("label_replace(a, \"foo\", \"$1-${2}x$3\", \"instance\", \"(.)(.*)\")", "{__name__=\"a\", foo=\"1-x\", instance=\"1\", job=\"x\"} 1E+01", "{__name__=\"a\", foo=\"2-x\", instance=\"2\", job=\"x\"} 2E+01", "{__name__=\"a\", foo=\"3-x\", instance=\"3\", job=\"y\"} 3E+01");
        check("label_join(a, \"foo\", \",\", \"job\", \"instance\")", "{__name__=\"a\", foo=\"x,1\", instance=\"1\", job=\"x\"} 1E+01", "{__name__=\"a\", foo=\"x,2\", instance=\"2\", job=\"x\"} 2E+01", "{__name__=\"a\", foo=\"y,3\", instance=\"3\", job=\"y\"} 3E+01");
        check("absent(nope{job=\"x\",a=~\"b\"})", "{job=\"x\"} 1E+00");
        check("clamp(a, 15, 25)", "{instance=\"1\", job=\"x\"} 1.5E+01", "{instance=\"2\", job=\"x\"} 2E+01", "{instance=\"3\", job=\"y\"} 2.5E+01");
        check("round(a / 3, 0.5)", "{instance=\"1\", job=\"x\"} 3.5E+00", "{instance=\"2\", job=\"x\"} 6.5E+00", "{instance=\"3\", job=\"y\"} 1E+01");
        check("scalar(b{instance=\"1\"}) * a", "{instance=\"1\", job=\"x\"} 2E+01", "{instance=\"2\", job=\"x\"} 4E+01", "{instance=\"3\", job=\"y\"} 6E+01");
        check("timestamp(a)", "{instance=\"1\", job=\"x\"} 0E+00", "{instance=\"2\", job=\"x\"} 0E+00", "{instance=\"3\", job=\"y\"} 0E+00");
        check("vector(time())", "{} 0E+00");
        check("2 ^ 0.5 + 7 % 3", "{} 2.414213562373095E+00");
        check("a % 7 ^ 2", "{instance=\"1\", job=\"x\"} 1E+01", "{instance=\"2\", job=\"x\"} 2E+01", "{instance=\"3\", job=\"y\"} 3E+01");
        check("a / on() group_left b{instance=\"1\"}", "{instance=\"1\", job=\"x\"} 5E+00", "{instance=\"2\", job=\"x\"} 1E+01", "{instance=\"3\", job=\"y\"} 1.5E+01");
        check("a + b", "{instance=\"1\", job=\"x\"} 1.2E+01", "{instance=\"2\", job=\"x\"} 2.5E+01");
        error("label_replace(a, \"instance\", \"\", \"\", \"\")", "vector cannot contain metrics with the same labelset");
    }

    @Test
    void matchesPromtoolOnMatchingModifiersAndPrecedence() {
        check("a > on(job) group_left c");
        check("c > on(job) group_right a", "{__name__=\"a\", instance=\"1\", job=\"x\"} 1E+02", "{__name__=\"a\", instance=\"2\", job=\"x\"} 1E+02", "{__name__=\"a\", instance=\"3\", job=\"y\"} 2E+02");
        check("a == bool on(job) group_left(team) c", "{instance=\"1\", job=\"x\", team=\"t1\"} 0E+00", "{instance=\"2\", job=\"x\", team=\"t1\"} 0E+00", "{instance=\"3\", job=\"y\", team=\"t2\"} 0E+00");
        check("count_values by (job) (\"v\", a)", "{job=\"x\", v=\"10\"} 1E+00", "{job=\"x\", v=\"20\"} 1E+00", "{job=\"y\", v=\"30\"} 1E+00");
        check("topk by (job) (1, d)", "{__name__=\"d\", instance=\"2\", job=\"x\"} +Inf");
        check("quantile by (job) (0.9, a)", "{job=\"x\"} 1.9E+01", "{job=\"y\"} 3E+01");
        check("max by (instance) (d)", "{instance=\"1\"} NaN", "{instance=\"2\"} +Inf", "{instance=\"3\"} -Inf", "{instance=\"4\"} 1E-01");
        check("e - ignoring(extra) group_left a", "{extra=\"q\", instance=\"1\", job=\"x\"} -8E+00", "{instance=\"1\", job=\"x\"} -9E+00");
        check("a / on(instance) group_left(job) b", "{instance=\"1\", job=\"x\"} 5E+00", "{instance=\"2\", job=\"x\"} 4E+00");
        check("-(-a)", "{instance=\"1\", job=\"x\"} 1E+01", "{instance=\"2\", job=\"x\"} 2E+01", "{instance=\"3\", job=\"y\"} 3E+01");
        check("abs(a - 15) > 4", "{instance=\"1\", job=\"x\"} 5E+00", "{instance=\"2\", job=\"x\"} 5E+00", "{instance=\"3\", job=\"y\"} 1.5E+01");
        check("sum(a) by (job) / on(job) group_left sum(b) by (job)", "{job=\"x\"} 4.285714285714286E+00");
        check("histogram_quantile(0.5, sum by (le) (h_bucket))", "{} 1E+00");
        check("label_replace(a, \"x\", \"$1$2\", \"instance\", \"(1)|(2)\")", "{__name__=\"a\", instance=\"1\", job=\"x\", x=\"1\"} 1E+01", "{__name__=\"a\", instance=\"2\", job=\"x\", x=\"2\"} 2E+01", "{__name__=\"a\", instance=\"3\", job=\"y\"} 3E+01");
        check("a ^ 2 ^ 0.5", "{instance=\"1\", job=\"x\"} 2.595455351947009E+01", "{instance=\"2\", job=\"x\"} 6.917262628855568E+01", "{instance=\"3\", job=\"y\"} 1.2273400656723119E+02");
        check("-a ^ 2", "{instance=\"1\", job=\"x\"} -1E+02", "{instance=\"2\", job=\"x\"} -4E+02", "{instance=\"3\", job=\"y\"} -9E+02");
    }

    /**
     * Found by a differential run against promtool (2026-11-26): Prometheus returns nothing, without a cardinality
     * error, when either side of a vector operation is empty; and refuses a {@code topk} / {@code bottomk} k that
     * does not convert to an int64 (NaN, infinities, 2^63 and beyond), even over an empty vector.
     */
    @Test
    void matchesPromtoolOnEmptySidesAndTopkBounds() {
        // a has two series of job x: duplicates for on(job), but the other side is empty
        check("nosuch * on(job) a");
        check("a * on(job) nosuch");
        check("nosuch == bool on(job) a");
        check("a * on(job) group_right a{job=\"none\"}");
        check("a{job=\"none\"} * on(job) group_left a");
        error("a * on(job) a{job=\"x\"}", "found duplicate series for the match group {job=\"x\"} on the right hand-side of the operation: [{__name__=\"a\", instance=\"1\", job=\"x\"}, {__name__=\"a\", instance=\"2\", job=\"x\"}];many-to-many matching not allowed: matching labels must be unique on one side");
        error("topk(NaN, a)", "Scalar value NaN overflows int64");
        error("bottomk(-Inf, nosuch)", "Scalar value -Inf overflows int64");
        error("topk(1e19, nosuch)", "Scalar value 1e+19 overflows int64");
        error("topk(9.3e18, a)", "Scalar value 9.3e+18 overflows int64");
        error("topk(9223372036854775808, nosuch)", "Scalar value 9.223372036854776e+18 overflows int64");
        error("topk by (job) (scalar(nosuch), a)", "Scalar value NaN overflows int64");
        check("topk(9223372036854774784, a{job=\"y\"})", "{__name__=\"a\", instance=\"3\", job=\"y\"} 3E+01");
        check("topk(-9223372036854775808, a)");
        check("bottomk(1.9, a)", "{__name__=\"a\", instance=\"1\", job=\"x\"} 1E+01");
    }

    /**
     * Also found by the differential run: Go's math.Max / math.Min in {@code clamp} (an infinity wins over a NaN
     * bound), the operand of {@code topk(0, ...)} and of {@code clamp} with min above max evaluated all the same (its
     * errors count), and {@code absent} of a parenthesised selector taking the selector's labels.
     */
    @Test
    void matchesPromtoolOnClampBoundsSkippedOperandsAndParenthesisedAbsent() {
        check("clamp_min(d, NaN)", "{instance=\"1\", job=\"x\"} NaN", "{instance=\"2\", job=\"x\"} +Inf", "{instance=\"3\", job=\"x\"} NaN", "{instance=\"4\", job=\"x\"} NaN");
        check("clamp_max(d, NaN)", "{instance=\"1\", job=\"x\"} NaN", "{instance=\"2\", job=\"x\"} NaN", "{instance=\"3\", job=\"x\"} -Inf", "{instance=\"4\", job=\"x\"} NaN");
        check("clamp(d, 1, NaN)", "{instance=\"1\", job=\"x\"} NaN", "{instance=\"2\", job=\"x\"} NaN", "{instance=\"3\", job=\"x\"} 1E+00", "{instance=\"4\", job=\"x\"} NaN");
        check("clamp_min(d, -Inf)", "{instance=\"1\", job=\"x\"} NaN", "{instance=\"2\", job=\"x\"} +Inf", "{instance=\"3\", job=\"x\"} -Inf", "{instance=\"4\", job=\"x\"} 1E-01");
        String duplicate = "found duplicate series for the match group {job=\"x\"} on the right hand-side of the operation: [{__name__=\"a\", instance=\"2\", job=\"x\"}, {__name__=\"a\", instance=\"1\", job=\"x\"}];many-to-many matching not allowed: matching labels must be unique on one side";
        error("topk(0, a + on(job) a)", duplicate);
        error("bottomk(-1, a + on(job) a)", duplicate);
        error("clamp(a + on(job) a, 5, 1)", duplicate);
        error("topk(NaN, a + on(job) a)", duplicate);
        error("absent(topk(0, a + on(job) a))", duplicate);
        check("topk(0, nosuch + on(job) a)");
        check("clamp(a, 5, 1)");
        // min above max returns nothing: the operand's samples are never renamed, so they cannot collide
        check("clamp(count_values(\"__name__\", a), 5, 1)");
        error("clamp(count_values(\"__name__\", a), 1, 5)", "vector cannot contain metrics with the same labelset");
        check("absent((nosuch{job=\"x\"}))", "{job=\"x\"} 1E+00");
        check("absent((nosuch{job=\"x\"} offset 1m))", "{job=\"x\"} 1E+00");
        check("absent_over_time((nosuch{job=\"x\"}[1m]))", "{job=\"x\"} 1E+00");
    }

    @Test
    void matchesPromtoolOnCornerCases() {
        error("a + on(job) b", "found duplicate series for the match group {job=\"x\"} on the right hand-side of the operation: [{__name__=\"b\", instance=\"1\", job=\"x\"}, {__name__=\"b\", instance=\"2\", job=\"x\"}];many-to-many matching not allowed: matching labels must be unique on one side");
        check("a + ignoring(instance) group_left c");
        error("a + on(job) group_left b", "found duplicate series for the match group {job=\"x\"} on the right hand-side of the operation: [{__name__=\"b\", instance=\"1\", job=\"x\"}, {__name__=\"b\", instance=\"2\", job=\"x\"}];many-to-many matching not allowed: matching labels must be unique on one side");
        error("e + ignoring(extra) a", "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
        check("topk(2, d)", "{__name__=\"d\", instance=\"2\", job=\"x\"} +Inf", "{__name__=\"d\", instance=\"4\", job=\"x\"} 1E-01");
        check("bottomk(2, d)", "{__name__=\"d\", instance=\"3\", job=\"x\"} -Inf", "{__name__=\"d\", instance=\"4\", job=\"x\"} 1E-01");
        check("sort_desc(d)", "{__name__=\"d\", instance=\"1\", job=\"x\"} NaN", "{__name__=\"d\", instance=\"2\", job=\"x\"} +Inf", "{__name__=\"d\", instance=\"3\", job=\"x\"} -Inf", "{__name__=\"d\", instance=\"4\", job=\"x\"} 1E-01");
        check("max(d)", "{} +Inf");
        check("min(d)", "{} -Inf");
        check("avg(d)", "{} NaN");
        check("sum(d)", "{} NaN");
        check("quantile(0.5, d)", "{} -Inf");
        check("quantile(-1, a)", "{} -Inf");
        check("quantile(2, a)", "{} +Inf");
        check("count_values(\"v\", d)", "{v=\"+Inf\"} 1E+00", "{v=\"-Inf\"} 1E+00", "{v=\"0.1\"} 1E+00", "{v=\"NaN\"} 1E+00");
        check("d == d", "{__name__=\"d\", instance=\"2\", job=\"x\"} +Inf", "{__name__=\"d\", instance=\"3\", job=\"x\"} -Inf", "{__name__=\"d\", instance=\"4\", job=\"x\"} 1E-01");
        check("d != bool d", "{instance=\"1\", job=\"x\"} 1E+00", "{instance=\"2\", job=\"x\"} 0E+00", "{instance=\"3\", job=\"x\"} 0E+00", "{instance=\"4\", job=\"x\"} 0E+00");
        check("histogram_quantile(0.5, h2_bucket)", "{job=\"z\"} NaN");
        check("histogram_quantile(0.1, h3_bucket)", "{job=\"z\"} -1E+00");
        check("histogram_quantile(0.75, h3_bucket)", "{job=\"z\"} 8.75E-01");
        check("histogram_quantile(0.5, h4_bucket)", "{job=\"z\"} 2.5E-01");
        check("histogram_quantile(NaN, h3_bucket)", "{job=\"z\"} NaN");
        check("histogram_quantile(1.5, h3_bucket)", "{job=\"z\"} +Inf");
        check("clamp(a, 30, 10)");
        check("clamp_max(d, 1)", "{instance=\"1\", job=\"x\"} NaN", "{instance=\"2\", job=\"x\"} 1E+00", "{instance=\"3\", job=\"x\"} -Inf", "{instance=\"4\", job=\"x\"} 1E-01");
        check("clamp_min(d, 1)", "{instance=\"1\", job=\"x\"} NaN", "{instance=\"2\", job=\"x\"} +Inf", "{instance=\"3\", job=\"x\"} 1E+00", "{instance=\"4\", job=\"x\"} 1E+00");
        check("label_replace(a, \"foo\", \"$0$$x${1}$bad\", \"job\", \"(?P<bad>.)\")", "{__name__=\"a\", foo=\"x$xxx\", instance=\"1\", job=\"x\"} 1E+01", "{__name__=\"a\", foo=\"x$xxx\", instance=\"2\", job=\"x\"} 2E+01", "{__name__=\"a\", foo=\"y$xyy\", instance=\"3\", job=\"y\"} 3E+01");
        check("label_replace(a, \"foo\", \"$1\", \"job\", \"nomatch\")", "{__name__=\"a\", instance=\"1\", job=\"x\"} 1E+01", "{__name__=\"a\", instance=\"2\", job=\"x\"} 2E+01", "{__name__=\"a\", instance=\"3\", job=\"y\"} 3E+01");
        check("label_replace(a, \"__name__\", \"new\", \"\", \"\")", "{__name__=\"new\", instance=\"1\", job=\"x\"} 1E+01", "{__name__=\"new\", instance=\"2\", job=\"x\"} 2E+01", "{__name__=\"new\", instance=\"3\", job=\"y\"} 3E+01");
        check("absent(a)");
        check("absent(nope{job=\"x\",job=\"y\"})", "{} 1E+00");
        check("absent(sum(nope))", "{} 1E+00");
        error("vector(1) + on() group_left a", "found duplicate series for the match group {} on the right hand-side of the operation: [{__name__=\"a\", instance=\"3\", job=\"y\"}, {__name__=\"a\", instance=\"1\", job=\"x\"}];many-to-many matching not allowed: matching labels must be unique on one side");
        error("a + on(job) group_right b", "found duplicate series for the match group {job=\"x\"} on the left hand-side of the operation: [{__name__=\"a\", instance=\"2\", job=\"x\"}, {__name__=\"a\", instance=\"1\", job=\"x\"}];many-to-many matching not allowed: matching labels must be unique on one side");
        error("b / ignoring(instance) group_left a", "found duplicate series for the match group {job=\"x\"} on the right hand-side of the operation: [{__name__=\"a\", instance=\"2\", job=\"x\"}, {__name__=\"a\", instance=\"1\", job=\"x\"}];many-to-many matching not allowed: matching labels must be unique on one side");
        check("a and on(job) c", "{__name__=\"a\", instance=\"1\", job=\"x\"} 1E+01", "{__name__=\"a\", instance=\"2\", job=\"x\"} 2E+01", "{__name__=\"a\", instance=\"3\", job=\"y\"} 3E+01");
        check("a unless on(job) c{job=\"y\"}", "{__name__=\"a\", instance=\"1\", job=\"x\"} 1E+01", "{__name__=\"a\", instance=\"2\", job=\"x\"} 2E+01");
        check("c or on(job) a", "{__name__=\"c\", job=\"x\", team=\"t1\"} 1E+02", "{__name__=\"c\", job=\"y\", team=\"t2\"} 2E+02");
        check("-1 ^ (1/0)", "{} -1E+00");
        check("1 ^ NaN", "{} 1E+00");
        check("0 / 0 == bool 0", "{} 0E+00");
        check("avg(a) without (instance)", "{job=\"x\"} 1.5E+01", "{job=\"y\"} 3E+01");
        check("count by (job) (a)", "{job=\"x\"} 2E+00", "{job=\"y\"} 1E+00");
        check("group by (job) (a)", "{job=\"x\"} 1E+00", "{job=\"y\"} 1E+00");
        check("sum by (instance) (a) * 0 + 1", "{instance=\"1\"} 1E+00", "{instance=\"2\"} 1E+00", "{instance=\"3\"} 1E+00");
        check("scalar(a)", "{} NaN");
        check("scalar(nope)", "{} NaN");
        check("round(d)", "{instance=\"1\", job=\"x\"} NaN", "{instance=\"2\", job=\"x\"} +Inf", "{instance=\"3\", job=\"x\"} -Inf", "{instance=\"4\", job=\"x\"} 0E+00");
        check("ceil(-a / 3)", "{instance=\"1\", job=\"x\"} -3E+00", "{instance=\"2\", job=\"x\"} -6E+00", "{instance=\"3\", job=\"y\"} -1E+01");
        check("floor(d)", "{instance=\"1\", job=\"x\"} NaN", "{instance=\"2\", job=\"x\"} +Inf", "{instance=\"3\", job=\"x\"} -Inf", "{instance=\"4\", job=\"x\"} 0E+00");
        check("abs(-d)", "{instance=\"1\", job=\"x\"} NaN", "{instance=\"2\", job=\"x\"} +Inf", "{instance=\"3\", job=\"x\"} +Inf", "{instance=\"4\", job=\"x\"} 1E-01");
        check("sqrt(a)", "{instance=\"1\", job=\"x\"} 3.1622776601683795E+00", "{instance=\"2\", job=\"x\"} 4.47213595499958E+00", "{instance=\"3\", job=\"y\"} 5.477225575051661E+00");
        check("5 % -3 + -5 % 3", "{} 0E+00");
        check("topk(0, a)");
        check("topk(-1, a)");
        check("topk(2.9, a)", "{__name__=\"a\", instance=\"2\", job=\"x\"} 2E+01", "{__name__=\"a\", instance=\"3\", job=\"y\"} 3E+01");
        check("quantile(NaN, a)", "{} NaN");
        check("stddev(d)", "{} NaN");
        check("count_values(\"le\", a)", "{le=\"10\"} 1E+00", "{le=\"20\"} 1E+00", "{le=\"30\"} 1E+00");
        check("sum without (__name__) (a)", "{instance=\"1\", job=\"x\"} 1E+01", "{instance=\"2\", job=\"x\"} 2E+01", "{instance=\"3\", job=\"y\"} 3E+01");
        check("avg by (job) (d)", "{job=\"x\"} NaN");
        check("a - a", "{instance=\"1\", job=\"x\"} 0E+00", "{instance=\"2\", job=\"x\"} 0E+00", "{instance=\"3\", job=\"y\"} 0E+00");
        check("(a + b) > bool 12", "{instance=\"1\", job=\"x\"} 0E+00", "{instance=\"2\", job=\"x\"} 1E+00");
    }

    /** Input: m{k="a"} 0.5, m{k="b"} -2, m{k="c"} 8, m{k="d"} 1700000000, m{k="e"} 951782400, at time 0. */
    @Test
    void mathAndDateFunctionsMatchPromtool() {
        checkIn(math(), "sgn(m)", "{k=\"a\"} 1E+00", "{k=\"b\"} -1E+00", "{k=\"c\"} 1E+00", "{k=\"d\"} 1E+00", "{k=\"e\"} 1E+00");
        checkIn(math(), "exp(m{k!=\"d\",k!=\"e\"})", "{k=\"a\"} 1.6487212707001282E+00", "{k=\"b\"} 1.353352832366127E-01", "{k=\"c\"} 2.9809579870417283E+03");
        checkIn(math(), "ln(m)", "{k=\"a\"} -6.931471805599453E-01", "{k=\"b\"} NaN", "{k=\"c\"} 2.0794415416798357E+00", "{k=\"d\"} 2.1253894088008582E+01", "{k=\"e\"} 2.0673846995200638E+01");
        checkIn(math(), "log2(m)", "{k=\"a\"} -1E+00", "{k=\"b\"} NaN", "{k=\"c\"} 3E+00", "{k=\"d\"} 3.0662887600349237E+01", "{k=\"e\"} 2.9826056536073157E+01");
        checkIn(math(), "log10(m)", "{k=\"a\"} -3.010299956639812E-01", "{k=\"b\"} NaN", "{k=\"c\"} 9.030899869919435E-01", "{k=\"d\"} 9.230448921378274E+00", "{k=\"e\"} 8.97853766972776E+00");
        checkIn(math(), "deg(m)", "{k=\"a\"} 2.864788975654116E+01", "{k=\"b\"} -1.1459155902616465E+02", "{k=\"c\"} 4.583662361046586E+02", "{k=\"d\"} 9.740282517223994E+10", "{k=\"e\"} 5.453311453483232E+10");
        checkIn(math(), "rad(m)", "{k=\"a\"} 8.726646259971648E-03", "{k=\"b\"} -3.490658503988659E-02", "{k=\"c\"} 1.3962634015954636E-01", "{k=\"d\"} 2.9670597283903603E+07", "{k=\"e\"} 1.6611736642533679E+07");
        checkIn(math(), "sin(m)", "{k=\"a\"} 4.79425538604203E-01", "{k=\"b\"} -9.092974268256816E-01", "{k=\"c\"} 9.893582466233817E-01", "{k=\"d\"} 9.992359103362585E-01", "{k=\"e\"} -9.651642519451306E-01");
        checkIn(math(), "cos(m)", "{k=\"a\"} 8.775825618903728E-01", "{k=\"b\"} -4.161468365471424E-01", "{k=\"c\"} -1.4550003380861354E-01", "{k=\"d\"} -3.908446615304646E-02", "{k=\"e\"} -2.616447338801157E-01");
        checkIn(math(), "tan(m)", "{k=\"a\"} 5.463024898437905E-01", "{k=\"b\"} 2.185039863261519E+00", "{k=\"c\"} -6.799711455220378E+00", "{k=\"d\"} -2.5566062650656736E+01", "{k=\"e\"} 3.6888350001623342E+00");
        checkIn(math(), "asin(m)", "{k=\"a\"} 5.235987755982989E-01", "{k=\"b\"} NaN", "{k=\"c\"} NaN", "{k=\"d\"} NaN", "{k=\"e\"} NaN");
        checkIn(math(), "acos(m)", "{k=\"a\"} 1.0471975511965976E+00", "{k=\"b\"} NaN", "{k=\"c\"} NaN", "{k=\"d\"} NaN", "{k=\"e\"} NaN");
        checkIn(math(), "atan(m)", "{k=\"a\"} 4.636476090008061E-01", "{k=\"b\"} -1.1071487177940904E+00", "{k=\"c\"} 1.446441332248135E+00", "{k=\"d\"} 1.5707963262066613E+00", "{k=\"e\"} 1.5707963257442363E+00");
        checkIn(math(), "sinh(m{k!=\"d\",k!=\"e\"})", "{k=\"a\"} 5.210953054937474E-01", "{k=\"b\"} -3.626860407847019E+00", "{k=\"c\"} 1.4904788257895502E+03");
        checkIn(math(), "cosh(m{k!=\"d\",k!=\"e\"})", "{k=\"a\"} 1.1276259652063807E+00", "{k=\"b\"} 3.7621956910836314E+00", "{k=\"c\"} 1.490479161252178E+03");
        checkIn(math(), "tanh(m)", "{k=\"a\"} 4.6211715726000974E-01", "{k=\"b\"} -9.640275800758169E-01", "{k=\"c\"} 9.999997749296758E-01", "{k=\"d\"} 1E+00", "{k=\"e\"} 1E+00");
        checkIn(math(), "hour(m)", "{k=\"a\"} 0E+00", "{k=\"b\"} 2.3E+01", "{k=\"c\"} 0E+00", "{k=\"d\"} 2.2E+01", "{k=\"e\"} 0E+00");
        checkIn(math(), "minute(m)", "{k=\"a\"} 0E+00", "{k=\"b\"} 5.9E+01", "{k=\"c\"} 0E+00", "{k=\"d\"} 1.3E+01", "{k=\"e\"} 0E+00");
        checkIn(math(), "month(m)", "{k=\"a\"} 1E+00", "{k=\"b\"} 1.2E+01", "{k=\"c\"} 1E+00", "{k=\"d\"} 1.1E+01", "{k=\"e\"} 2E+00");
        checkIn(math(), "year(m)", "{k=\"a\"} 1.97E+03", "{k=\"b\"} 1.969E+03", "{k=\"c\"} 1.97E+03", "{k=\"d\"} 2.023E+03", "{k=\"e\"} 2E+03");
        checkIn(math(), "day_of_month(m)", "{k=\"a\"} 1E+00", "{k=\"b\"} 3.1E+01", "{k=\"c\"} 1E+00", "{k=\"d\"} 1.4E+01", "{k=\"e\"} 2.9E+01");
        checkIn(math(), "day_of_week(m)", "{k=\"a\"} 4E+00", "{k=\"b\"} 3E+00", "{k=\"c\"} 4E+00", "{k=\"d\"} 2E+00", "{k=\"e\"} 2E+00");
        checkIn(math(), "day_of_year(m)", "{k=\"a\"} 1E+00", "{k=\"b\"} 3.65E+02", "{k=\"c\"} 1E+00", "{k=\"d\"} 3.18E+02", "{k=\"e\"} 6E+01");
        checkIn(math(), "days_in_month(m)", "{k=\"a\"} 3.1E+01", "{k=\"b\"} 3.1E+01", "{k=\"c\"} 3.1E+01", "{k=\"d\"} 3E+01", "{k=\"e\"} 2.9E+01");
        checkIn(math(), "hour()", "{} 0E+00");
        checkIn(math(), "year()", "{} 1.97E+03");
        checkIn(math(), "days_in_month()", "{} 3.1E+01");
    }
}
