package dev.tocsin.haproxy.internal;

import java.util.Map;
import java.util.Optional;

/** One way of reading HAProxy's statistics. Implementations are immutable and bound every I/O in time and size. */
public interface StatsTransport {

    /**
     * Fetches the CSV statistics ({@code show stat} / {@code ;csv}), handing the body to {@code sink} piece by piece
     * as it arrives (in order, at most the transport's byte cap in all), so that it can be read while the rest is
     * still on its way. The sink runs on the calling thread, within the fetch's deadline. When the exchange fails
     * after some pieces were handed over, the caller must drop what it made of them.
     *
     * @param sink receives the body's bytes
     * @throws FetchException with a plain-words message when the exchange fails (or the sink threw it)
     */
    void fetchStat(BodySink sink) throws FetchException;

    /**
     * Fetches the CSV statistics into one array ({@link #fetchStat(BodySink)} collected).
     *
     * @return the raw bytes
     * @throws FetchException with a plain-words message when the exchange fails
     */
    default Payload fetchStat() throws FetchException {
        BoundedBuffer body = new BoundedBuffer(Integer.MAX_VALUE, "response from " + describe());
        fetchStat(body::append);
        return new Payload(body.array(), body.length());
    }

    /**
     * Fetches {@code show info} as key/value pairs, on its own connection.
     *
     * @return the pairs, or empty when this transport has no such command (HTTP)
     * @throws FetchException when the exchange fails
     */
    Optional<Map<String, String>> fetchInfo() throws FetchException;

    /** Returns where it reads from, for messages: a URI without credentials, a socket path, {@code tcp://h:p}. */
    String describe();

    /**
     * Returns {@code text} from the server (an excerpt of an answer that is not CSV, say) fit for a message: anything
     * credential-like after Basic or Bearer replaced, and this transport's own credentials when it sends any (a
     * server may echo them).
     */
    default String redact(String text) {
        return dev.tocsin.core.internal.Redaction.credentialLike(text);
    }

    /**
     * Raw response bytes.
     *
     * @param bytes the array (valid up to {@code length})
     * @param length the number of valid bytes
     */
    record Payload(byte[] bytes, int length) {
    }

    /** Receives a response body piece by piece ({@link #fetchStat(BodySink)}). */
    @FunctionalInterface
    interface BodySink {
        /**
         * Takes the next piece of the body.
         *
         * @param b the bytes (valid only during the call)
         * @param off where the piece starts
         * @param len its length
         * @throws FetchException to abort the exchange
         */
        void accept(byte[] b, int off, int len) throws FetchException;
    }
}
