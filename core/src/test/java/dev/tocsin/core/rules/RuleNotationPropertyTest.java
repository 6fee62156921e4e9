package dev.tocsin.core.rules;

import dev.tocsin.core.internal.expr.PromDuration;
import dev.tocsin.core.internal.rules.SeriesNotation;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** Properties of Prometheus durations and of the promtool series notation. */
class RuleNotationPropertyTest {

    @Test
    void durationsPrintAndParseBack() {
        // the whole range of a Go time.Duration, as Prometheus'
        qt().forAll(longs().between(0, Long.MAX_VALUE / 1_000_000)).checkAssert(ms -> {
            Duration d = Duration.ofMillis(ms);
            String text = PromDuration.format(d);
            assertThat(PromDuration.parse(text)).as(text).isEqualTo(d);
        });
    }

    @Test
    void repeatedSteppingExpandsToNPlusOneValues() {
        qt().forAll(integers().between(-1000, 1000), integers().between(-50, 50), integers().between(0, 300))
                .checkAssert((a, b, n) -> {
                    String text = a + (b < 0 ? "-" + (-b) : "+" + b) + "x" + n;
                    SeriesNotation.Values v = SeriesNotation.parseValues("_ " + text + " _x2");
                    assertThat(v.size()).as(text).isEqualTo(1 + n + 1 + 2);
                    assertThat(v.kind(0)).isEqualTo(SeriesNotation.Values.OMITTED);
                    for (int k = 0; k <= n; k++) {
                        assertThat(v.kind(1 + k)).isEqualTo(SeriesNotation.Values.VALUE);
                        assertThat(v.value(1 + k)).as("%s step %d", text, k).isEqualTo((double) a + (long) k * b);
                    }
                    assertThat(v.kind(n + 2)).isEqualTo(SeriesNotation.Values.OMITTED);
                    assertThat(v.kind(n + 3)).isEqualTo(SeriesNotation.Values.OMITTED);
                });
    }
}
