package dev.tocsin.haproxy.internal.csv;

import dev.tocsin.haproxy.StatusMapping;

import java.util.Set;

/**
 * How a scrape is mapped to exporter-compatible samples.
 *
 * @param statusMapping how status strings map to 0/1
 * @param serverMetricFields CSV column names of server metrics to export; empty means all (exporter's
 *     {@code --haproxy.server-metric-fields})
 * @param excludedServerStates server rows whose status equals one of these are dropped (exporter's
 *     {@code --haproxy.server-exclude-states})
 */
public record MappingOptions(StatusMapping statusMapping, Set<String> serverMetricFields,
                             Set<String> excludedServerStates) {

    /** Copies the sets. */
    public MappingOptions {
        serverMetricFields = Set.copyOf(serverMetricFields);
        excludedServerStates = Set.copyOf(excludedServerStates);
    }

    /** Returns the defaults: fixed status mapping, every server field, no excluded states. */
    public static MappingOptions defaults() {
        return new MappingOptions(StatusMapping.FIXED, Set.of(), Set.of());
    }
}
