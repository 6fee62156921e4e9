package dev.tocsin.haproxy;

/**
 * How HAProxy status strings become {@code haproxy_backend_up} / {@code haproxy_server_up} values.
 */
public enum StatusMapping {
    /**
     * The default: like the Go haproxy_exporter, but with its two known mistakes fixed: any {@code UP n/m} is up
     * whatever rise/fall are, and backend status suffixes such as {@code " (n/m)"} and {@code " (UNPUB)"} do not make
     * a live backend down. {@code DRAIN n/m} and {@code DRAIN (agent)} are up like the exporter's {@code DRAIN} (a
     * draining server still serves its sessions); {@code NOLB*}, {@code MAINT*}, {@code DOWN*} are 0.
     */
    FIXED,
    /** Reproduces the Go haproxy_exporter v0.14/0.15 exactly, string for string, mistakes included. */
    EXPORTER_STRICT
}
