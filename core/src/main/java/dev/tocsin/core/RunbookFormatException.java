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
        this("runbook", line, detail);
    }

    /**
     * Creates an exception naming the runbook read, e.g. {@code "runbook /runbooks/HaproxyBackendDown.md"}.
     *
     * @param input what was being read
     * @param line 1-based line of the problem, or 0 when unknown
     * @param detail what was wrong or expected
     */
    public RunbookFormatException(String input, int line, String detail) {
        super(input, line, 0, detail);
    }
}
