package dev.tocsin.haproxy;

import java.io.IOException;

/**
 * {@link HaproxySource#collect()} could not read HAProxy's statistics: the message says what happened in plain words
 * (connection refused, a timeout, HTTP 401, a response larger than the cap, an answer that is not HAProxy CSV with
 * its line and column, the circuit breaker open) and never contains credentials. The cause, when there is one, is the
 * underlying error, e.g. a {@link CsvFormatException} for an answer that is not HAProxy CSV.
 */
public final class HaproxyReadException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what happened
     * @param cause the underlying error, or {@code null}
     */
    public HaproxyReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
