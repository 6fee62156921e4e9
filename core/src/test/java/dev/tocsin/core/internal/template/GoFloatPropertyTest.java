package dev.tocsin.core.internal.template;

import dev.tocsin.core.Labels;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

/** Properties of the Go float formatting and of literal templates. */
class GoFloatPropertyTest {

    @Test
    void shortestFormatRoundTripsForEveryFiniteDouble() {
        qt().forAll(longs().all().map(Double::longBitsToDouble))
                .assuming(Double::isFinite)
                .checkAssert(x -> assertThat(Double.parseDouble(GoFloat.formatV(x))).isEqualTo(x));
        qt().forAll(doubles().any())
                .assuming(Double::isFinite)
                .checkAssert(x -> assertThat(Double.parseDouble(GoFloat.formatV(x))).isEqualTo(x));
    }

    @Test
    void shortestFormatIsNeverLongerThanJavasDigits() {
        qt().forAll(longs().all().map(Double::longBitsToDouble))
                .assuming(x -> Double.isFinite(x) && x != 0)
                .checkAssert(x -> {
                    BigDecimal ours = new BigDecimal(GoFloat.formatV(x)).stripTrailingZeros();
                    BigDecimal javas = new BigDecimal(Double.toString(x)).stripTrailingZeros();
                    assertThat(ours.precision()).isLessThanOrEqualTo(javas.precision());
                });
    }

    /**
     * The shortest digits are really the shortest: no decimal with one digit fewer parses back (checked on both
     * sides of the value, which matters at powers of two), and 'f' formatting has the same digits without exponent.
     */
    @Test
    void shortestDigitsCannotBeShortenedAndFFormatAgrees() {
        // any double, and powers of two (mantissa bits cleared), where the doubles above are twice as far apart
        qt().forAll(longs().all().map(b -> Double.longBitsToDouble((b & 1) == 0 ? b : b & 0xFFF0000000000000L)))
                .assuming(x -> Double.isFinite(x) && x != 0)
                .checkAssert(x -> {
                    BigDecimal ours = new BigDecimal(GoFloat.formatV(x)).stripTrailingZeros();
                    int p = ours.precision();
                    if (p > 1) {
                        BigDecimal exact = new BigDecimal(x);
                        for (java.math.RoundingMode m : new java.math.RoundingMode[] {java.math.RoundingMode.FLOOR,
                                java.math.RoundingMode.CEILING}) {
                            BigDecimal shorter = exact.round(new java.math.MathContext(p - 1, m));
                            assertThat(shorter.doubleValue()).as("%s with %s digits", x, p - 1).isNotEqualTo(x);
                        }
                    }
                    String f = GoFloat.formatF(x);
                    assertThat(f).doesNotContain("e").doesNotContain("E");
                    assertThat(new BigDecimal(f).compareTo(ours)).as(f).isZero();
                });
    }

    @Test
    void goDigitsForValuesJava17PrintsLonger() {
        // Java 17's Double.toString: 9.999999999999999E22, 4.9E-324; Go's (and Java 19's) shortest digits below
        assertThat(GoFloat.formatF(1e23)).isEqualTo("100000000000000000000000");
        assertThat(GoFloat.formatF(2e23)).isEqualTo("200000000000000000000000");
        assertThat(GoFloat.formatF(Double.MIN_VALUE)).startsWith("0.000").endsWith("0005").hasSize(326);
        assertThat(GoFloat.formatV(Math.scalb(1.0, -1017))).isEqualTo("7.120236347223045e-307");
        assertThat(GoFloat.formatF(-0.0)).isEqualTo("-0");
        assertThat(GoFloat.formatF(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(GoFloat.formatF(0.1)).isEqualTo("0.1");
    }

    @Test
    void usesExponentFormExactlyWhenTheDecimalExponentIsBelowMinus4OrAtLeast6() {
        qt().forAll(longs().all().map(Double::longBitsToDouble))
                .assuming(x -> Double.isFinite(x) && x != 0)
                .checkAssert(x -> {
                    String s = GoFloat.formatV(x);
                    BigDecimal d = new BigDecimal(s);
                    int exp = d.precision() - d.scale() - 1;
                    assertThat(s.contains("e")).as(s).isEqualTo(exp < -4 || exp >= 6);
                    if (s.contains("e")) {
                        assertThat(s).as(s).matches("-?[0-9](\\.[0-9]+)?e[+-][0-9]{2,3}");
                    }
                });
    }

    @Test
    void parsesWhatItFormats() {
        qt().forAll(longs().all().map(Double::longBitsToDouble))
                .assuming(Double::isFinite)
                .checkAssert(x -> assertThat(GoFloat.parse(GoFloat.formatV(x))).isEqualTo(x));
    }

    @Test
    void textWithoutActionsExpandsToItself() {
        TemplateData data = new TemplateData(Labels.of("job", "x"), 1, Labels.empty(), "");
        qt().forAll(strings().allPossible().ofLengthBetween(0, 200))
                .assuming(s -> !s.contains("{{"))
                .checkAssert(s -> assertThat(Template.parse("t", s).expand(data)).isEqualTo(s));
    }
}
