package dev.tocsin.core.internal.notify;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/** Posts a JSON body somewhere. Implementations must honour the timeout for the whole exchange. */
public interface Transport extends AutoCloseable {

    /**
     * Posts {@code body} as {@code application/json}.
     *
     * @return the status code and the start of the response body
     * @throws IOException on connection failure or timeout ({@link java.net.http.HttpTimeoutException})
     * @throws InterruptedException when the calling thread is interrupted
     */
    Response post(URI uri, byte[] body, Duration timeout) throws IOException, InterruptedException;

    /** Releases resources. */
    @Override
    default void close() {
    }

    /**
     * A response.
     *
     * @param status the HTTP status code
     * @param body the first few KiB of the body, for logs
     */
    record Response(int status, String body) {
    }
}
