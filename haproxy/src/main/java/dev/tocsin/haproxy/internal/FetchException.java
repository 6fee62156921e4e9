package dev.tocsin.haproxy.internal;

import java.io.IOException;

/**
 * Reading HAProxy's statistics failed. The message says what happened in plain words (connection refused, timeout
 * after 5s, HTTP 401, response larger than the cap...) and never contains credentials.
 */
public final class FetchException extends IOException {

    private static final long serialVersionUID = 1L;

    private final boolean retriable;

    /**
     * Creates an exception.
     *
     * @param message what happened
     * @param retriable whether trying again at once may help (a refused or reset connection, an HTTP 5xx)
     * @param cause the underlying error, or {@code null}
     */
    public FetchException(String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
    }

    /** Creates a non-retriable exception without cause. */
    public FetchException(String message) {
        this(message, false, null);
    }

    /** Returns whether an immediate retry may help. */
    public boolean retriable() {
        return retriable;
    }
}
