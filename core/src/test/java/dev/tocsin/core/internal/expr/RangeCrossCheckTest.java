package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tocsin.core.Sample;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * Range functions and offsets over the history, with expected results produced by {@code promtool test rules}
 * (Prometheus 2.42) from this input, one sample per minute from time 0, evaluated at 4m, 7m, 10m and 11m:
 *
 * <pre>
 * x{job="a"}: 0 10 20 5 15 stale 30 30 31 stale 40
 * g{job="a"}: 5 3 8 NaN 8 2 2 1
 * </pre>
 *
 * The test replays the input through {@link History} one evaluation per minute; it does not run promtool.
 */
class RangeCrossCheckTest {

    private static final String[] X = "0 10 20 5 15 stale 30 30 31 stale 40".split(" ");
    private static final String[] G = "5 3 8 NaN 8 2 2 1".split(" ");

    private static final String[] C = "100 110 130 5 20 40 40 50 stale 60 70 0 1".split(" ");
    private static final String[] Z = "0 0 3 9 12 13 stale 14 14 15 15 16 16".split(" ");

    /** The second input, one sample every 30 s: {@code c} and {@code z} above. */
    private static TestContext at30(int step) {
        TestContext c = new TestContext(Instant.ofEpochSecond(step * 30L));
        if (step < C.length && !C[step].equals("stale")) {
            c.add(Sample.of("c", Double.parseDouble(C[step]), "job", "a"));
        }
        if (step < Z.length && !Z[step].equals("stale")) {
            c.add(Sample.of("z", Double.parseDouble(Z[step]), "job", "a"));
        }
        return c;
    }

    private static TestContext at(int minute) {
        TestContext c = new TestContext(Instant.ofEpochSecond(minute * 60L));
        if (minute < X.length && !X[minute].equals("stale")) {
            c.add(Sample.of("x", Double.parseDouble(X[minute]), "job", "a"));
        }
        if (minute < G.length) {
            c.add(Sample.of("g", Double.parseDouble(G[minute]), "job", "a"));
        }
        return c;
    }

    /** Evaluates {@code expr} at {@code minute} after recording every minute up to it. */
    static Vector run(String expr, int steps, java.util.function.IntFunction<TestContext> input) {
        Expression e = Expression.parse(expr);
        History h = new History();
        // as the evaluator does: each name kept only as far back as this expression reads it
        h.configure(e.historyLookbackMillis(), e.lookbackNeeded().toMillis(), e.readsAllHistory());
        TestContext c = null;
        for (int m = 0; m <= steps; m++) {
            c = input.apply(m);
            h.record(c.time().toEpochMilli(), c);
        }
        return e.evaluate(c.withHistory(h));
    }

    private static void check2(int seconds, String expr, String... expected) {
        compare(expr + " at " + seconds + "s", run(expr, seconds / 30, RangeCrossCheckTest::at30), expected);
    }

