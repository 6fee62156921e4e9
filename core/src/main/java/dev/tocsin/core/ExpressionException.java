package dev.tocsin.core;

/** A rule expression (PromQL) that cannot be parsed or is outside the supported language. */
public final class ExpressionException extends TocsinParseException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param line 1-based line of the problem
     * @param column 1-based column of the problem
     * @param detail what was found and what was expected
     */
    public ExpressionException(int line, int column, String detail) {
        super("expression", line, column, detail);
    }
}
