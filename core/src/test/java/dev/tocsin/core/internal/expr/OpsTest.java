package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpsTest {

    @Test
    void powFollowsGo() {
        assertThat(Ops.pow(1, Double.NaN)).isEqualTo(1.0);
        assertThat(Ops.pow(-1, Double.POSITIVE_INFINITY)).isEqualTo(1.0);
        assertThat(Ops.pow(Double.NaN, 0)).isEqualTo(1.0);
        assertThat(Ops.pow(2, 10)).isEqualTo(1024.0);
        assertThat(Ops.pow(2, Double.NaN)).isNaN();
    }

    @Test
    void goFloatParsing() {
        assertThat(Ops.parseGoFloat("+Inf")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(Ops.parseGoFloat("-infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(Ops.parseGoFloat("0.25")).isEqualTo(0.25);
        assertThat(Ops.parseGoFloat("1e3")).isEqualTo(1000.0);
        assertThat(Ops.parseGoFloat("0x1p-2")).isEqualTo(0.25);
        assertThat(Ops.isGoFloat("NaN")).isTrue();
        for (String bad : new String[] {"", "abc", "1d", " 1", "1 ", "Infinityx", "0x1"}) {
            assertThat(Ops.isGoFloat(bad)).as(bad).isFalse();
        }
    }

    @Test
    void goFloatFormatting() {
        assertThat(Ops.formatGoFloat(1)).isEqualTo("1");
        assertThat(Ops.formatGoFloat(0.1)).isEqualTo("0.1");
        assertThat(Ops.formatGoFloat(1e21)).isEqualTo("1000000000000000000000");
        assertThat(Ops.formatGoFloat(1.5e-7)).isEqualTo("0.00000015");
        assertThat(Ops.formatGoFloat(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(Ops.formatGoFloat(Double.NaN)).isEqualTo("NaN");
        assertThat(Ops.formatGoFloat(-0.0)).isEqualTo("-0");
    }
}
