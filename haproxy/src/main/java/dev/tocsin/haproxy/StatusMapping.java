package dev.tocsin.haproxy;

/**
 * How HAProxy status strings become {@code haproxy_backend_up} / {@code haproxy_server_up} values.
 */
public enum StatusMapping {
    /**
     * The default: like the Go haproxy_exporter, but with its two known mistakes fixed: any {@code UP n/m} is up
     * whatever rise/fall are, and backend status suffixes such as {@code " (n/m)"} and {@code " (UNPUB)"} do not make
     * a live backend down.
     */
    FIXED,
    /** Reproduces the Go haproxy_exporter v0.14/0.15 exactly, string for string, mistakes included. */
    EXPORTER_STRICT
}
