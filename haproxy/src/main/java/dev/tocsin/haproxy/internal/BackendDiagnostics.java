package dev.tocsin.haproxy.internal;

import dev.tocsin.core.Labels;
import dev.tocsin.core.MetricsView;
import dev.tocsin.core.Sample;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads the per-server series of one evaluation to explain a down backend (which servers are down and why) and to
 * tell planned maintenance from an outage. Series of the same {@code instance}, {@code job} and {@code backend} only.
 */
public final class BackendDiagnostics {

    private static final List<String> READS = List.of(
            "haproxy_server_status", "haproxy_server_up", "haproxy_server_check_status", "haproxy_server_check_info",
            "haproxy_server_last_change_seconds", "haproxy_backend_servers", "haproxy_backend_servers_total",
            "haproxy_backend_servers_unresolved", "haproxy_server_status_info");

    /** Server rows of a backend in {@code MAINT (resolution)}: their address could not be resolved. */
    static final String UNRESOLVED = "haproxy_backend_servers_unresolved";

    /**
     * Returns every metric name the contexts and {@link #allInMaintenance} read, each only through
     * {@link MetricsView#seriesMatching} for one backend at a time (or, when many backends are asked about in one
     * evaluation, once in full): for {@code Rule.Builder.readsOnDemand}.
     */
    public static String[] reads() {
        return READS.toArray(new String[0]);
    }


    /** Context key: the servers of the backend that are not UP, with their state, check and last change. */
    public static final String DOWN_SERVERS = "down_servers";
    /** Context key: {@code "<up> of <total> servers UP"}. */
    public static final String SERVERS_UP = "servers_up";
    /** Context key: the server's state, check and last change (server alerts). */
    public static final String SERVER_STATUS = "server_status";
    /** Context key: {@code "true"} when every server of the backend is in maintenance. */
    public static final String MAINTENANCE = "maintenance";

    /** At most this many servers are described in {@link #DOWN_SERVERS}; the rest are counted. */
    static final int MAX_LISTED = 20;

    private BackendDiagnostics() {
    }

    /**
     * Returns the label values of series of the same instance, job and backend as {@code labels}, for
     * {@link MetricsView#seriesMatching} (which sources can answer on demand).
     */
    static Map<String, String> sameBackend(Labels labels) {
        return Map.of("instance", labels.get("instance"), "job", labels.get("job"), "backend",
                labels.get("backend"));
    }

    /** The facts about one server, gathered from several series. */
    static final class ServerFacts {
        final String name;
        String state = "";
        /** The whole status when it gives a reason ({@code DOWN (agent)}), from haproxy_server_status_info. */
        String status = "";
        String checkStatus = "";
        String checkDesc = "";
        String lastCheck = "";
        double lastChange = Double.NaN;
        double up = Double.NaN;

        ServerFacts(String name) {
            this.name = name;
        }

        boolean notUp() {
            if (!state.isEmpty()) {
                return !state.equals("UP");
            }
            return up == 0;
        }

        String describe() {
            StringBuilder sb = new StringBuilder(name).append(": ");
            // the whole status says why when HAProxy gives a reason: the agent, a failed resolution, a tracked server
            sb.append(!status.isEmpty() && !state.isEmpty() && status.startsWith(state) ? status
                    : !state.isEmpty() ? state : up == 0 ? "DOWN" : "UNKNOWN");
            if (!checkStatus.isEmpty()) {
                sb.append(", ").append(checkStatus);
                if (!checkDesc.isEmpty()) {
                    sb.append(' ').append(checkDesc);
                }
            }
            if (!lastCheck.isEmpty()) {
                sb.append(" (").append(lastCheck).append(')');
            }
            if (!Double.isNaN(lastChange)) {
                sb.append(", ").append((long) lastChange).append("s since last change");
            }
            return sb.toString();
        }
    }

