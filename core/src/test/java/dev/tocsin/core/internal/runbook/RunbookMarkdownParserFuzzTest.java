package dev.tocsin.core.internal.runbook;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tocsin.core.Runbook;
import dev.tocsin.core.RunbookFormatException;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the runbook parser: whatever the bytes, it returns a runbook or throws {@link RunbookFormatException} with a
 * line inside the document. Every {@code mvn verify} replays the committed inputs in
 * {@code RunbookMarkdownParserFuzzTestInputs/parse/}; set {@code JAZZER_FUZZ=1} to fuzz.
 */
class RunbookMarkdownParserFuzzTest {

    @FuzzTest(maxDuration = "3m")
    void parse(byte[] data) {
        check(new String(data, StandardCharsets.UTF_8));
        check(new String(data, StandardCharsets.ISO_8859_1));
    }

    private static void check(String text) {
        int lines = RunbookMarkdownParser.splitLines(text).size();
        Runbook runbook;
        try {
            runbook = RunbookMarkdownParser.parse(text);
        } catch (RunbookFormatException e) {
            assertThat(e.line()).isBetween(1, Math.max(1, lines));
            assertThat(e.detail()).isNotBlank();
            return;
        }
        assertThat(runbook.title()).isNotBlank();
        assertThat(runbook.diagnosis()).allSatisfy(step -> assertThat(step).isNotBlank());
        assertThat(runbook.mitigation()).allSatisfy(step -> assertThat(step).isNotBlank());
        // Parsing is a function of the text: the same input gives an equal runbook.
        assertThat(RunbookMarkdownParser.parse(text)).isEqualTo(runbook);
    }
}
