package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;

import org.junit.jupiter.api.Test;

/**
 * Go's log and exp: exact values are checked against promtool by {@code pass/math-functions.test.yml}; here, that
 * they are accurate (within two ulps of Java's, each being within one of the true value, outside the subnormal
 * range) and handle the special cases as Go does.
 */
class GoMathTest {

    @Test
    void specialCasesAsGo() {
        assertThat(GoMath.log(0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(GoMath.log(-0.0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(GoMath.log(-1)).isNaN();
        assertThat(GoMath.log(Double.NaN)).isNaN();
        assertThat(GoMath.log(Double.POSITIVE_INFINITY)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(GoMath.log(1)).isEqualTo(0.0);
        assertThat(GoMath.log2(8)).isEqualTo(3.0);
        assertThat(GoMath.log2(0.125)).isEqualTo(-3.0);
        assertThat(GoMath.log2(0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(GoMath.log2(-4)).isNaN();
        assertThat(GoMath.log10(1000)).isEqualTo(3.0);
        assertThat(GoMath.log10(1e100)).isEqualTo(100.0);
        assertThat(GoMath.exp(0)).isEqualTo(1.0);
        assertThat(GoMath.exp(-0.0)).isEqualTo(1.0);
        assertThat(GoMath.exp(710)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(GoMath.exp(-746)).isEqualTo(0.0);
        assertThat(GoMath.exp(Double.NEGATIVE_INFINITY)).isEqualTo(0.0);
        assertThat(GoMath.exp(Double.NaN)).isNaN();
        assertThat(GoMath.exp(-735.258)).isEqualTo(4.803e-320); // Go's subnormal result
        // Prometheus' ln of a subnormal reads its bits as if normal: not the true logarithm (-710.53)
        assertThat(GoMath.log(2.63860764406929e-309)).isEqualTo(-708.977501066092);
    }

    /**
     * exp(x / 100) as promtool 2.42 computed it on an x86 CPU with AVX2 and FMA (this project's CI machines), for
     * values where Java's Math.exp differs in the last digit.
     */
    @Test
    void expMatchesPromtoolOnAnFmaCpu() {
        double[][] cases = {{1.55192, 1.015640248163874}, {91.6345, 2.5001356739959664}, {17.0686, 1.1861182494120184},
            {1.92296, 1.019415679589658}, {989.0, 19732.059938929244}, {366.0, 38.861342871332475},
            {1.76358, 1.0177922289509993}, {79.0, 2.2033964262559365}, {94.34, 2.5687001686280375}};
        for (double[] c : cases) {
            assertThat(GoMath.exp(c[0] / 100)).as("exp(%s / 100)", c[0]).isEqualTo(c[1]);
        }
        assertThat(GoMath.exp(603110.0 / 100)).isEqualTo(Double.POSITIVE_INFINITY);
    }

    /** x ^ y with a fractional y as promtool 2.42 computed it on an AVX2/FMA CPU (through its exp and log). */
    @Test
    void fractionalPowersMatchPromtoolOnAnFmaCpu() {
        double[][] cases = {{559.772386080496, 8.550456359042586, 3.138716958335364e+23},
            {662.4495318903681, -0.5593275726889284, 0.026427218384530556}, {707.0160292166942, 2.5, 13291474.126256943},
            {1.0201849521574111, 9.893016975101723, 1.2185984940833023},
            {9.575238620412986, 0.7428099282173195, 5.355594268824054},
            {1.5350759664475824, 2.8021939257085506, 3.3233187482107667},
            {0.4609535908532063, 9.362494553408633, 0.0007095653349484551}, {9.442393466124832, 2.5, 273.9714031570918}};
        for (double[] c : cases) {
            assertThat(GoMath.pow(c[0], c[1])).as("%s ^ %s", c[0], c[1]).isEqualTo(c[2]);
        }
    }

    @Test
    void inverseHyperbolicSpecialCasesAsGo() {
        assertThat(GoMath.asinh(-0.0)).isEqualTo(-0.0);
        assertThat(GoMath.asinh(Double.NEGATIVE_INFINITY)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(GoMath.acosh(1)).isEqualTo(0.0);
        assertThat(GoMath.acosh(0.5)).isNaN();
        assertThat(GoMath.acosh(Double.POSITIVE_INFINITY)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(GoMath.atanh(1)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(GoMath.atanh(-1)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(GoMath.atanh(1.5)).isNaN();
        assertThat(GoMath.atanh(-0.0)).isEqualTo(-0.0);
        assertThat(GoMath.log1p(-1)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(GoMath.log1p(1e-20)).isEqualTo(1e-20);
        qt().forAll(doubles().between(-0.999, 1e6)).checkAssert(x -> assertThat(Math.abs(GoMath.log1p(x)
                - Math.log1p(x))).as("log1p %s", x).isLessThanOrEqualTo(2 * Math.ulp(Math.log1p(x))));
        qt().forAll(doubles().between(-1e6, 1e6)).checkAssert(x -> assertThat(GoMath.asinh(x)).as("asinh %s", x)
                .isCloseTo(Math.signum(x) * Math.log(Math.abs(x) + Math.sqrt(x * x + 1)),
                        org.assertj.core.data.Offset.offset(1e-9 * Math.abs(
                        GoMath.asinh(x)) + 1e-15)));
    }

    @Test
    void powSpecialCasesAsGo() {
        assertThat(GoMath.pow(-0.0, -3)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(GoMath.pow(-0.0, -2)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(GoMath.pow(-0.0, 3)).isEqualTo(-0.0);
        assertThat(GoMath.pow(-1, Double.POSITIVE_INFINITY)).isEqualTo(1.0);
        assertThat(GoMath.pow(1, Double.NaN)).isEqualTo(1.0);
        assertThat(GoMath.pow(Double.NaN, 0)).isEqualTo(1.0);
        assertThat(GoMath.pow(-8, 1.0 / 3)).isNaN();
        assertThat(GoMath.pow(Double.NEGATIVE_INFINITY, 3)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(GoMath.pow(Double.NEGATIVE_INFINITY, -3)).isEqualTo(-0.0);
        assertThat(GoMath.pow(0.5, 1e20)).isEqualTo(0.0);
        assertThat(GoMath.pow(-2, 1e20)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(GoMath.pow(2, -1074)).isEqualTo(Double.MIN_VALUE);
        assertThat(GoMath.pow(2, -1076)).isEqualTo(0.0);
        assertThat(GoMath.pow(3, 2)).isEqualTo(9.0);
    }

    @Test
    void powIsCloseToJavas() {
        qt().forAll(doubles().between(1e-3, 1e3), doubles().between(-20, 20)).checkAssert((x, y) -> {
            double go = GoMath.pow(x, y);
            double java = Math.pow(x, y);
            if (Double.isFinite(java) && java != 0 && Math.abs(java) > Double.MIN_NORMAL) {
                assertThat(Math.abs(go - java) / Math.abs(java)).as("%s ^ %s", x, y).isLessThan(1e-14);
            }
        });
    }

    @Test
    void logIsWithinTwoUlpsOfJavasForNormalNumbers() {
        qt().forAll(doubles().between(Double.MIN_NORMAL, Double.MAX_VALUE)).checkAssert(x -> {
            double go = GoMath.log(x);
            assertThat(Math.abs(go - Math.log(x))).as("ln %s", x).isLessThanOrEqualTo(2 * Math.ulp(go));
            double go10 = GoMath.log10(x);
            assertThat(Math.abs(go10 - Math.log10(x))).as("log10 %s", x).isLessThanOrEqualTo(4 * Math.ulp(go10));
            double go2 = GoMath.log2(x);
            assertThat(Math.abs(go2 - Math.log(x) / Math.log(2))).as("log2 %s", x)
                    .isLessThanOrEqualTo(4 * Math.ulp(go2));
        });
    }

    @Test
    void expIsWithinTwoUlpsOfJavasAwayFromSubnormalResults() {
        qt().forAll(doubles().between(-708, 709)).checkAssert(x -> {
            double go = GoMath.exp(x);
            assertThat(Math.abs(go - Math.exp(x))).as("exp %s", x).isLessThanOrEqualTo(2 * Math.ulp(go));
        });
    }
}
