package dev.tocsin.haproxy.internal.csv;

import dev.tocsin.core.Labels;
import dev.tocsin.haproxy.StatusMapping;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * How a scrape is mapped to exporter-compatible samples.
 *
 * @param statusMapping how status strings map to 0/1
 * @param serverMetricFields CSV columns of server metrics to export, by name ({@code "qcur"}) or by the column
 *     number haproxy_exporter's {@code --haproxy.server-metric-fields} used ({@code "2"}); empty means all. Applies
 *     to the haproxy_exporter v1 server metrics only; the extra series ({@code haproxy_server_status},
 *     {@code haproxy_server_check_status}, ...) are always produced
 * @param excludedServerStates server rows whose status equals one of these exactly are dropped (exporter's
 *     {@code --haproxy.server-exclude-states})
 * @param targetLabels labels put on every sample (the source's {@code instance} and {@code job}), so that the
 *     evaluator need not copy each sample to add them; empty for none
 */
public record MappingOptions(StatusMapping statusMapping, Set<String> serverMetricFields,
                             Set<String> excludedServerStates, Labels targetLabels) {

    /**
     * Copies the sets and checks the field list.
     *
     * @throws IllegalArgumentException if a server metric field is a column number HAProxy does not have or not a
     *     column name ({@code [a-z0-9_]+})
     */
    public MappingOptions {
        Objects.requireNonNull(statusMapping, "statusMapping");
        Objects.requireNonNull(targetLabels, "targetLabels");
        serverMetricFields = Set.copyOf(serverMetricFields);
        excludedServerStates = Set.copyOf(excludedServerStates);
        resolve(serverMetricFields);
    }

    /** Options without target labels (the evaluator then adds {@code instance}/{@code job} itself). */
    public MappingOptions(StatusMapping statusMapping, Set<String> serverMetricFields,
                          Set<String> excludedServerStates) {
        this(statusMapping, serverMetricFields, excludedServerStates, Labels.empty());
    }

    /** Returns the defaults: fixed status mapping, every server field, no excluded states. */
    public static MappingOptions defaults() {
        return new MappingOptions(StatusMapping.FIXED, Set.of(), Set.of());
    }

    /** Returns the server metric fields as column names (numbers translated), empty for all. */
    Set<String> serverMetricColumnNames() {
        return resolve(serverMetricFields);
    }

    /** The server CSV columns the exporter maps to metrics: the names a server metric field may have. */
    private static final Set<String> EXPORTED_SERVER_COLUMNS = Columns.slots(Columns.SERVER).stream()
            .filter(Columns.Slot::exporter).map(Columns.Slot::column).filter(c -> !c.isEmpty())
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private static Set<String> resolve(Set<String> fields) {
        Set<String> names = new HashSet<>();
        for (String f : fields) {
            String t = f.trim();
            if (!t.isEmpty() && t.chars().allMatch(c -> c >= '0' && c <= '9')) {
                int n = t.length() > 4 ? Integer.MAX_VALUE : Integer.parseInt(t);
                if (n >= Columns.CANONICAL.size()) {
                    throw new IllegalArgumentException("server metric field " + t + ": no such column number (0 to "
                            + (Columns.CANONICAL.size() - 1) + ")");
                }
                names.add(Columns.CANONICAL.get(n));
            } else if (!t.isEmpty() && t.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '_')) {
                if (!Columns.CANONICAL.contains(t) && !EXPORTED_SERVER_COLUMNS.contains(t)) {
                    // a typo ("stauts") would silently drop that metric, and the rules reading it never fire
                    throw new IllegalArgumentException("server metric field '" + t + "': not a HAProxy CSV column;"
                            + " the server columns the exporter maps are " + String.join(", ",
                            new java.util.TreeSet<>(EXPORTED_SERVER_COLUMNS)) + " (or give a column number)");
                }
                names.add(t);
            } else {
                throw new IllegalArgumentException("server metric field '" + f
                        + "': expected a CSV column name such as qcur or a column number such as 2");
            }
        }
        return Set.copyOf(names);
    }
}
