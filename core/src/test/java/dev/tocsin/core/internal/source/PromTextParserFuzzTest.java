package dev.tocsin.core.internal.source;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tocsin.core.Sample;
import dev.tocsin.core.source.PrometheusTextFormatException;

/**
 * Fuzzes the text-format parser: whatever the bytes, it returns samples with a valid metric name or throws a
 * {@link PrometheusTextFormatException} with a position inside the input. The committed seeds (among them a real
 * HAProxy 2.6 export) replay on every build; real fuzzing runs with {@code JAZZER_FUZZ=1}.
 */
class PromTextParserFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] data) {
        long lines = 1;
        for (byte b : data) {
            if (b == '\n') {
                lines++;
            }
        }
        try {
            PromTextParser.Result r = PromTextParser.parse("fuzz", data);
            for (Sample s : r.samples()) {
                if (!Sample.isValidMetricName(s.metricName())) {
                    throw new AssertionError("invalid metric name " + s.metricName());
                }
            }
            ScrapeLabels.apply(r.samples(), data.length % 2 == 0).forEach(s -> {
                if (data.length % 2 != 0 && (s.labels().has("instance") || s.labels().has("job"))) {
                    throw new AssertionError("target label left in " + s);
                }
            });
        } catch (PrometheusTextFormatException e) {
            if (e.line() < 1 || e.line() > lines || e.column() < 1) {
                throw new AssertionError("position out of the input: " + e.getMessage(), e);
            }
        }
    }
}
