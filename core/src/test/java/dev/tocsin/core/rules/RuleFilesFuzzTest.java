package dev.tocsin.core.rules;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tocsin.core.TocsinParseException;
import dev.tocsin.core.internal.rules.SeriesNotation;

import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the rule-file parser and the promtool series notation: whatever the input, only {@link RuleFileException}
 * (rule files) or {@link TocsinParseException} (series notation) may escape. The committed seeds replay on every
 * build; real fuzzing runs with {@code JAZZER_FUZZ=1}.
 */
class RuleFilesFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void ruleFile(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            RuleGroups g = RuleFiles.parse("fuzz.yml", text, new RuleFiles.Options(data.length % 2 == 0));
            g.rules().forEach(r -> {
                if (r.name().isEmpty()) {
                    throw new AssertionError("rule without a name from: " + text);
                }
            });
        } catch (RuleFileException e) {
            if (!e.file().equals("fuzz.yml")) {
                throw new AssertionError("exception names the wrong file: " + e.getMessage(), e);
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void seriesNotation(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        String series = nl < 0 ? text : text.substring(0, nl);
        String values = nl < 0 ? "" : text.substring(nl + 1);
        try {
            SeriesNotation.parseSeries(series);
        } catch (TocsinParseException e) {
            // expected for malformed input
        }
        try {
            SeriesNotation.Values v = SeriesNotation.parseValues(values);
            if (v.size() > SeriesNotation.MAX_VALUES) {
                throw new AssertionError("more values than the limit: " + v.size());
            }
        } catch (TocsinParseException e) {
            // expected for malformed input
        }
    }
}
