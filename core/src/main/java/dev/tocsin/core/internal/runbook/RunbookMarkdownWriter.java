package dev.tocsin.core.internal.runbook;

import dev.tocsin.core.Runbook;

import java.util.List;
import java.util.Objects;

/**
 * Renders a {@link Runbook} in the Markdown runbook format read by {@link RunbookMarkdownParser}.
 *
 * <p>The output parses back to an equal runbook when every text is in the parser's normal form: the title and list
 * items are single non-blank lines without surrounding whitespace; prose paragraphs are single lines separated by one
 * blank line ({@code "\n\n"}); no text line starts like Markdown structure (a list marker, {@code #}, a code fence,
 * {@code <details>} or a {@code {{%} shortcode}); the rule definition is non-blank, ends with a newline and has no
 * trailing blank line or closing fence; and when the rule carries a {@code runbook:} annotation, it names the same URL.
 * Empty sections are left out; notes follow the last numbered list, or go in a {@code ## Notes} section when the
 * runbook has no steps.
 */
public final class RunbookMarkdownWriter {

    private RunbookMarkdownWriter() {
    }

    /**
     * Renders a runbook as Markdown.
     *
     * @param runbook the runbook
     * @return the document, with LF line ends and a final newline
     */
    public static String write(Runbook runbook) {
        Objects.requireNonNull(runbook, "runbook");
        StringBuilder out = new StringBuilder();
        out.append("---\n");
        out.append("title: ").append(runbook.title()).append('\n');
        runbook.url().ifPresent(u -> out.append("url: ").append(u).append('\n'));
        out.append("---\n\n");
        out.append("# ").append(runbook.title()).append("\n\n");
        if (!runbook.summary().isEmpty()) {
            out.append(runbook.summary()).append("\n\n");
        }
        runbook.ruleDefinition().ifPresent(rule -> {
            out.append("<details>\n  <summary>Alert Rule</summary>\n\n```yaml\n").append(rule);
            if (!rule.endsWith("\n")) {
                out.append('\n');
            }
            out.append("```\n\n</details>\n\n");
        });
        if (!runbook.meaning().isEmpty()) {
            out.append("## Meaning\n\n").append(runbook.meaning()).append("\n\n");
        }
        if (!runbook.impact().isEmpty() || !runbook.impactPoints().isEmpty()) {
            out.append("## Impact\n\n");
            if (!runbook.impact().isEmpty()) {
                out.append(runbook.impact()).append("\n\n");
            }
            if (!runbook.impactPoints().isEmpty()) {
                for (String point : runbook.impactPoints()) {
                    item(out, "*", point);
                }
                out.append('\n');
            }
        }
        steps(out, "Diagnosis", runbook.diagnosis());
        steps(out, "Mitigation", runbook.mitigation());
        if (!runbook.notes().isEmpty()) {
            if (runbook.diagnosis().isEmpty() && runbook.mitigation().isEmpty()) {
                out.append("## Notes\n\n");
            }
            out.append(runbook.notes()).append("\n\n");
        }
        // One final newline, not a trailing blank line.
        out.setLength(out.length() - 1);
        return out.toString();
    }

    private static void steps(StringBuilder out, String section, List<String> steps) {
        if (steps.isEmpty()) {
            return;
        }
        out.append("## ").append(section).append("\n\n");
        for (int i = 0; i < steps.size(); i++) {
            item(out, (i + 1) + ".", steps.get(i));
        }
        out.append('\n');
    }

    /** Writes a list item; further lines of its text are indented under it so they stay part of the item. */
    private static void item(StringBuilder out, String marker, String text) {
        String indent = " ".repeat(marker.length() + 1);
        out.append(marker).append(' ');
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0 && !lines[i].isEmpty()) {
                out.append(indent);
            }
            out.append(lines[i]).append('\n');
        }
    }
}
