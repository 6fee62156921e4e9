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
