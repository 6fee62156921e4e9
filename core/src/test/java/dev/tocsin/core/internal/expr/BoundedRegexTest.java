package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tocsin.core.testing.SmallStack;

import org.junit.jupiter.api.Test;

/** Regular-expression matches are bounded: no hang on catastrophic backtracking, no stack overflow escaping. */
class BoundedRegexTest {

    private static final String BACKTRACKING = "(.*a){20}";
    private static final String VALUE_45 = "a".repeat(44) + "c";

    @Test
    void catastrophicBacktrackingFailsWithTheBudgetInsteadOfHanging() throws Exception {
        Predicate<String> p = RegexTranslator.compileAnchored(BACKTRACKING);
        assertThatThrownBy(() -> p.test(VALUE_45)).isInstanceOf(ExpressionEvaluationException.class)
                .hasMessageContaining("`(.*a){20}`")
                .hasMessageContaining("more than " + BoundedRegex.budget(45) + " steps on a value of 45 characters")
                .hasMessageNotContaining(VALUE_45);
        // the same matcher is usable afterwards: a short value is answered
        assertThat(p.test("aaa")).isFalse();
        Predicate<String> three = RegexTranslator.compileAnchored("(.*a){3}");
        assertThat(three.test("xaxaxa")).isTrue();
        assertThat(three.test("xaxax")).isFalse();
    }

    @Test
    void deepRecursionFailsWithAnEvaluationErrorInsteadOfAStackOverflowError() throws Exception {
        Predicate<String> p = RegexTranslator.compileAnchored("(a|b)*");
        String value = "ab".repeat(200_000);
        // a thread with a known, small stack: the overflow does not depend on the test runner's
        assertThatThrownBy(() -> SmallStack.call(() -> p.test(value)))
                .isInstanceOf(ExpressionEvaluationException.class)
                .hasMessageContaining("`(a|b)*` ran out of stack on a value of 400000 characters")
                .hasMessageContaining("[ab]*");
        // the character class RE2 users would write instead has no such limit
        assertThat(RegexTranslator.compileAnchored("[ab]*").test(value)).isTrue();
    }

    @Test
    void labelReplaceWithABacktrackingPatternFailsTheEvaluation() {
        TestContext ctx = new TestContext(java.time.Instant.ofEpochSecond(1000))
                .add(dev.tocsin.core.Sample.of("a", 1, "job", VALUE_45));
        Expression e = Expression.parse("label_replace(a, \"x\", \"$1\", \"job\", \"" + BACKTRACKING + "\")");
        assertThatThrownBy(() -> e.evaluate(ctx)).isInstanceOf(ExpressionEvaluationException.class)
                .hasMessageContaining("on a value of 45 characters");
        Expression fine = Expression.parse("label_replace(a, \"x\", \"$1\", \"job\", \"(a+)c\")");
        assertThat(fine.evaluate(ctx).sample(0).labels().get("x")).isEqualTo("a".repeat(44));
    }

    @Test
    void quadraticSearchesOnValuesOfSomeThousandCharactersStayWithinTheBudget() throws Exception {
        // java.util.regex is quadratic on these (RE2 linear); they are ordinary patterns and must still answer
        assertThat(RegexTranslator.compileAnchored(".*a.*b").test("a".repeat(1300))).isFalse();
        Pattern trailing = Pattern.compile(" +$");
        BoundedRegex b = new BoundedRegex(" +$", trailing);
        String padded = "x" + " ".repeat(3000) + "x";
        Matcher m = b.start(padded);
        try {
            assertThat(m.find()).isFalse();
        } finally {
            b.end();
        }
        BoundedRegex search = new BoundedRegex("foo.*bar", Pattern.compile("foo.*bar"));
        try {
            assertThat(search.start("foo" + "x".repeat(3000)).find()).isFalse();
        } finally {
            search.end();
        }
        // the per-match budget is capped: a value of a megabyte does not get a quadratic one
        assertThat(BoundedRegex.budget(1_000_000)).isEqualTo(BoundedRegex.MAX_STEPS_PER_MATCH);
        assertThat(BoundedRegex.budget(1300)).isGreaterThan(16L * 1300 * 1300);
    }

    @Test
    void theMatchesOfOneEvaluationShareABudget() throws Exception {
        // each of these values costs about 100,000 reads under (.*a){6}, far inside the per-match budget
        Predicate<String> p = RegexTranslator.compileAnchored("(.*a){6}");
        String value = "a".repeat(12) + "c";
        BoundedRegex probe = new BoundedRegex("(.*a){6}", Pattern.compile("(?:(.*a){6})"));
        assertThat(probe.matches(value)).isFalse(); // and outside an evaluation nothing is shared
        BoundedRegex.openEvaluation(1_000_000);
        try {
            assertThatThrownBy(() -> {
                for (int i = 0; i < 1000; i++) {
                    p.test(value + i); // distinct values: nothing remembered
                }
            }).isInstanceOf(BoundedRegex.PoolExhausted.class)
                    .hasMessageContaining("the regular expressions of this rule evaluation read more than")
                    .hasMessageContaining("`(.*a){6}`");
        } finally {
            BoundedRegex.closeEvaluation();
        }
        // a new evaluation starts with a full budget
        BoundedRegex.openEvaluation(1_000_000);
        try {
            assertThat(p.test(value + "x")).isFalse();
        } finally {
            BoundedRegex.closeEvaluation();
        }
    }

    @Test
    void theBudgetGrowsWithTheInput() {
        assertThat(BoundedRegex.budget(0)).isEqualTo(BoundedRegex.BASE_STEPS);
        assertThat(BoundedRegex.budget(10)).isEqualTo(BoundedRegex.BASE_STEPS + 10 * BoundedRegex.STEPS_PER_CHAR
                + 100 * BoundedRegex.STEPS_PER_CHAR_SQUARED);
        // a linear pattern over a long value stays far inside it
        String longValue = "x".repeat(2_000_000) + "y";
        BoundedRegex b = new BoundedRegex("x*y", Pattern.compile("x*y"));
        assertThat(b.matches(longValue)).isTrue();
    }

    /** Bounded matching answers as plain java.util.regex whenever the latter finishes within the budget. */
    @Test
    void boundedMatchingAgreesWithJavaUtilRegex() {
        List<String> patterns = List.of("a*b?", "(ab|a)*c", "[abc]+", "(a|b)(c|d)*", "a{2,5}b*", "(?:ab)+|c", ".*b.*");
        qt().forAll(integers().between(0, patterns.size() - 1), strings().betweenCodePoints('a', 'd').ofLengthBetween(0, 40))
                .checkAssert((i, s) -> {
                    String re = patterns.get(i);
                    Pattern p = Pattern.compile(re);
                    assertThat(new BoundedRegex(re, p).matches(s)).as("%s on %s", re, s)
                            .isEqualTo(p.matcher(s).matches());
                });
    }
}
