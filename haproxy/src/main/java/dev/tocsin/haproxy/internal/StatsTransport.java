package dev.tocsin.haproxy.internal;

import java.util.Map;
import java.util.Optional;

/** One way of reading HAProxy's statistics. Implementations are immutable and bound every I/O in time and size. */
public interface StatsTransport {

    /**
     * Fetches the CSV statistics ({@code show stat} / {@code ;csv}).
     *
     * @return the raw bytes
     * @throws FetchException with a plain-words message when the exchange fails
     */
    Payload fetchStat() throws FetchException;

    /**
     * Fetches {@code show info} as key/value pairs, on its own connection.
     *
     * @return the pairs, or empty when this transport has no such command (HTTP)
     * @throws FetchException when the exchange fails
     */
    Optional<Map<String, String>> fetchInfo() throws FetchException;

    /**
     * Hands back a payload of {@link #fetchStat()} that the caller no longer reads, so that a later fetch may reuse
     * its array instead of allocating a new one of the CSV's size. The caller must not touch the payload afterwards.
     * Optional (the default ignores it).
     *
     * @param done the payload to recycle
     */
    default void recycle(Payload done) {
    }

    /** Returns where it reads from, for messages: a URI without credentials, a socket path, {@code tcp://h:p}. */
    String describe();

    /**
     * Raw response bytes.
     *
     * @param bytes the array (valid up to {@code length})
     * @param length the number of valid bytes
     */
    record Payload(byte[] bytes, int length) {
    }
}
