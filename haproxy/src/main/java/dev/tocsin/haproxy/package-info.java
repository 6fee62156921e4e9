/** Watching HAProxy: stats transports, exporter-compatible metrics, preset rules and runbooks. */
package dev.tocsin.haproxy;
