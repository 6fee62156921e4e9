package dev.tocsin.core.internal.runbook;

import dev.tocsin.core.Runbook;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/** Property: a runbook in normal form, rendered by {@link RunbookMarkdownWriter}, parses back equal. */
class RunbookMarkdownRoundTripTest {

    /** Characters that may follow a word's first letter: letters, digits, inline Markdown and punctuation. */
    private static final String TAIL = "abcxyzABZ019éßж漢`*_#-+.:;,!?'\"()[]{}<>/\\|=%$@~&";
    private static final String HEAD = "aqzBQZéж漢";

    private static final Gen<String> WORD = in -> {
        int length = integers().between(0, 8).generate(in);
        StringBuilder sb = new StringBuilder();
        sb.append(HEAD.charAt(integers().between(0, HEAD.length() - 1).generate(in)));
        for (int i = 0; i < length; i++) {
            sb.append(TAIL.charAt(integers().between(0, TAIL.length() - 1).generate(in)));
        }
        return sb.toString();
    };

    /** A single line of words; it starts with a letter so it never looks like a list item, heading or fence. */
    private static final Gen<String> SENTENCE = lists().of(WORD).ofSizeBetween(1, 8).map(w -> String.join(" ", w));

    /** Prose: one-line paragraphs separated by a blank line, or nothing. */
    private static final Gen<String> PROSE = lists().of(SENTENCE).ofSizeBetween(0, 3)
            .map(p -> String.join("\n\n", p));

    private static final Gen<List<String>> STEPS = lists().of(SENTENCE).ofSizeBetween(0, 7);

    private static final Gen<Optional<URI>> URL = Generate.oneOf(Generate.constant(Optional.<URI>empty()),
            lists().of(Generate.pick(List.of("a", "b-c", "d_e", "F9", "x.md"))).ofSizeBetween(1, 4)
                    .map(p -> Optional.of(URI.create("https://runbooks.example.org/" + String.join("/", p)))));

    private static final Gen<Runbook> RUNBOOKS = in -> {
        Runbook.Builder b = Runbook.builder(SENTENCE.generate(in));
        if (Generate.booleans().generate(in)) {
            b.summary(SENTENCE.generate(in));
        }
        b.meaning(PROSE.generate(in)).impact(PROSE.generate(in));
        lists().of(SENTENCE).ofSizeBetween(0, 5).generate(in).forEach(b::impactPoint);
        STEPS.generate(in).forEach(b::diagnosisStep);
        STEPS.generate(in).forEach(b::mitigationStep);
        b.notes(PROSE.generate(in));
        Optional<URI> url = URL.generate(in);
        url.ifPresent(b::url);
        if (Generate.booleans().generate(in)) {
            StringBuilder rule = new StringBuilder("alert: ").append(WORD.generate(in)).append('\n')
                    .append("expr: ").append(SENTENCE.generate(in)).append('\n')
                    .append("labels:\n    severity: ").append(WORD.generate(in)).append('\n');
            if (url.isPresent() && Generate.booleans().generate(in)) {
                rule.append("annotations:\n    runbook: ").append(url.get()).append('\n');
            }
            b.ruleDefinition(rule.toString());
        }
        return b.build();
    };

    @Test
    void writtenRunbooksParseBackEqual() {
        qt().withExamples(500).forAll(RUNBOOKS.describedAs(RunbookMarkdownWriter::write))
                .checkAssert(r -> assertThat(RunbookMarkdownParser.parse(RunbookMarkdownWriter.write(r)))
                        .isEqualTo(r));
    }

    @Test
    void writtenRunbooksParseBackEqualWithCrlfLineEnds() {
        qt().withExamples(100).forAll(RUNBOOKS.describedAs(RunbookMarkdownWriter::write))
                .checkAssert(r -> assertThat(RunbookMarkdownParser.parse(
                        RunbookMarkdownWriter.write(r).replace("\n", "\r\n"))).isEqualTo(r));
    }

    @Test
    void theSeedSurvivesARoundTrip() {
        Runbook seed = Runbook.fromResource(Runbook.class, "HaproxyBackendDown.md");
        String written = RunbookMarkdownWriter.write(seed);
        assertThat(RunbookMarkdownParser.parse(written)).isEqualTo(seed);
        assertThat(written).contains("## Diagnosis\n\n1. Check the HAProxy dashboard", "\n5. If the issue persists",
                "```yaml\nalert: HaproxyBackendDown\n");
    }

    @Test
    void multiLineStepsAreIndentedUnderTheirMarker() {
        Runbook r = Runbook.builder("T").diagnosisStep("first\n- nested\n\nsecond paragraph").build();
        String written = RunbookMarkdownWriter.write(r);
        assertThat(written).contains("1. first\n   - nested\n\n   second paragraph\n");
        assertThat(RunbookMarkdownParser.parse(written)).isEqualTo(r);
    }

    @Test
    void notesWithoutStepsGoToANotesSection() {
        Runbook r = Runbook.builder("T").meaning("m").notes("n").build();
        assertThat(RunbookMarkdownWriter.write(r)).contains("## Notes\n\nn\n");
        assertThat(RunbookMarkdownParser.parse(RunbookMarkdownWriter.write(r))).isEqualTo(r);
    }
}