    private static void error2(int seconds, String expr, String message) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(expr, seconds / 30, RangeCrossCheckTest::at30))
                .isInstanceOf(ExpressionEvaluationException.class).hasMessage(message);
    }

    private static void check(int minute, String expr, String... expected) {
        compare(expr + " at " + minute + "m", run(expr, minute, RangeCrossCheckTest::at), expected);
    }

    private static void compare(String what, Vector result, String... expected) {
        Map<String, Double> want = new TreeMap<>();
        for (String e : expected) {
            int sp = e.lastIndexOf(' ');
            want.put(e.substring(0, sp), Double.parseDouble(e.substring(sp + 1).replace("Inf", "Infinity")));
        }
        Map<String, Double> got = new TreeMap<>();
        for (Sample s : result.samples()) {
            assertThat(got.put(s.labels().toString(), s.value())).as(what).isNull();
        }
        assertThat(got.keySet()).as(what).containsExactlyElementsOf(want.keySet());
        for (Map.Entry<String, Double> e : want.entrySet()) {
            double w = e.getValue();
            double g = got.get(e.getKey());
            if (Double.isNaN(w) || Double.isInfinite(w)) {
                assertThat(Double.valueOf(g)).as(what).isEqualTo(Double.valueOf(w));
            } else {
                assertThat(g).as(what).isCloseTo(w,
                        org.assertj.core.data.Offset.offset(1e-12 * Math.max(1, Math.abs(w))));
            }
        }
    }

    @Test
    void lookbackCoversTheLongestRangePlusOffset() {
        assertThat(Expression.parse("rate(x[5m]) + x offset 1h").lookbackNeeded().toMinutes()).isEqualTo(65);
        assertThat(Expression.parse("rate(x[3m] offset 2m) > 0").lookbackNeeded().toMinutes()).isEqualTo(5);
        assertThat(Expression.parse("x > 0").lookbackNeeded().isZero()).isTrue();
        assertThat(Expression.parse("rate(x[5m]) / y offset 1m").historyMetricNames()).isEqualTo(Set.of("x", "y"));
        assertThat(Expression.parse("y + z").historyMetricNames()).isEmpty();
        assertThat(Expression.parse("count_over_time({job=\"a\"}[1m])").readsAllHistory()).isTrue();
    }

    @Test
    void eachNameIsReadOnlyAsFarBackAsItsOwnSelectorsReach() {
        assertThat(Expression.parse("rate(x[1m]) / rate(y[10m] offset 5m) + z offset 1m + rate(x[2m])")
                .historyLookbackMillis())
                .isEqualTo(Map.of("x", 120_000L, "y", 900_000L, "z", 360_000L));
        assertThat(Expression.parse("max_over_time(rate(c[1m])[2m:30s] offset 30s) + avg_over_time(z[2m:1m])")
                .historyLookbackMillis())
                .isEqualTo(Map.of("c", 240_000L, "z", 480_000L));
        assertThat(Expression.parse("y + z").historyLookbackMillis()).isEmpty();
    }

    @Test
    void atStartOrEndIsTheEvaluationTime() {
        check(7, "rate(x[5m] @ end())", "{job=\"a\"} 1E-01");
        check(7, "x offset 3m @ start()", "{__name__=\"x\", job=\"a\"} 1.5E+01");
        check(7, "x @ end()", "{__name__=\"x\", job=\"a\"} 3E+01");
    }

    @Test
    void matchesPromtool() {
        check(4, "count_over_time(x[2m])", "{job=\"a\"} 3E+00");
        check(7, "count_over_time(x[2m])", "{job=\"a\"} 2E+00");
        check(10, "count_over_time(x[2m])", "{job=\"a\"} 2E+00");
        check(11, "count_over_time(x[2m])", "{job=\"a\"} 1E+00");
        check(4, "last_over_time(x[2m])", "{__name__=\"x\", job=\"a\"} 1.5E+01");
        check(7, "last_over_time(x[2m])", "{__name__=\"x\", job=\"a\"} 3E+01");
        check(10, "last_over_time(x[2m])", "{__name__=\"x\", job=\"a\"} 4E+01");
        check(11, "last_over_time(x[2m])", "{__name__=\"x\", job=\"a\"} 4E+01");
        check(4, "rate(x[5m])", "{job=\"a\"} 1.1666666666666667E-01");
        check(7, "rate(x[5m])", "{job=\"a\"} 1E-01");
        check(10, "rate(x[5m])", "{job=\"a\"} 4.1666666666666664E-02");
        check(11, "rate(x[5m])", "{job=\"a\"} 4.1666666666666664E-02");
        check(4, "increase(x[5m])", "{job=\"a\"} 3.5E+01");
        check(7, "increase(x[5m])", "{job=\"a\"} 3E+01");
        check(10, "increase(x[5m])", "{job=\"a\"} 1.25E+01");
        check(11, "increase(x[5m])", "{job=\"a\"} 1.25E+01");
        check(4, "delta(g[4m])", "{job=\"a\"} 3E+00");
        check(7, "delta(g[4m])", "{job=\"a\"} NaN");
        check(10, "delta(g[4m])", "{job=\"a\"} -1.5E+00");
        check(11, "delta(g[4m])");
        check(4, "irate(x[5m])", "{job=\"a\"} 1.6666666666666666E-01");
        check(7, "irate(x[5m])", "{job=\"a\"} 0E+00");
        check(10, "irate(x[5m])", "{job=\"a\"} 7.5E-02");
        check(11, "irate(x[5m])", "{job=\"a\"} 7.5E-02");
        check(4, "idelta(g[5m])", "{job=\"a\"} NaN");
        check(7, "idelta(g[5m])", "{job=\"a\"} -1E+00");
        check(10, "idelta(g[5m])", "{job=\"a\"} -1E+00");
        check(11, "idelta(g[5m])", "{job=\"a\"} -1E+00");
        check(4, "deriv(g[5m])", "{job=\"a\"} NaN");
        check(7, "deriv(g[5m])", "{job=\"a\"} NaN");
        check(10, "deriv(g[5m])", "{job=\"a\"} -8.333333333333333E-03");
        check(11, "deriv(g[5m])", "{job=\"a\"} -1.6666666666666666E-02");
        check(4, "changes(g[10m])", "{job=\"a\"} 4E+00");
        check(7, "changes(g[10m])", "{job=\"a\"} 6E+00");
        check(10, "changes(g[10m])", "{job=\"a\"} 6E+00");
        check(11, "changes(g[10m])", "{job=\"a\"} 5E+00");
        check(4, "resets(x[10m])", "{job=\"a\"} 1E+00");
        check(7, "resets(x[10m])", "{job=\"a\"} 1E+00");
        check(10, "resets(x[10m])", "{job=\"a\"} 1E+00");
        check(11, "resets(x[10m])", "{job=\"a\"} 1E+00");
        check(4, "avg_over_time(g[3m])", "{job=\"a\"} NaN");
        check(7, "avg_over_time(g[3m])", "{job=\"a\"} 3.25E+00");
        check(10, "avg_over_time(g[3m])", "{job=\"a\"} 1E+00");
        check(11, "avg_over_time(g[3m])");
        check(4, "min_over_time(g[10m])", "{job=\"a\"} 3E+00");
        check(7, "min_over_time(g[10m])", "{job=\"a\"} 1E+00");
        check(10, "min_over_time(g[10m])", "{job=\"a\"} 1E+00");
        check(11, "min_over_time(g[10m])", "{job=\"a\"} 1E+00");
        check(4, "max_over_time(g[10m])", "{job=\"a\"} 8E+00");
        check(7, "max_over_time(g[10m])", "{job=\"a\"} 8E+00");
        check(10, "max_over_time(g[10m])", "{job=\"a\"} 8E+00");
        check(11, "max_over_time(g[10m])", "{job=\"a\"} 8E+00");
        check(4, "sum_over_time(x[10m])", "{job=\"a\"} 5E+01");
        check(7, "sum_over_time(x[10m])", "{job=\"a\"} 1.1E+02");
        check(10, "sum_over_time(x[10m])", "{job=\"a\"} 1.81E+02");
        check(11, "sum_over_time(x[10m])", "{job=\"a\"} 1.81E+02");
        check(4, "quantile_over_time(0.25, g[10m])", "{job=\"a\"} 3E+00");
        check(7, "quantile_over_time(0.25, g[10m])", "{job=\"a\"} 1.75E+00");
        check(10, "quantile_over_time(0.25, g[10m])", "{job=\"a\"} 1.75E+00");
        check(11, "quantile_over_time(0.25, g[10m])", "{job=\"a\"} 1.5E+00");
        check(4, "absent_over_time(x{job=\"a\"}[1m])");
        check(7, "absent_over_time(x{job=\"a\"}[1m])");
        check(10, "absent_over_time(x{job=\"a\"}[1m])");
        check(11, "absent_over_time(x{job=\"a\"}[1m])");
        check(4, "absent_over_time(nope{job=\"a\"}[1m])", "{job=\"a\"} 1E+00");
        check(7, "absent_over_time(nope{job=\"a\"}[1m])", "{job=\"a\"} 1E+00");
        check(10, "absent_over_time(nope{job=\"a\"}[1m])", "{job=\"a\"} 1E+00");
        check(11, "absent_over_time(nope{job=\"a\"}[1m])", "{job=\"a\"} 1E+00");
        check(4, "x offset 3m", "{__name__=\"x\", job=\"a\"} 1E+01");
        check(7, "x offset 3m", "{__name__=\"x\", job=\"a\"} 1.5E+01");
        check(10, "x offset 3m", "{__name__=\"x\", job=\"a\"} 3E+01");
        check(11, "x offset 3m", "{__name__=\"x\", job=\"a\"} 3.1E+01");
        check(4, "x offset 5m");
        check(7, "x offset 5m", "{__name__=\"x\", job=\"a\"} 2E+01");
        check(10, "x offset 5m");
        check(11, "x offset 5m", "{__name__=\"x\", job=\"a\"} 3E+01");
        check(4, "rate(x[3m] offset 2m)", "{job=\"a\"} 1.1111111111111112E-01");
        check(7, "rate(x[3m] offset 2m)", "{job=\"a\"} 1.25E-01");
        check(10, "rate(x[3m] offset 2m)", "{job=\"a\"} 8.333333333333333E-03");
        check(11, "rate(x[3m] offset 2m)", "{job=\"a\"} 8.333333333333333E-03");
        check(4, "increase(x[10m])", "{job=\"a\"} 3.5E+01");
        check(7, "increase(x[10m])", "{job=\"a\"} 5E+01");
        check(10, "increase(x[10m])", "{job=\"a\"} 6E+01");
        check(11, "increase(x[10m])", "{job=\"a\"} 5.555555555555556E+01");
        check(4, "stddev_over_time(g[10m])", "{job=\"a\"} NaN");
        check(7, "stddev_over_time(g[10m])", "{job=\"a\"} NaN");
        check(10, "stddev_over_time(g[10m])", "{job=\"a\"} NaN");
        check(11, "stddev_over_time(g[10m])", "{job=\"a\"} NaN");
        check(4, "predict_linear(g[5m], 60)", "{job=\"a\"} NaN");
        check(7, "predict_linear(g[5m], 60)", "{job=\"a\"} NaN");
        check(10, "predict_linear(g[5m], 60)", "{job=\"a\"} -8.333333333333333E-01");
        check(11, "predict_linear(g[5m], 60)", "{job=\"a\"} -4E+00");
        check(4, "present_over_time(x[1m])", "{job=\"a\"} 1E+00");
        check(7, "present_over_time(x[1m])", "{job=\"a\"} 1E+00");
        check(10, "present_over_time(x[1m])", "{job=\"a\"} 1E+00");
        check(11, "present_over_time(x[1m])", "{job=\"a\"} 1E+00");
        check(4, "timestamp(x offset 2m)", "{job=\"a\"} 1.2E+02");
        check(7, "timestamp(x offset 2m)");
        check(10, "timestamp(x offset 2m)", "{job=\"a\"} 4.8E+02");
        check(11, "timestamp(x offset 2m)");
    }

    /**
     * Counter resets, staleness gaps and extrapolation at the window edges; promtool input, one sample every 30 s:
     * <pre>
     * c{job="a"}: 100 110 130 5 20 40 40 50 stale 60 70 0 1
     * z{job="a"}: 0 0 3 9 12 13 stale 14 14 15 15 16 16
     * </pre>
     */
    @Test
    void ratesMatchPromtool() {
        check2(60, "rate(c[2m])", "{job=\"a\"} 3.125E-01");
        check2(90, "rate(c[2m])", "{job=\"a\"} 3.8888888888888884E-01");
        check2(150, "rate(c[2m])", "{job=\"a\"} 5E-01");
        check2(240, "rate(c[2m])", "{job=\"a\"} 3.333333333333333E-01");
        check2(330, "rate(c[2m])", "{job=\"a\"} 1.6666666666666666E-01");
        check2(360, "rate(c[2m])", "{job=\"a\"} 1.222222222222222E-01");
        check2(60, "increase(c[90s])", "{job=\"a\"} 4.5E+01");
        check2(90, "increase(c[90s])", "{job=\"a\"} 3.5E+01");
        check2(150, "increase(c[90s])", "{job=\"a\"} 4E+01");
        check2(240, "increase(c[90s])", "{job=\"a\"} 1.5E+01");
        check2(330, "increase(c[90s])", "{job=\"a\"} 1.5E+01");
        check2(360, "increase(c[90s])", "{job=\"a\"} 1.1E+01");
        check2(60, "delta(c[1m])", "{job=\"a\"} 3E+01");
        check2(90, "delta(c[1m])", "{job=\"a\"} -1.05E+02");
        check2(150, "delta(c[1m])", "{job=\"a\"} 3.5E+01");
        check2(240, "delta(c[1m])", "{job=\"a\"} 2E+01");
        check2(330, "delta(c[1m])", "{job=\"a\"} -6E+01");
        check2(360, "delta(c[1m])", "{job=\"a\"} -6.9E+01");
        check2(60, "deriv(c[2m])", "{job=\"a\"} 5E-01");
        check2(90, "deriv(c[2m])", "{job=\"a\"} -8.833333333333333E-01");
        check2(150, "deriv(c[2m])", "{job=\"a\"} -8.333333333333334E-01");
        check2(240, "deriv(c[2m])", "{job=\"a\"} 3E-01");
        check2(330, "deriv(c[2m])", "{job=\"a\"} -2.857142857142857E-01");
        check2(360, "deriv(c[2m])", "{job=\"a\"} -8.233333333333334E-01");
        check2(60, "resets(c[5m])", "{job=\"a\"} 0E+00");
        check2(90, "resets(c[5m])", "{job=\"a\"} 1E+00");
        check2(150, "resets(c[5m])", "{job=\"a\"} 1E+00");
        check2(240, "resets(c[5m])", "{job=\"a\"} 1E+00");
        check2(330, "resets(c[5m])", "{job=\"a\"} 2E+00");
        check2(360, "resets(c[5m])", "{job=\"a\"} 2E+00");
        check2(60, "increase(z[2m])", "{job=\"a\"} 3E+00");
        check2(90, "increase(z[2m])", "{job=\"a\"} 9E+00");
        check2(150, "increase(z[2m])", "{job=\"a\"} 1.3E+01");
        check2(240, "increase(z[2m])", "{job=\"a\"} 2E+00");
        check2(330, "increase(z[2m])", "{job=\"a\"} 2E+00");
        check2(360, "increase(z[2m])", "{job=\"a\"} 2E+00");
        check2(60, "rate(z[1m])", "{job=\"a\"} 5E-02");
        check2(90, "rate(z[1m])", "{job=\"a\"} 1.5E-01");
        check2(150, "rate(z[1m])", "{job=\"a\"} 6.666666666666667E-02");
        check2(240, "rate(z[1m])", "{job=\"a\"} 0E+00");
        check2(330, "rate(z[1m])", "{job=\"a\"} 1.6666666666666666E-02");
        check2(360, "rate(z[1m])", "{job=\"a\"} 1.6666666666666666E-02");
        check2(60, "increase(z[5m] offset 30s)", "{job=\"a\"} 0E+00");
        check2(90, "increase(z[5m] offset 30s)", "{job=\"a\"} 3E+00");
        check2(150, "increase(z[5m] offset 30s)", "{job=\"a\"} 1.2E+01");
        check2(240, "increase(z[5m] offset 30s)", "{job=\"a\"} 1.4E+01");
        check2(330, "increase(z[5m] offset 30s)", "{job=\"a\"} 1.5E+01");
        check2(360, "increase(z[5m] offset 30s)", "{job=\"a\"} 1.6E+01");
        check2(60, "irate(c[1m])", "{job=\"a\"} 6.666666666666666E-01");
        check2(90, "irate(c[1m])", "{job=\"a\"} 1.6666666666666666E-01");
        check2(150, "irate(c[1m])", "{job=\"a\"} 6.666666666666666E-01");
        check2(240, "irate(c[1m])", "{job=\"a\"} 3.333333333333333E-01");
        check2(330, "irate(c[1m])", "{job=\"a\"} 0E+00");
        check2(360, "irate(c[1m])", "{job=\"a\"} 3.333333333333333E-02");
        check2(60, "predict_linear(z[2m], 120)", "{job=\"a\"} 8.5E+00");
        check2(90, "predict_linear(z[2m], 120)", "{job=\"a\"} 1.95E+01");
        check2(150, "predict_linear(z[2m], 120)", "{job=\"a\"} 2.84E+01");
        check2(240, "predict_linear(z[2m], 120)", "{job=\"a\"} 1.625E+01");
        check2(330, "predict_linear(z[2m], 120)", "{job=\"a\"} 1.78E+01");
        check2(360, "predict_linear(z[2m], 120)", "{job=\"a\"} 1.82E+01");
        check2(60, "changes(z[10m])", "{job=\"a\"} 1E+00");
        check2(90, "changes(z[10m])", "{job=\"a\"} 2E+00");
        check2(150, "changes(z[10m])", "{job=\"a\"} 4E+00");
        check2(240, "changes(z[10m])", "{job=\"a\"} 5E+00");
        check2(330, "changes(z[10m])", "{job=\"a\"} 7E+00");
        check2(360, "changes(z[10m])", "{job=\"a\"} 7E+00");
    }

    /** Subqueries with explicit steps over the 30 s input above (promtool's default step differs: see the docs). */
    @Test
    void subqueriesMatchPromtool() {
        check2(60, "max_over_time(rate(c[1m])[2m:30s])", "{job=\"a\"} 5E-01");
        check2(90, "max_over_time(rate(c[1m])[2m:30s])", "{job=\"a\"} 5E-01");
        check2(150, "max_over_time(rate(c[1m])[2m:30s])", "{job=\"a\"} 5.833333333333334E-01");
        check2(240, "max_over_time(rate(c[1m])[2m:30s])", "{job=\"a\"} 5.833333333333334E-01");
        check2(330, "max_over_time(rate(c[1m])[2m:30s])", "{job=\"a\"} 3.333333333333333E-01");
        check2(360, "max_over_time(rate(c[1m])[2m:30s])", "{job=\"a\"} 3.333333333333333E-01");
        check2(60, "avg_over_time(z[2m:1m])", "{job=\"a\"} 1.5E+00");
        check2(90, "avg_over_time(z[2m:1m])", "{job=\"a\"} 1.5E+00");
        check2(150, "avg_over_time(z[2m:1m])", "{job=\"a\"} 7.5E+00");
        check2(240, "avg_over_time(z[2m:1m])", "{job=\"a\"} 1.3E+01");
        check2(330, "avg_over_time(z[2m:1m])", "{job=\"a\"} 1.45E+01");
        check2(360, "avg_over_time(z[2m:1m])", "{job=\"a\"} 1.5E+01");
        check2(60, "rate(c[2m:30s])", "{job=\"a\"} 3.125E-01");
        check2(90, "rate(c[2m:30s])", "{job=\"a\"} 3.8888888888888884E-01");
        check2(150, "rate(c[2m:30s])", "{job=\"a\"} 5E-01");
        check2(240, "rate(c[2m:30s])", "{job=\"a\"} 3.333333333333333E-01");
        check2(330, "rate(c[2m:30s])", "{job=\"a\"} 1.6666666666666666E-01");
        check2(360, "rate(c[2m:30s])", "{job=\"a\"} 1.222222222222222E-01");
        check2(60, "count_over_time(c[2m:30s] offset 30s)", "{job=\"a\"} 2E+00");
        check2(90, "count_over_time(c[2m:30s] offset 30s)", "{job=\"a\"} 3E+00");
        check2(150, "count_over_time(c[2m:30s] offset 30s)", "{job=\"a\"} 5E+00");
        check2(240, "count_over_time(c[2m:30s] offset 30s)", "{job=\"a\"} 5E+00");
        check2(330, "count_over_time(c[2m:30s] offset 30s)", "{job=\"a\"} 4E+00");
        check2(360, "count_over_time(c[2m:30s] offset 30s)", "{job=\"a\"} 4E+00");
        check2(60, "last_over_time(z[90s:1m])", "{__name__=\"z\", job=\"a\"} 3E+00");
        check2(90, "last_over_time(z[90s:1m])", "{__name__=\"z\", job=\"a\"} 3E+00");
        check2(150, "last_over_time(z[90s:1m])", "{__name__=\"z\", job=\"a\"} 1.2E+01");
        check2(240, "last_over_time(z[90s:1m])", "{__name__=\"z\", job=\"a\"} 1.4E+01");
        check2(330, "last_over_time(z[90s:1m])", "{__name__=\"z\", job=\"a\"} 1.5E+01");
        check2(360, "last_over_time(z[90s:1m])", "{__name__=\"z\", job=\"a\"} 1.6E+01");
        check2(60, "absent_over_time(nope[1m:30s])", "{} 1E+00");
        check2(90, "absent_over_time(nope[1m:30s])", "{} 1E+00");
        check2(150, "absent_over_time(nope[1m:30s])", "{} 1E+00");
        check2(240, "absent_over_time(nope[1m:30s])", "{} 1E+00");
        check2(330, "absent_over_time(nope[1m:30s])", "{} 1E+00");
        check2(360, "absent_over_time(nope[1m:30s])", "{} 1E+00");
        check2(60, "sum_over_time((c > 10)[2m:30s])", "{job=\"a\"} 3.4E+02");
        check2(90, "sum_over_time((c > 10)[2m:30s])", "{job=\"a\"} 3.4E+02");
        check2(150, "sum_over_time((c > 10)[2m:30s])", "{job=\"a\"} 3E+02");
        check2(240, "sum_over_time((c > 10)[2m:30s])", "{job=\"a\"} 1.5E+02");
        check2(330, "sum_over_time((c > 10)[2m:30s])", "{job=\"a\"} 1.8E+02");
        check2(360, "sum_over_time((c > 10)[2m:30s])", "{job=\"a\"} 1.3E+02");
        check2(60, "max_over_time(sum(z)[3m:45s])", "{} 0E+00");
        check2(90, "max_over_time(sum(z)[3m:45s])", "{} 9E+00");
        check2(150, "max_over_time(sum(z)[3m:45s])", "{} 1.2E+01");
        check2(240, "max_over_time(sum(z)[3m:45s])", "{} 1.4E+01");
        check2(330, "max_over_time(sum(z)[3m:45s])", "{} 1.5E+01");
        check2(360, "max_over_time(sum(z)[3m:45s])", "{} 1.6E+01");
        check2(60, "increase(z[3m:1m])", "{job=\"a\"} 3E+00");
        check2(90, "increase(z[3m:1m])", "{job=\"a\"} 4.5E+00");
        check2(150, "increase(z[3m:1m])", "{job=\"a\"} 1.5E+01");
        check2(240, "increase(z[3m:1m])", "{job=\"a\"} 1.1E+01");
        check2(330, "increase(z[3m:1m])", "{job=\"a\"} 2E+00");
        check2(360, "increase(z[3m:1m])", "{job=\"a\"} 3E+00");
        check2(60, "max_over_time(max_over_time(c[1m])[2m:1m])", "{job=\"a\"} 1.3E+02");
        check2(90, "max_over_time(max_over_time(c[1m])[2m:1m])", "{job=\"a\"} 1.3E+02");
        check2(150, "max_over_time(max_over_time(c[1m])[2m:1m])", "{job=\"a\"} 1.3E+02");
        check2(240, "max_over_time(max_over_time(c[1m])[2m:1m])", "{job=\"a\"} 1.3E+02");
        check2(330, "max_over_time(max_over_time(c[1m])[2m:1m])", "{job=\"a\"} 7E+01");
        check2(360, "max_over_time(max_over_time(c[1m])[2m:1m])", "{job=\"a\"} 7E+01");
    }

    @Test
    void subqueryRetentionCoversRangeOffsetStepAndInnerLookback() {
        // 2m range + 30s offset + 30s step + the inner range of 1m
        assertThat(Expression.parse("max_over_time(rate(c[1m])[2m:30s] offset 30s)").lookbackNeeded().toSeconds())
                .isEqualTo(240);
        // an instant selector inside: 2m + 1m step + the 5 minute lookback
        assertThat(Expression.parse("avg_over_time(z[2m:1m])").lookbackNeeded().toSeconds()).isEqualTo(480);
        assertThat(Expression.parse("avg_over_time(z[2m:1m])").historyMetricNames()).containsExactly("z");
    }

    @Test
    void holtWintersMatchesPromtool() {
        check2(60, "holt_winters(z[3m], 0.5, 0.5)", "{job=\"a\"} 1.5E+00");
        check2(150, "holt_winters(z[3m], 0.5, 0.5)", "{job=\"a\"} 1.32265625E+01");
        check2(240, "holt_winters(z[3m], 0.5, 0.5)", "{job=\"a\"} 1.66171875E+01");
        check2(360, "holt_winters(z[3m], 0.5, 0.5)", "{job=\"a\"} 1.60546875E+01");
        check2(60, "holt_winters(c[2m], 0.1, 0.9)", "{job=\"a\"} 1.21E+02");
        check2(150, "holt_winters(c[2m], 0.1, 0.9)", "{job=\"a\"} 1.1752104999999997E+02");
        check2(240, "holt_winters(c[2m], 0.1, 0.9)", "{job=\"a\"} 7.358E+01");
        check2(360, "holt_winters(c[2m], 0.1, 0.9)", "{job=\"a\"} 6.741999999999999E+01");
        error2(60, "holt_winters(z[2m], 1, 0.5)", "invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000");
        error2(150, "holt_winters(z[2m], 1, 0.5)", "invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000");
        error2(240, "holt_winters(z[2m], 1, 0.5)", "invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000");
        error2(360, "holt_winters(z[2m], 1, 0.5)", "invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000");
        check2(60, "holt_winters(rate(c[1m])[2m:30s], 0.3, 0.3)", "{job=\"a\"} 5E-01");
        check2(150, "holt_winters(rate(c[1m])[2m:30s], 0.3, 0.3)", "{job=\"a\"} 6.811174999999999E-01");
        check2(240, "holt_winters(rate(c[1m])[2m:30s], 0.3, 0.3)", "{job=\"a\"} 6.683183333333332E-01");
        check2(360, "holt_winters(rate(c[1m])[2m:30s], 0.3, 0.3)", "{job=\"a\"} -6.082333333333332E-02");
    }

    @Test
    void rateRoundsAsPrometheusOneFactorDividedByTheRangeThenOneMultiplication() {
        // c{job="a"}: 5+7x4, one sample every 15 s; promtool gives rate(c[20s]) at 60 s = 4.666666666666667E-01
        // (7 * ((20 / 15) / 20)); 7 * (20 / 15) / 20 would be 4.666666666666666E-01
        java.util.function.IntFunction<TestContext> every15s = step -> {
            TestContext c = new TestContext(Instant.ofEpochSecond(step * 15L));
            c.add(Sample.of("c", 5 + 7 * step, "job", "a"));
            return c;
        };
        Vector v = run("rate(c[20s])", 4, every15s);
        assertThat(v.samples()).singleElement().satisfies(s -> assertThat(s.value()).isEqualTo(0.4666666666666667));
        Vector inc = run("increase(c[20s])", 4, every15s);
        assertThat(inc.samples()).singleElement().satisfies(s -> assertThat(s.value()).isEqualTo(9.333333333333332));
    }
}
