package dev.tocsin.haproxy;

import dev.tocsin.core.TocsinParseException;

/** HAProxy statistics that are not usable CSV (no header, binary data, an HTML page...), with the line number. */
public final class CsvFormatException extends TocsinParseException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param line 1-based line of the problem
     * @param column 1-based column (field index + 1), or 0
     * @param detail what was wrong
     */
    public CsvFormatException(int line, int column, String detail) {
        super("HAProxy CSV", line, column, detail);
    }
}
