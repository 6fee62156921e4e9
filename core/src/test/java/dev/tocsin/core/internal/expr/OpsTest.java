package dev.tocsin.core.internal.expr;

import dev.tocsin.core.internal.template.GoFloat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(GoFloat.parse("+Inf")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(GoFloat.parse("-infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(GoFloat.parse("0.25")).isEqualTo(0.25);
        assertThat(GoFloat.parse("1e3")).isEqualTo(1000.0);
        assertThat(GoFloat.parse("0x1p-2")).isEqualTo(0.25);
        assertThat(GoFloat.parse("NaN")).isNaN();
        // Go's underscores between digits only
        assertThat(GoFloat.parse("1_000")).isEqualTo(1000.0);
        assertThat(GoFloat.parse("1_0.5_0e1_0")).isEqualTo(10.5e10);
        assertThat(GoFloat.parse("0x_1p4")).isEqualTo(16.0);
        for (String bad : new String[] {"", "abc", "1d", " 1", "1 ", "Infinityx", "0x1", "+nan", "-NaN", "_1", "1_",
            "1__0", "1_.5", "1_e5", "1e400", "-1e400"}) {
            assertThatThrownBy(() -> GoFloat.parse(bad)).as(bad).isInstanceOf(NumberFormatException.class);
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
