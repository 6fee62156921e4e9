package dev.tocsin.core.source;

import dev.tocsin.core.TocsinParseException;

/**
 * A scraped response that is not valid Prometheus text exposition format (version 0.0.4), with the 1-based line and
 * column of the first problem. As in Prometheus, one malformed line fails the whole scrape: {@link
 * PrometheusTextSource#collect()} throws this exception and the source's {@code up} series becomes 0.
 */
public final class PrometheusTextFormatException extends TocsinParseException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param input what was read, e.g. {@code "metrics from http://127.0.0.1:8404/metrics"}
     * @param line 1-based line
     * @param column 1-based column, or 0 when not applicable
     * @param detail what was wrong or expected
     */
    public PrometheusTextFormatException(String input, int line, int column, String detail) {
        super(input, line, column, detail);
    }
}
