package dev.tocsin.core;

/**
 * Bad input (an expression, a template, a runbook, a CSV, a rule file): says what was being read and where.
 *
 * <p>Line and column are 1-based; 0 means not applicable (for example a single-line expression has line 1 and the
 * column of the offending character). Subclasses name the kind of input.
 */
public class TocsinParseException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String input;
    private final int line;
    private final int column;
    private final String detail;

    /**
     * Creates an exception.
     *
     * @param input what was being read, e.g. {@code "expression"} or {@code "template 'summary'"}
     * @param line 1-based line, or 0 when unknown
     * @param column 1-based column, or 0 when unknown
     * @param detail what was wrong or expected
     */
    public TocsinParseException(String input, int line, int column, String detail) {
        super(format(input, line, column, detail));
        this.input = input;
        this.line = line;
        this.column = column;
        this.detail = detail;
    }

    private static String format(String input, int line, int column, String detail) {
        StringBuilder sb = new StringBuilder(input);
        if (line > 0) {
            sb.append(" at line ").append(line);
            if (column > 0) {
                sb.append(", column ").append(column);
            }
        } else if (column > 0) {
            sb.append(" at column ").append(column);
        }
        return sb.append(": ").append(detail).toString();
    }

    /**
     * Returns what was being read.
     *
     * @return what was being read
     */
    public String input() {
        return input;
    }

    /**
     * Returns the 1-based line, or 0 when unknown.
     *
     * @return the line, or 0
     */
    public int line() {
        return line;
    }

    /**
     * Returns the 1-based column, or 0 when unknown.
     *
     * @return the column, or 0
     */
    public int column() {
        return column;
    }

    /**
     * Returns the description of the problem without the location.
     *
     * @return the description of the problem
     */
    public String detail() {
        return detail;
    }
}
