package dev.tocsin.core.internal.notify;

/** A non-2xx answer. {@link #retryable()} for 5xx, 408 and 429; other codes will not get better by retrying. */
public final class StatusException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    StatusException(int status, String body) {
        super("HTTP " + status + (body.isBlank() ? "" : ": " + body.strip()), null, false, false);
        this.status = status;
    }

    /** Returns the HTTP status code. */
    public int status() {
        return status;
    }

    /** Returns whether a retry may succeed. */
    public boolean retryable() {
        return status >= 500 || status == 408 || status == 429;
    }
}
