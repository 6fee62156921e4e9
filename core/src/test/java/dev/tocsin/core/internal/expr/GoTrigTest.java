package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;

import org.junit.jupiter.api.Test;

/**
 * Go's trigonometric and hyperbolic functions: exact values of the CPU-independent ones are checked against promtool
 * by {@code pass/math-functions.test.yml}; here the hyperbolic ones (through Go's FMA exp), special cases, and
 * accuracy against Java's.
 */
class GoTrigTest {

    /** x, sinh, cosh, tanh as promtool 2.42 computed them on an x86 CPU with AVX2 and FMA. */
    private static final double[][] HYPERBOLIC = {
        {-7.752022778395284, -1163.136381988408, 1163.1368118605326, -0.9999996304199814},
        {0.3677285469065339, 0.3760724004099506, 1.0683774849509429, 0.3520033000575811},
        {-2.1612068466999057, -4.283211342144979, 4.398397367391832, -0.9738118192547128},
        {-5.034274946234838, -76.79084080837396, 76.79735172554476, -0.9999152195092084},
        {7.228582567041148, 689.1333957647428, 689.1341213132939, 0.9999989471591543},
        {-2.837643767978187e-08, -2.8376437679781874e-08, 1.0000000000000004, -2.8376437679781864e-08},
        {-11.99466545618418, -80944.44026001348, 80944.44026619056, -0.9999999999236875},
        {0.007762942709715727, 0.00776302068001506, 1.0000301317910767, 0.007762786773345832},
        {-0.827774364724073, -0.9255997355582332, 1.3626205893297925, -0.6792791352239078},
        {0.7108422287803364, 0.7722373856692457, 1.2634676805622183, 0.6112047008005899},
        {-0.7036595315596854, -0.7631821222279157, 1.2579534775532462, -0.6066854902395324}};

    @Test
    void hyperbolicFunctionsMatchPromtoolOnAnFmaCpu() {
        for (double[] c : HYPERBOLIC) {
            assertThat(GoTrig.sinh(c[0])).as("sinh %s", c[0]).isEqualTo(c[1]);
            assertThat(GoTrig.cosh(c[0])).as("cosh %s", c[0]).isEqualTo(c[2]);
            assertThat(GoTrig.tanh(c[0])).as("tanh %s", c[0]).isEqualTo(c[3]);
        }
    }

    @Test
    void specialCasesAsGo() {
        assertThat(GoTrig.sin(-0.0)).isEqualTo(-0.0);
        assertThat(GoTrig.sin(Double.POSITIVE_INFINITY)).isNaN();
        assertThat(GoTrig.cos(Double.NEGATIVE_INFINITY)).isNaN();
        assertThat(GoTrig.cos(0)).isEqualTo(1.0);
        assertThat(GoTrig.tan(-0.0)).isEqualTo(-0.0);
        assertThat(GoTrig.asin(1.5)).isNaN();
        assertThat(GoTrig.asin(-0.0)).isEqualTo(-0.0);
        assertThat(GoTrig.acos(1)).isEqualTo(0.0);
        assertThat(GoTrig.atan(Double.POSITIVE_INFINITY)).isEqualTo(Math.PI / 2);
        assertThat(GoTrig.atan2(0.0, -1)).isEqualTo(Math.PI);
        assertThat(GoTrig.atan2(-0.0, -0.0)).isEqualTo(-Math.PI);
        assertThat(GoTrig.atan2(-0.0, 0.0)).isEqualTo(-0.0);
        assertThat(GoTrig.atan2(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)).isEqualTo(3 * Math.PI / 4);
        assertThat(GoTrig.atan2(1, Double.POSITIVE_INFINITY)).isEqualTo(0.0);
        assertThat(GoTrig.atan2(Double.NaN, 1)).isNaN();
        assertThat(GoTrig.sinh(Double.NEGATIVE_INFINITY)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(GoTrig.cosh(Double.NEGATIVE_INFINITY)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(GoTrig.tanh(-1000)).isEqualTo(-1.0);
        assertThat(GoTrig.tanh(-0.0)).isEqualTo(-0.0);
    }

    @Test
    void closeToJavasAcrossTheRangeIncludingPayneHanekReduction() {
        qt().forAll(doubles().between(-1e22, 1e22)).checkAssert(x -> {
            close("sin", x, GoTrig.sin(x), Math.sin(x));
            close("cos", x, GoTrig.cos(x), Math.cos(x));
        });
        qt().forAll(doubles().between(-1e3, 1e3)).checkAssert(x -> {
            close("tan", x, GoTrig.tan(x), Math.tan(x));
            close("atan", x, GoTrig.atan(x), Math.atan(x));
            close("atan2", x, GoTrig.atan2(x, 3), Math.atan2(x, 3));
        });
        qt().forAll(doubles().between(-1, 1)).checkAssert(x -> {
            // Go computes sqrt(1 - x*x): the rounding of x*x (up to half an ulp of 1) is amplified by the
            // function's slope 1/sqrt(1 - x^2) near +-1, so Go is that much less accurate there than Java.
            double slack = Math.ulp(1.0) / Math.sqrt(1 - x * x);
            close("asin", x, GoTrig.asin(x), Math.asin(x), slack);
            close("acos", x, GoTrig.acos(x), Math.acos(x), slack);
        });
    }

    /** Within 8 ulps of Java's (a few ulps of difference are what Go's and Java's algorithms allow each). */
    private static void close(String f, double x, double go, double java) {
        close(f, x, go, java, 0);
    }

    /** Within 8 ulps of Java's plus {@code slack}, the error the input's own rounding causes in Go's formula. */
    private static void close(String f, double x, double go, double java, double slack) {
        assertThat(go).as("%s %s", f, x).isCloseTo(java, org.assertj.core.data.Offset.offset(
                Math.max(1e-15, 8 * Math.ulp(java)) + slack));
    }
}
