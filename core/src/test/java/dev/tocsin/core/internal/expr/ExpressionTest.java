package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tocsin.core.ExpressionException;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpressionTest {

    private static final Sample UP_A = Sample.of("up", 1, "job", "a", "instance", "i1");
    private static final Sample UP_B = Sample.of("up", 0, "job", "b", "instance", "i2");
    private static final Sample UP_NOJOB = Sample.of("up", 0, "instance", "i3");
    private static final Sample UP_NAN = Sample.of("up", Double.NaN, "job", "nan");
    private static final Sample REQ = Sample.of("http_requests:rate5m", 42, "job", "a", "code", "5xx");

    private static TestContext ctx() {
        return new TestContext().add(UP_A).add(UP_B, true).add(UP_NOJOB).add(UP_NAN).add(REQ);
    }

    private static List<Sample> eval(String expr) {
        return Expression.parse(expr).evaluate(ctx()).samples();
    }

    @Test
    void bareMetricNameSelectsTheWholeFamilyUnchanged() {
        assertThat(eval("up")).containsExactly(UP_A, UP_B, UP_NOJOB, UP_NAN);
        assertThat(eval("http_requests:rate5m")).containsExactly(REQ);
        assertThat(eval("missing_metric")).isEmpty();
    }

    @Test
    void equalityAndInequalityMatchers() {
        assertThat(eval("up{job=\"a\"}")).containsExactly(UP_A);
        assertThat(eval("up{job!=\"a\"}")).containsExactly(UP_B, UP_NOJOB, UP_NAN);
        assertThat(eval("up{job=\"a\", instance=\"i1\",}")).containsExactly(UP_A);
        assertThat(eval("up{job=\"a\", instance=\"i2\"}")).isEmpty();
    }

    @Test
    void missingLabelComparesAsEmptyString() {
        assertThat(eval("up{job=\"\"}")).containsExactly(UP_NOJOB);
        assertThat(eval("up{job!~\".+\"}")).containsExactly(UP_NOJOB);
        assertThat(eval("up{job!=\"\"}")).containsExactly(UP_A, UP_B, UP_NAN);
        assertThat(eval("up{job=~\".*\"}")).containsExactly(UP_A, UP_B, UP_NOJOB, UP_NAN);
    }

    @Test
    void regexMatchersAreFullyAnchored() {
        assertThat(eval("up{job=~\"a|b\"}")).containsExactly(UP_A, UP_B);
        assertThat(eval("up{job=~\"n\"}")).isEmpty();
        assertThat(eval("up{job=~\"n.*\"}")).containsExactly(UP_NAN);
        assertThat(eval("up{job!~\"a|n.n\"}")).containsExactly(UP_B, UP_NOJOB);
        assertThat(eval("up{instance=~\"i[12]\"}")).containsExactly(UP_A, UP_B);
        assertThat(eval("up{instance=~'(?i)I1'}")).containsExactly(UP_A);
    }

    @Test
    void selectorByNameMatcherOnlyAndWithoutName() {
        assertThat(eval("{__name__=\"up\", job=\"b\"}")).containsExactly(UP_B);
        assertThat(eval("{job=\"a\"}")).containsExactlyInAnyOrder(UP_A, REQ);
        assertThat(eval("{__name__=~\"up|http.*\", job=\"a\"}")).containsExactlyInAnyOrder(UP_A, REQ);
        assertThat(Expression.parse("{job=\"a\"}").readsAllFamilies()).isTrue();
        assertThat(Expression.parse("up{job=\"a\"} > 0").metricNames()).containsExactly("up");
        assertThat(Expression.parse("{__name__=\"up\"}").readsAllFamilies()).isFalse();
    }

    @Test
    void selectorWithoutNameSelectsNothingWhenContextHasNoFamiliesMethod() {
        EvalContext minimal = new EvalContext() {
            @Override
            public java.time.Instant time() {
                return java.time.Instant.EPOCH;
            }

            @Override
            public Family family(String metricName) {
                return ctx().family(metricName);
            }
        };
        assertThat(Expression.parse("{job=\"a\"}").evaluate(minimal).size()).isZero();
        assertThat(Expression.parse("up").evaluate(minimal).size()).isEqualTo(4);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "up == 0      | i2,i3",
        "up != 0      | i1,",
        "up > 0       | i1",
        "up < 1       | i2,i3",
        "up >= 1      | i1",
        "up <= 0      | i2,i3",
        "0 == up      | i2,i3",
        "1 > up       | i2,i3",
        "0 < up       | i1",
        "up == -0     | i2,i3",
        "up > -Inf    | i1,i2,i3",
        "up < +inf    | i1,i2,i3",
        "up >= 0x1    | i1",
        "up < 1e0     | i2,i3",
        "up < .5      | i2,i3",
        "(up) == (0)  | i2,i3",
        "((up == 0))  | i2,i3",
        "up == -(-0)  | i2,i3",
    })
    void comparisonsFilter(String expr, String instances) {
        List<String> got = new ArrayList<>();
        for (Sample s : eval(expr)) {
            got.add(s.labels().get("instance"));
        }
        List<String> want = new ArrayList<>();
        for (String i : instances.split(",")) {
            want.add(i.trim());
        }
        if (expr.startsWith("up != 0")) {
            want = List.of("i1", ""); // the NaN sample has no instance label
        }
        assertThat(got).containsExactlyElementsOf(want);
    }

    @Test
    void comparisonKeepsSampleValueAndLabelsIncludingMetricNameAsPrometheus() {
        List<Sample> out = eval("up == 0");
        assertThat(out).containsExactly(UP_B, UP_NOJOB);
        assertThat(out.get(0).labels().metricName()).isEqualTo("up");
        // scalar on the left: the value is still the vector's sample value, not the scalar
        assertThat(eval("2 > up")).extracting(Sample::value).containsExactly(1.0, 0.0, 0.0);
    }

    @Test
    void nanComparisonsFollowIeee() {
        assertThat(eval("up{job=\"nan\"} == NaN")).isEmpty();
        assertThat(eval("up{job=\"nan\"} != NaN")).containsExactly(UP_NAN);
        assertThat(eval("up{job=\"nan\"} != 1")).containsExactly(UP_NAN);
        assertThat(eval("up{job=\"nan\"} > -Inf")).isEmpty();
        assertThat(eval("up{job=\"nan\"} <= Inf")).isEmpty();
        assertThat(eval("nan != up{job=\"nan\"}")).containsExactly(UP_NAN);
    }

    @Test
    void comparisonChainsApplyLeftToRight() {
        // (up >= 0) < 1 keeps the 0-valued samples
        assertThat(eval("up >= 0 < 1")).containsExactly(UP_B, UP_NOJOB);
    }

    @Test
    void heldFlagIsCarriedFromInput() {
        Vector v = Expression.parse("up == 0").evaluate(ctx());
        assertThat(v.size()).isEqualTo(2);
        assertThat(v.held(0)).isTrue();
        assertThat(v.held(1)).isFalse();
    }

    @Test
    void scalarExpressionGivesOneSampleWithoutLabels() {
        Vector v = Expression.parse("-(2.5)").evaluate(ctx());
        assertThat(v.samples()).containsExactly(new Sample(Labels.empty(), -2.5));
        assertThat(v.held(0)).isFalse();
        assertThat(Expression.parse("0x1F").evaluate(ctx()).sample(0).value()).isEqualTo(31.0);
    }

    @Test
    void whitespaceCommentsAndNewlines() {
        assertThat(eval("  up # the targets\n\t{job=\"a\" # which job\n }\r\n == 1 # done")).containsExactly(UP_A);
    }

    @Test
    void stringEscapesInMatchers() {
        Sample odd = Sample.of("m", 1, "v", "a\"b\\c\nd\u00e9\u20ac'");
        TestContext c = new TestContext().add(odd);
        assertThat(Expression.parse("m{v=\"a\\\"b\\\\c\\nd\\u00e9\\xe2\\x82\\xac'\"}").evaluate(c).samples())
                .containsExactly(odd);
        assertThat(Expression.parse("m{v='a\"b\\\\c\\nd\\U000000e9\\342\\202\\254\\''}").evaluate(c).samples())
                .containsExactly(odd);
        Sample raw = Sample.of("m", 1, "v", "a\\d+");
        assertThat(Expression.parse("m{v=`a\\d+`}").evaluate(new TestContext().add(raw)).samples())
                .containsExactly(raw);
    }

    @Test
    void keywordsCanBeMetricNames() {
        Sample sum = Sample.of("sum", 3);
        Sample by = Sample.of("by", 4);
        TestContext c = new TestContext().add(sum).add(by);
        assertThat(Expression.parse("sum > 1").evaluate(c).samples()).containsExactly(sum);
        assertThat(Expression.parse("by{} > 1").evaluate(c).samples()).containsExactly(by);
    }

    @Test
    void textAndAstAreKept() {
        Expression e = Expression.parse("up == 0");
        assertThat(e.text()).isEqualTo("up == 0");
        assertThat(e.ast()).isInstanceOf(Node.Binary.class);
        assertThat(Printer.print(e.ast())).isEqualTo("up == 0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "rate(x[5m] @ 100) > 1           | 1 | 12 | @ modifier with a timestamp is not supported yet",
        "x offset 5m @ 100               | 1 | 13 | @ modifier with a timestamp is not supported yet",
        "x @ 100                         | 1 | 3  | @ modifier with a timestamp is not supported yet",
        "max_over_time(x[5m:1m] @ 100)   | 1 | 24 | @ modifier with a timestamp is not supported yet",
        "x{a=\"@\"} @ 100                | 1 | 10 | @ modifier with a timestamp is not supported yet",
        "histogram_fraction(0, 1, x)     | 1 | 1  | function histogram_fraction is not supported yet",
        "histogram_count(x)              | 1 | 1  | function histogram_count is not supported yet",
        "'a' == bool 'b'                 | 1 | 1  | binary expression must contain only scalar and instant vector types",
    })
    void unsupportedConstructsAreNamed(String expr, int line, int column, String message) {
        assertThatThrownBy(() -> Expression.parse(expr))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.detail()).isEqualTo(message);
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.column()).isEqualTo(column);
                });
    }

    @Test
    void subqueriesAreLimitedInSteps() {
        assertThatThrownBy(() -> Expression.parse("max_over_time(x[1d:1s])"))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.detail()).isEqualTo("subquery of 86400 steps is not supported (at most 11000 steps "
                            + "per evaluation)");
                    assertThat(e.column()).isEqualTo(15);
                });
        assertThat(Expression.parse("max_over_time(x[1d:10s])").lookbackNeeded().toHours()).isEqualTo(24);
        // nested: the inner one runs at every step of the outer one (each within the limit alone)
        assertThatThrownBy(() -> Expression.parse("max_over_time(max_over_time(x[3h:1s])[3h:1s])"))
                .isInstanceOfSatisfying(ExpressionException.class, e -> assertThat(e.detail())
                        .isEqualTo("nested subqueries of 10801 x 10801 steps are not supported (at most 11000 steps"
                                + " per evaluation, the steps of nested subqueries multiplied)"));
        assertThat(Expression.parse("max_over_time(max_over_time(x[5m:1m])[10m:1m])")).isNotNull();
    }

    @Test
    void allReferenceRuleExpressionsAreSupported() throws Exception {
        List<String> exprs = ReferenceRules.expressions();
        assertThat(exprs).hasSizeGreaterThan(20);
        for (String e : exprs) {
            Expression.parse(e).evaluate(ctx()); // compiles, and evaluates without failing
        }
        Expression.parse("haproxy_up == 0");
    }
}
