package dev.tocsin.examples.cli;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Sample;
import dev.tocsin.haproxy.HaproxyRules;
import dev.tocsin.haproxy.HaproxySource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code tocsin check}: one read of HAProxy and one evaluation of the preset rules, reported the way a Nagios plugin
 * does (first line {@code HAPROXY STATE - summary | perfdata}, exit code 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
 */
@Command(name = "check",
        description = {"Check an HAProxy once: read its statistics, evaluate HaproxyDown, HaproxyBackendDown and"
                + " HaproxyServerDown, print every backend and server with its state and what fires. Works as a"
                + " Nagios/Icinga plugin (check_haproxy replacement) and in cron."},
        sortOptions = false,
        footer = {"", "Output: first line 'HAPROXY OK|WARNING|CRITICAL|UNKNOWN - summary | perfdata', then the backends,"
                + " servers and firing alerts.",
                "Exit codes: 0 OK, 1 WARNING (a firing alert of severity warning), 2 CRITICAL (a firing alert of"
                        + " severity critical), 3 UNKNOWN (HAProxy could not be read); 2 also for bad arguments.",
                "Example: tocsin check --stats http://127.0.0.1:8404/stats --user monitor --password-env HAPROXY_PASS"})
final class CheckCommand implements Callable<Integer> {

    static final int OK = 0;
    static final int WARNING = 1;
    static final int CRITICAL = 2;
    static final int UNKNOWN = 3;
    private static final String[] NAMES = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

    @Spec
    CommandSpec spec;

    @Mixin
    StatsOptions stats;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        if (stats.stats == null) {
            throw new CommandLine.ParameterException(cmd, "Missing required option: '--stats=URL'");
        }
        HaproxySource source = stats.buildSource(cmd);
        PrintWriter out = cmd.getOut();
        RecordingSource recording = new RecordingSource(source);
        List<Alert> firing = new ArrayList<>();
        try (Evaluator evaluator = Evaluator.builder()
                .source(recording)
                .rules(HaproxyRules.availability())
                .build()) {
            evaluator.evaluate(Instant.now());
            if (recording.lastError().isPresent()) {
                Exception e = recording.lastError().get();
                out.println(AlertText.printable("HAPROXY UNKNOWN - cannot read " + stats.describe() + ": "
                        + oneLine(e.getMessage())));
                out.flush();
                return UNKNOWN;
            }
            for (Alert a : evaluator.alerts()) {
                if (a.state() == AlertState.FIRING) {
                    firing.add(a);
                }
            }
        } catch (RuntimeException e) {
            out.println(AlertText.printable("HAPROXY UNKNOWN - " + oneLine(e.toString())));
            out.flush();
            return UNKNOWN;
        }
        Map<String, Backend> backends = inventory(recording.lastSamples());
        long skipped = source.stats().csvParseFailures();
        if (backends.isEmpty() && firing.isEmpty() && skipped > 0) {
            // rows were skipped as malformed (logged at warn level) and none was left: a truncated or corrupt page is
            // not "all is well" (an HAProxy with frontends only, and no malformed row, is)
            out.println("HAPROXY UNKNOWN - no backend read from " + stats.describe() + ": " + skipped + " malformed"
                    + " row(s) skipped (a truncated or corrupt stats page?); run with"
                    + " java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar ... to see them");
            out.flush();
            return UNKNOWN;
        }
        firing.sort(Comparator.comparingInt(CheckCommand::rank).thenComparing(Alert::labels));
        int code = OK;
        List<String> problems = new ArrayList<>();
        Set<String> downBackends = new LinkedHashSet<>();
        for (Alert a : firing) {
            String severity = a.labels().get("severity");
            int level = "critical".equals(severity) ? CRITICAL : "warning".equals(severity) ? WARNING : OK;
            if (level == OK) {
                continue;
            }
            code = Math.max(code, level);
            String backend = a.labels().get("backend");
            switch (a.ruleName()) {
                case "HaproxyDown":
                    problems.add("HAProxy down");
                    break;
                case "HaproxyBackendDown": {
                    downBackends.add(backend);
                    Backend b = backends.get(backend);
                    problems.add("backend " + backend + " DOWN"
                            + (b == null ? "" : " (" + b.serversUp() + "/" + b.servers.size() + " servers up)"));
                    break;
                }
                case "HaproxyServerDown": {
                    if (!downBackends.contains(backend)) {
                        String server = a.labels().get("server");
                        Backend b = backends.get(backend);
                        Server s = b == null ? null : b.servers.get(server);
                        problems.add("server " + backend + "/" + server + " " + (s == null ? "DOWN" : s.state()));
                    }
                    break;
                }
                default:
                    problems.add(a.ruleName() + a.labels().without("alertname", "severity"));
                    break;
            }
        }
        int backendsUp = 0;
        int serversUp = 0;
        int serversTotal = 0;
        for (Backend b : backends.values()) {
            backendsUp += b.up == 1 ? 1 : 0;
            serversUp += b.serversUp();
            serversTotal += b.servers.size();
        }
        String summary = problems.isEmpty()
                ? backendsUp + "/" + backends.size() + " backends UP, " + serversUp + "/" + serversTotal
                        + " servers UP"
                : String.join(", ", problems);
        out.println("HAPROXY " + NAMES[code] + " - " + AlertText.printable(summary) + " | backends_up=" + backendsUp
                + ";;;0;" + backends.size() + " servers_up=" + serversUp + ";;;0;" + serversTotal);
        for (Map.Entry<String, Backend> e : backends.entrySet()) {
            Backend b = e.getValue();
            out.println("backend " + AlertText.printable(e.getKey()) + ": "
                    + (b.up == 1 ? "UP" : Double.isNaN(b.up) ? "UNKNOWN" : "DOWN") + ", " + b.serversUp() + "/"
                    + b.servers.size() + " servers UP");
            for (Map.Entry<String, Server> s : b.servers.entrySet()) {
                out.println(AlertText.printable("  server " + e.getKey() + "/" + s.getKey() + ": "
                        + s.getValue().describe()));
            }
        }
        for (Alert a : firing) {
            out.println(AlertText.line(a));
        }
        out.flush();
        return code;
    }

    private static int rank(Alert a) {
        switch (a.ruleName()) {
            case "HaproxyDown": return 0;
            case "HaproxyBackendDown": return 1;
            case "HaproxyServerDown": return 2;
            default: return 3;
        }
    }

    /** Groups the exporter series by backend and server. */
    static Map<String, Backend> inventory(List<Sample> samples) {
        Map<String, Backend> backends = new TreeMap<>();
        for (Sample s : samples) {
            String backend = s.labels().get("backend");
            if (backend.isEmpty()) {
                continue;
            }
            String server = s.labels().get("server");
            switch (s.metricName()) {
                case "haproxy_backend_up":
                    backends.computeIfAbsent(backend, k -> new Backend()).up = s.value();
                    break;
                case "haproxy_server_up":
                    server(backends, backend, server).up = s.value();
                    break;
                case "haproxy_server_status":
                    if (s.value() == 1) {
                        server(backends, backend, server).state = s.labels().get("state");
                    }
                    break;
                case "haproxy_server_check_status":
                    Server sv = server(backends, backend, server);
                    sv.check = s.labels().get("check_status");
                    sv.checkDesc = s.labels().get("check_desc");
                    break;
                case "haproxy_server_check_info":
                    server(backends, backend, server).lastCheck = s.labels().get("last_chk");
                    break;
                case "haproxy_server_status_info":
                    server(backends, backend, server).status = s.labels().get("status");
                    break;
                default:
                    break;
            }
        }
        return backends;
    }

    private static Server server(Map<String, Backend> backends, String backend, String server) {
        return backends.computeIfAbsent(backend, k -> new Backend()).servers.computeIfAbsent(server,
                k -> new Server());
    }

    private static String oneLine(String s) {
        return s == null ? "" : dev.tocsin.core.internal.LineBreaks.join(s);
    }

    /** One backend's state and servers. */
    static final class Backend {
        double up = Double.NaN;
        final Map<String, Server> servers = new TreeMap<>();

        /**
         * Servers in state UP, as the alerts' {@code servers_up} context counts them: a DRAIN or NOLB server (which
         * {@code haproxy_server_up} gives as 1) takes no new traffic, and a backend of drained servers is DOWN.
         */
        int serversUp() {
            int n = 0;
            for (Server s : servers.values()) {
                n += s.state().equals("UP") ? 1 : 0;
            }
            return n;
        }
    }

    /** One server's state and last check. */
    static final class Server {
        double up = Double.NaN;
        String state = "";
        /** The whole status when HAProxy gives a reason ({@code DOWN (agent)}), else empty. */
        String status = "";
        String check = "";
        String checkDesc = "";
        String lastCheck = "";

        String state() {
            return !state.isEmpty() ? state : up == 1 ? "UP" : up == 0 ? "DOWN" : "UNKNOWN";
        }

        String describe() {
            String st = state();
            StringBuilder sb = new StringBuilder(status != null && !status.isEmpty() && status.startsWith(st) ? status
                    : st);
            if (!check.isEmpty()) {
                sb.append(", check ").append(check);
                if (!checkDesc.isEmpty() || !lastCheck.isEmpty()) {
                    sb.append(" (").append(checkDesc);
                    if (!lastCheck.isEmpty()) {
                        sb.append(checkDesc.isEmpty() ? "" : ": ").append(lastCheck);
                    }
                    sb.append(')');
                }
            }
            return sb.toString();
        }
    }
}
