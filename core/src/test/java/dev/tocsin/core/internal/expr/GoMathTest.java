package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;

import org.junit.jupiter.api.Test;

/**
 * Go's log and exp: exact values are checked against promtool by {@code pass/math-functions.test.yml}; here, that
 * they are accurate (within one ulp of Java's, outside the subnormal range) and handle the special cases as Go does.
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

    @Test
    void logIsWithinAnUlpOfJavasForNormalNumbers() {
        qt().forAll(doubles().between(Double.MIN_NORMAL, Double.MAX_VALUE)).checkAssert(x -> {
            double go = GoMath.log(x);
            assertThat(Math.abs(go - Math.log(x))).as("ln %s", x).isLessThanOrEqualTo(Math.ulp(go));
            double go10 = GoMath.log10(x);
            assertThat(Math.abs(go10 - Math.log10(x))).as("log10 %s", x).isLessThanOrEqualTo(2 * Math.ulp(go10));
            double go2 = GoMath.log2(x);
            assertThat(Math.abs(go2 - Math.log(x) / Math.log(2))).as("log2 %s", x)
                    .isLessThanOrEqualTo(4 * Math.ulp(go2));
        });
    }

    @Test
    void expIsWithinAnUlpOfJavasAwayFromSubnormalResults() {
        qt().forAll(doubles().between(-708, 709)).checkAssert(x -> {
            double go = GoMath.exp(x);
            assertThat(Math.abs(go - Math.exp(x))).as("exp %s", x).isLessThanOrEqualTo(Math.ulp(go));
        });
    }
}
