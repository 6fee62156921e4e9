package dev.tocsin.core.internal.runbook;

import dev.tocsin.core.Runbook;
import dev.tocsin.core.RunbookFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunbookMarkdownParserTest {

    private static Runbook parse(String... lines) {
        return RunbookMarkdownParser.parse(String.join("\n", lines));
    }

    private static RunbookFormatException failure(String... lines) {
        try {
            parse(lines);
        } catch (RunbookFormatException e) {
            return e;
        }
        throw new AssertionError("expected a RunbookFormatException");
    }

    // ------------------------------------------------------------------ structure

    @Test
    void minimalDocumentIsJustATitle() {
        Runbook r = parse("# Only");
        assertThat(r).isEqualTo(Runbook.builder("Only").build());
        assertThat(r.url()).isEmpty();
        assertThat(r.ruleDefinition()).isEmpty();
    }

    @Test
    void markdownCommentLinesAndThematicBreaksAreNotText() {
        // as srerun's runbook template writes them: a comment under each heading, a rule after the last step
        Runbook r = parse("# T", "[//]: # \"Short paragraph that summarises\"", "The summary.", "", "## Meaning",
                "[//]: # \"Short paragraph that explains what the alert means\"",
                "Number of CoreDNS panics encountered", "## Diagnosis", "[//]: # (comment)", "1. look", "",
                "## Mitigation", "1. fix", "2. verify", "---", "", "* * *");
        assertThat(r.summary()).isEqualTo("The summary.");
        assertThat(r.meaning()).isEqualTo("Number of CoreDNS panics encountered");
        assertThat(r.diagnosis()).containsExactly("look");
        assertThat(r.mitigation()).containsExactly("fix", "verify");
        // a rule between two steps does not break their list; one inside a step's content keeps the step going
        assertThat(parse("# T", "## Diagnosis", "1. a", "---", "2. b").diagnosis()).containsExactly("a", "b");
        assertThat(parse("# T", "## Diagnosis", "1. step", "", "   * * *", "   continued").diagnosis())
                .containsExactly("step\n\ncontinued");
        // in the preamble a rule ends the summary
        assertThat(parse("# T", "The summary.", "---").summary()).isEqualTo("The summary.");
        // a line that only looks like the comment idiom is text ("# of servers" is no quoted title)
        assertThat(parse("# T", "## Meaning", "Count of servers:", "[total]: # of servers down").meaning())
                .isEqualTo("Count of servers: [total]: # of servers down");
    }

    @Test
    void summaryIsTheFirstParagraphJoined() {
        Runbook r = parse("# T", "", "first line", "  second line  ", "", "ignored intro", "", "## Meaning", "m");
        assertThat(r.summary()).isEqualTo("first line second line");
        assertThat(r.meaning()).isEqualTo("m");
    }

    @Test
    void detailsBeforeAnyTextMeansNoSummary() {
        Runbook r = parse("# T", "<details>", "```yaml", "alert: X", "```", "</details>", "", "intro text");
        assertThat(r.summary()).isEmpty();
        assertThat(r.ruleDefinition()).contains("alert: X\n");
    }

    @Test
    void sectionHeadingsAreCaseInsensitiveAndUnknownSectionsAreSkipped() {
        Runbook r = parse("# T", "## MEANING", "It means.", "## See also", "1. not a step", "* not a point",
                "## impact ##", "prose", "- point", "## diagnosis", "1. look", "## Mitigation", "1. fix");
        assertThat(r.meaning()).isEqualTo("It means.");
        assertThat(r.impact()).isEqualTo("prose");
        assertThat(r.impactPoints()).containsExactly("point");
        assertThat(r.diagnosis()).containsExactly("look");
        assertThat(r.mitigation()).containsExactly("fix");
        assertThat(r.notes()).isEmpty();
    }

    @Test
    void stepsWrapJoinWithASpaceAndKeepInlineMarkdown() {
        Runbook r = parse("# T", "## Diagnosis", "Intro sentence:", "", "1. Run `curl -v",
                "   http://x` and", "read **the** output.", "2) Second", "", "3. Third after a blank line",
                "", "   A second paragraph of step 3.", "   - a nested point", "", "Closing words.");
        assertThat(r.diagnosis()).containsExactly("Run `curl -v http://x` and read **the** output.", "Second",
                "Third after a blank line\n\nA second paragraph of step 3.\n- a nested point");
        assertThat(r.notes()).isEqualTo("Closing words.");
    }

    @Test
    void stepsMayAllBeNumberedOne() {
        Runbook r = parse("# T", "## Mitigation", "1. a", "1. b", "1. c");
        assertThat(r.mitigation()).containsExactly("a", "b", "c");
    }

    @Test
    void fencedBlockInsideAStepBelongsToTheStep() {
        Runbook r = parse("# T", "## Diagnosis", "1. Ask HAProxy:", "", "   ```sh",
                "   echo \"show stat\" | socat stdio /run/haproxy/admin.sock", "   ```", "2. Next");
        assertThat(r.diagnosis()).containsExactly(
                "Ask HAProxy:\n```sh\necho \"show stat\" | socat stdio /run/haproxy/admin.sock\n```", "Next");
    }

    @Test
    void headingInsideAFenceIsNotASection() {
        Runbook r = parse("# T", "## Meaning", "```", "## Diagnosis", "```");
        assertThat(r.meaning()).isEqualTo("```\n## Diagnosis\n```");
        assertThat(r.diagnosis()).isEmpty();
    }

    @Test
    void notesCollectTextAfterEveryStepListAndTheNotesSection() {
        Runbook r = parse("# T", "## Diagnosis", "1. d", "", "after d", "## Mitigation", "1. m", "", "after m",
                "", "- a bullet", "## Notes", "explicit");
        assertThat(r.notes()).isEqualTo("after d\n\nafter m\n\n- a bullet\n\nexplicit");
    }

    @Test
    void tabsAndCarriageReturnsAreWhitespace() {
        Runbook r = RunbookMarkdownParser.parse("#\tT\r\n\r\n## Diagnosis\r\n1.\tstep one\r\n\tcontinued\r\n");
        assertThat(r.title()).isEqualTo("T");
        assertThat(r.diagnosis()).containsExactly("step one continued");
    }

    @Test
    void frontMatterIsSkippedAndMayGiveTheUrl() {
        Runbook r = parse("---", "title: ignored", "# a comment", "tags:", "  - a", "- b",
                "runbook_url: 'https://example.org/rb.md'", "---", "# Real");
        assertThat(r.title()).isEqualTo("Real");
        assertThat(r.url()).contains(URI.create("https://example.org/rb.md"));
    }

    @Test
    void theRuleAnnotationWinsOverFrontMatter() {
        Runbook r = parse("---", "url: https://example.org/front.md", "---", "# T", "<details>", "```yaml",
                "- alert: X", "  annotations:", "    runbook_url: \"https://example.org/rule.md\" # comment",
                "```", "</details>");
        assertThat(r.url()).contains(URI.create("https://example.org/rule.md"));
    }

    @Test
    void aTemplatedRunbookAnnotationIsNotAUrl() {
        Runbook r = parse("---", "url: https://example.org/front.md", "---", "# T", "<details>", "```yaml",
                "annotations:", "  runbook: https://example.org/{{ $labels.alertname }}", "```", "</details>");
        assertThat(r.url()).contains(URI.create("https://example.org/front.md"));
    }

    @Test
    void runbookKeysOutsideAnnotationsAreNotTheUrl() {
        Runbook r = parse("# T", "<details>", "```yaml", "runbook: https://example.org/a", "labels:",
                "  runbook: https://example.org/b", "```", "</details>");
        assertThat(r.url()).isEmpty();
    }

    @Test
    void ruleDefinitionKeepsIndentationAndDropsTrailingBlankLines() {
        Runbook r = parse("# T", "<details>", "  ```yaml", "  a:", "      b: c", "", "", "  ```", "</details>");
        assertThat(r.ruleDefinition()).contains("a:\n    b: c\n");
    }

    @Test
    void theDocumentationExampleParsesAsDocumented() {
        // The example of docs/runbooks.md, copied verbatim.
        Runbook r = Runbook.fromResource(RunbookMarkdownParserTest.class, "CheckoutThin.md");
        assertThat(r.title()).isEqualTo("CheckoutThin");
        assertThat(r.summary()).isEqualTo("The checkout backend runs on fewer than two servers");
        assertThat(r.ruleDefinition()).hasValueSatisfying(rule -> assertThat(rule)
                .startsWith("alert: CheckoutThin\n").endsWith("runbook: https://runbooks.example.org/CheckoutThin.md\n"));
        assertThat(r.url()).contains(URI.create("https://runbooks.example.org/CheckoutThin.md"));
        assertThat(r.meaning()).isEqualTo("Fewer than two servers of the checkout backend pass their health checks.");
        assertThat(r.impact()).isEqualTo("One more failure takes checkout down:");
        assertThat(r.impactPoints()).containsExactly("No redundancy left", "Higher latency on the remaining server");
        assertThat(r.diagnosis()).containsExactly(
                "Read the alert's context: it lists the servers that are down with their last `check_status`.",
                "Run `echo \"show stat\" | socat stdio /run/haproxy/admin.sock` and compare the `status` column of "
                        + "every checkout server.",
                "Read the application logs of the failing servers.");
        assertThat(r.mitigation()).containsExactly("Restart the failing servers.",
                "Add a server to the backend if they cannot be restarted.");
        assertThat(r.notes()).isEqualTo("Record what you found in the incident notes.");
    }

    // ------------------------------------------------------------------ errors

    @Test
    void emptyInputHasNoTitle() {
        RunbookFormatException e = failure("");
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.detail()).contains("'# <title>'");
    }

    @Test
    void textBeforeTheTitleIsAnError() {
        RunbookFormatException e = failure("", "", "Some text", "# T");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).isEqualTo("runbook at line 3: expected the '# <title>' heading, found 'Some text'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"#Title", "## Title", "    # Title"})
    void notATitleHeading(String line) {
        assertThat(failure(line).line()).isEqualTo(1);
    }

    @Test
    void emptyTitle() {
        RunbookFormatException e = failure("---", "a: b", "---", "#   ");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("empty");
    }

    @Test
    void secondTitle() {
        assertThat(failure("# A", "text", "# B").line()).isEqualTo(3);
        assertThat(failure("# A", "## Meaning", "x", "# B").line()).isEqualTo(4);
    }

    @Test
    void unterminatedFrontMatter() {
        RunbookFormatException e = failure("---", "title: x", "# T");
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.detail()).contains("front matter");
    }

    @Test
    void badFrontMatterLine() {
        assertThat(failure("---", "title: x", "just words", "---", "# T").line()).isEqualTo(3);
        assertThat(failure("---", "title: x", "title: y", "---", "# T").detail()).contains("line 2");
    }

    @Test
    void unterminatedDetails() {
        RunbookFormatException e = failure("# T", "", "<details>", "```yaml", "a: b", "```", "## Meaning");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("</details>");
    }

    @Test
    void unterminatedFenceInDetails() {
        RunbookFormatException e = failure("# T", "<details>", "", "```yaml", "a: b", "</details>");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("never closed");
    }

    @Test
    void unterminatedFenceInASection() {
        assertThat(failure("# T", "## Diagnosis", "1. x", "~~~~", "~~~").line()).isEqualTo(4);
        assertThat(failure("# T", "## Whatever", "```").line()).isEqualTo(3);
    }

    @Test
    void twoRuleBlocks() {
        RunbookFormatException e = failure("# T", "<details>", "```", "a: 1", "```", "```", "b: 2", "```",
                "</details>");
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.detail()).contains("line 3");
    }

    @Test
    void emptyRuleBlock() {
        assertThat(failure("# T", "<details>", "```yaml", "", "```", "</details>").line()).isEqualTo(3);
    }

    @Test
    void stepSectionWithoutNumberedSteps() {
        RunbookFormatException e = failure("# T", "## Meaning", "m", "## Mitigation", "Just do it.", "- a bullet");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("'Mitigation'", "no numbered steps");
        assertThat(failure("# T", "## Diagnosis").line()).isEqualTo(2);
    }

    @Test
    void duplicatedSection() {
        RunbookFormatException e = failure("# T", "## Impact", "x", "## impact", "y");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("line 2");
    }

    @Test
    void stepsOutOfOrder() {
        RunbookFormatException e = failure("# T", "## Diagnosis", "1. a", "3. c");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("expected 2");
        assertThat(failure("# T", "## Diagnosis", "2. a", "3. b").line()).isEqualTo(3);
        assertThat(failure("# T", "## Diagnosis", "1. a", "1. b", "2. c").line()).isEqualTo(4);
    }

    @Test
    void stepsSplitByText() {
        RunbookFormatException e = failure("# T", "## Diagnosis", "1. a", "", "interlude", "", "2. b");
        assertThat(e.line()).isEqualTo(7);
        assertThat(e.detail()).contains("single numbered list");
    }

    @Test
    void emptyListItem() {
        assertThat(failure("# T", "## Diagnosis", "1. a", "2.").line()).isEqualTo(4);
        assertThat(failure("# T", "## Impact", "*").line()).isEqualTo(3);
    }

    @Test
    void invalidUrls() {
        assertThat(failure("---", "url: not a url", "---", "# T").line()).isEqualTo(2);
        assertThat(failure("---", "x: y", "url: relative/path", "---", "# T").line()).isEqualTo(3);
        RunbookFormatException e = failure("# T", "<details>", "```", "annotations:", "  runbook: |",
                "    https://x", "```", "</details>");
        assertThat(e.line()).isEqualTo(5);
        assertThat(failure("# T", "<details>", "```", "annotations:", "  runbook: http://a b", "```",
                "</details>").line()).isEqualTo(5);
    }

    @Test
    void errorMessagesEscapeControlCharactersAndShortenLongLines() {
        RunbookFormatException e = failure("\u0001" + "x".repeat(100));
        assertThat(e.getMessage()).contains("\\u0001").contains("...").hasSizeLessThan(120);
    }
}
