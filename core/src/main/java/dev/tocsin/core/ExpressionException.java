package dev.tocsin.core;

/** A rule expression (PromQL) that cannot be parsed or is outside the supported language. */
public final class ExpressionException extends TocsinParseException {

    private static final long serialVersionUID = 1L;

    /** Whether the expression is valid PromQL that Tocsin does not evaluate. */
    private final boolean unsupported;

    /**
     * Creates an exception for an invalid expression.
     *
     * @param line 1-based line of the problem
     * @param column 1-based column of the problem
     * @param detail what was found and what was expected
     */
    public ExpressionException(int line, int column, String detail) {
        this(line, column, detail, false);
    }

    /**
     * Creates an exception.
     *
     * @param line 1-based line of the problem
     * @param column 1-based column of the problem
     * @param detail what was found and what was expected
     * @param unsupported whether the expression is valid PromQL that Tocsin does not evaluate (see
     *     {@link #isUnsupported()})
     */
    public ExpressionException(int line, int column, String detail, boolean unsupported) {
        this("expression", line, column, detail, unsupported);
    }

    /**
     * Creates an exception naming where the expression was, e.g. {@code "expression of rule HighLatency"}.
     *
     * @param input what was being read
     * @param line 1-based line of the problem within the expression
     * @param column 1-based column of the problem within the expression
     * @param detail what was found and what was expected
     * @param unsupported whether the expression is valid PromQL that Tocsin does not evaluate (see
     *     {@link #isUnsupported()})
     */
    public ExpressionException(String input, int line, int column, String detail, boolean unsupported) {
        super(input, line, column, detail);
        this.unsupported = unsupported;
    }

    /**
     * Returns this problem as found in the expression of {@code what} (e.g. {@code "rule HighLatency"}): the same
     * position and detail, the input named {@code "expression of " + what}.
     *
     * @param what where the expression is
     * @return a new exception, with this one as its cause
     */
    public ExpressionException of(String what) {
        ExpressionException e = new ExpressionException("expression of " + what, line(), column(), detail(),
                unsupported);
        e.initCause(this);
        return e;
    }

    /**
     * Returns whether the expression is valid PromQL that Tocsin does not evaluate (yet), such as {@code @} with a
     * timestamp, rather than an invalid one: loading rule files with
     * {@code RuleFiles.Options.skippingUnsupported()} skips such rules and fails on the others.
     *
     * @return true when the expression is valid PromQL that Tocsin does not evaluate
     */
    public boolean isUnsupported() {
        return unsupported;
    }
}