    /**
     * How many backends of one view are looked up by a scan of their own before the whole view is indexed: one or
     * two alerts (the usual case, and the one whose latency matters) then cost a filtered pass each instead of
     * indexing every server of a large HAProxy; hundreds at once (a restart) cost one indexing pass.
     */
    static final int DIRECT_LOOKUPS = 2;

    /**
     * What is known of the servers of a view, by backend. Keyed by the view object (identity; an entry goes when
     * its view is collected) and checked against its time.
     */
    private static final Map<MetricsView, ViewIndex> INDEXES =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private static final class ViewIndex {
        final java.time.Instant time;
        /** Backends looked up by their own scan, by {@link #backendKey}. */
        final Map<String, Map<String, ServerFacts>> scanned = new HashMap<>();
        /** Every backend of the view, once more than {@link #DIRECT_LOOKUPS} were asked for; else null. */
        Map<String, Map<String, ServerFacts>> all;

        ViewIndex(java.time.Instant time) {
            this.time = time;
        }

        synchronized Map<String, ServerFacts> servers(MetricsView metrics, Labels labels) {
            String key = backendKey(labels);
            if (all == null) {
                Map<String, ServerFacts> known = scanned.get(key);
                if (known != null) {
                    return known;
                }
                if (scanned.size() < DIRECT_LOOKUPS) {
                    Map<String, String> same = sameBackend(labels);
                    Map<String, ServerFacts> one = index(name -> metrics.seriesMatching(name, same))
                            .getOrDefault(key, Map.of());
                    scanned.put(key, one);
                    return one;
                }
                all = index(metrics::series);
            }
            return all.getOrDefault(key, Map.of());
        }
    }

    private static String backendKey(Labels l) {
        return l.get("instance") + '\u0000' + l.get("job") + '\u0000' + l.get("backend");
    }

    /**
     * Gathers the facts of every server of the backend named by {@code labels}, by server name (read-only: shared by
     * every alert of the same view).
     */
    static Map<String, ServerFacts> servers(MetricsView metrics, Labels labels) {
        ViewIndex index;
        synchronized (INDEXES) {
            index = INDEXES.get(metrics);
            if (index == null || !index.time.equals(metrics.time())) {
                index = new ViewIndex(metrics.time());
                INDEXES.put(metrics, index);
            }
        }
        return index.servers(metrics, labels);
    }

    /** The facts of the servers of the series {@code read} returns, by backend key and server name. */
    private static Map<String, Map<String, ServerFacts>> index(Function<String, List<Sample>> read) {
        Map<String, Map<String, ServerFacts>> byBackend = new HashMap<>();
        for (Sample s : read.apply("haproxy_server_status")) {
            ServerFacts f = facts(byBackend, s.labels(), true);
            if (s.value() == 1) {
                f.state = s.labels().get("state");
            }
        }
        for (Sample s : read.apply("haproxy_server_up")) {
            facts(byBackend, s.labels(), true).up = s.value();
        }
        for (Sample s : read.apply("haproxy_server_check_status")) {
            ServerFacts f = facts(byBackend, s.labels(), false);
            if (f != null) {
                f.checkStatus = s.labels().get("check_status");
                f.checkDesc = s.labels().get("check_desc");
            }
        }
        for (Sample s : read.apply("haproxy_server_check_info")) {
            ServerFacts f = facts(byBackend, s.labels(), false);
            if (f != null) {
                f.lastCheck = s.labels().get("last_chk");
            }
        }
        for (Sample s : read.apply("haproxy_server_status_info")) {
            ServerFacts f = facts(byBackend, s.labels(), false);
            if (f != null && s.labels().get("status") != null) {
                f.status = s.labels().get("status");
            }
        }
        for (Sample s : read.apply("haproxy_server_last_change_seconds")) {
            ServerFacts f = facts(byBackend, s.labels(), false);
            if (f != null) {
                f.lastChange = s.value();
            }
        }
        return byBackend;
    }

