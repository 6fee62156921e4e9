package dev.tocsin.core;

/** A runbook document that does not follow the expected Markdown structure. */
public final class RunbookFormatException extends TocsinParseException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param line 1-based line of the problem
     * @param detail what was found and what was expected
     */
    public RunbookFormatException(int line, String detail) {
        super("runbook", line, 0, detail);
    }
}
