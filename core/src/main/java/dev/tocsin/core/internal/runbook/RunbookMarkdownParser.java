package dev.tocsin.core.internal.runbook;

import dev.tocsin.core.Runbook;
import dev.tocsin.core.RunbookFormatException;

/**
 * Parses the Markdown runbook format. PLACEHOLDER: replaced by the real parser.
 */
public final class RunbookMarkdownParser {

    private RunbookMarkdownParser() {
    }

    /**
     * Parses a runbook.
     *
     * @throws RunbookFormatException with the line number when the document does not follow the format
     */
    public static Runbook parse(String markdown) {
        throw new RunbookFormatException(1, "not implemented yet");
    }
}