    private static ServerFacts facts(Map<String, Map<String, ServerFacts>> byBackend, Labels l, boolean create) {
        String server = l.get("server");
        if (!create) {
            Map<String, ServerFacts> m = byBackend.get(backendKey(l));
            return m == null ? null : m.get(server);
        }
        return byBackend.computeIfAbsent(backendKey(l), k -> new TreeMap<>())
                .computeIfAbsent(server, ServerFacts::new);
    }

    /**
     * Returns the context of a backend alert: {@link #DOWN_SERVERS}, {@link #SERVERS_UP} and, when every server is
     * in maintenance, {@link #MAINTENANCE}.
     */
    public static Map<String, String> backendContext(Labels alertLabels, MetricsView metrics) {
        Map<String, ServerFacts> servers = servers(metrics, alertLabels);
        Map<String, String> out = new LinkedHashMap<>();
        List<String> down = new ArrayList<>();
        int up = 0;
        int notListed = 0;
        for (ServerFacts f : servers.values()) {
            if (f.notUp()) {
                if (down.size() < MAX_LISTED) {
                    down.add(f.describe());
                } else {
                    notListed++;
                }
            } else {
                up++;
            }
        }
        String list = !down.isEmpty() ? String.join("; ", down)
                : servers.isEmpty() ? "none reported (no server series for this backend)"
                : "none (every server UP; HAProxy gives the backend no usable server, e.g. all of weight 0)";
        if (notListed > 0) {
            list += "; and " + notListed + " more";
        }
        out.put(DOWN_SERVERS, list);
        out.put(SERVERS_UP, up + " of " + servers.size() + " servers UP");
        if (allInMaintenance(metrics, alertLabels)) {
            out.put(MAINTENANCE, "true");
        }
        return out;
    }

    /** Returns the context of a server alert: {@link #SERVER_STATUS}. */
    public static Map<String, String> serverContext(Labels alertLabels, MetricsView metrics) {
        ServerFacts f = servers(metrics, alertLabels).get(alertLabels.get("server"));
        return f == null ? Map.of() : Map.of(SERVER_STATUS, f.describe());
    }

    /**
     * Returns whether the backend named by {@code labels} has at least one server and every one is in MAINT, not all
     * of them because their address did not resolve ({@code MAINT (resolution)}: the spare slots of a
     * {@code server-template} read so; a backend whose servers all read so has lost its addresses). Reads
     * {@code haproxy_backend_servers_total}, {@code haproxy_backend_servers{state="MAINT"}} and
     * {@code haproxy_backend_servers_unresolved} when present, else the servers' {@code haproxy_server_status}
     * series (with {@code haproxy_server_status_info} for the unresolved ones).
     */
    public static boolean allInMaintenance(MetricsView metrics, Labels labels) {
        Map<String, String> same = sameBackend(labels);
        List<Sample> total = metrics.seriesMatching("haproxy_backend_servers_total", same);
        Map<String, String> maintenance = new HashMap<>(same);
        maintenance.put("state", "MAINT");
        List<Sample> maint = metrics.seriesMatching("haproxy_backend_servers", maintenance);
        if (total.size() == 1 && maint.size() == 1) {
            double t = total.get(0).value();
            // HAProxy holds a server whose name does not resolve in MAINT: the spare slots of a server-template read
            // so while DNS is fine, but a backend whose servers all read so has lost its addresses (an outage)
            List<Sample> unresolved = metrics.seriesMatching(UNRESOLVED, same);
            double u = unresolved.size() == 1 ? unresolved.get(0).value() : 0;
            return t > 0 && maint.get(0).value() == t && u < t;
        }
        Map<String, ServerFacts> servers = servers(metrics, labels);
        if (servers.isEmpty()) {
            return false;
        }
        int unresolvedServers = 0;
        for (ServerFacts f : servers.values()) {
            if (!f.state.equals("MAINT")) {
                return false;
            }
            if (f.status.equals(dev.tocsin.haproxy.internal.csv.HaproxyCsvMapper.UNRESOLVED_STATUS)) {
                unresolvedServers++;
            }
        }
        return unresolvedServers < servers.size();
    }
}
