package dev.tocsin.haproxy;

import dev.tocsin.core.MetricsView;
import dev.tocsin.core.Rule;
import dev.tocsin.core.Runbook;
import dev.tocsin.core.Sample;
import dev.tocsin.core.rules.RuleFiles;
import dev.tocsin.core.rules.RuleGroups;
import dev.tocsin.haproxy.internal.BackendDiagnostics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Preset HAProxy alert rules, identical to the public haproxy_exporter v1 rule pack (awesome-prometheus-alerts,
 * {@code haproxy-exporter-v1.yml}): same names, expressions, {@code for}, labels and annotations, with a runbook
 * attached and diagnostic context ({@link dev.tocsin.core.Alert#context()}) added.
 *
 * <p>They expect the metrics of a {@link HaproxySource}. {@link #exporterV1()} returns the whole v1 pack, and
 * {@link #embeddedV2()} the {@code embedded-exporter-v2.yml} pack for HAProxy's built-in Prometheus endpoint, both
 * loaded unchanged from bundled copies, with a runbook for every rule.
 */
public final class HaproxyRules {

    /** The runbook URL annotation of {@code HaproxyBackendDown}, as in the rule's published form. */
    public static final String BACKEND_DOWN_RUNBOOK_URL =
            "https://github.com/srerun/prometheus-alerts/blob/main/content/runbooks/haproxy-exporter-v1/"
                    + "HaproxyBackendDown.md";

    private static final String BACKEND_DOWN_DESCRIPTION =
            "HAProxy backend is down\n  VALUE = {{ $value }}\n  LABELS = {{ $labels }}";

    private HaproxyRules() {
    }

    /**
     * What {@link #backendDown(Maintenance)} does with a backend that is down because every one of its servers is in
     * maintenance (MAINT: {@code disabled} in the configuration, {@code set server ... state maint}).
     */
    public enum Maintenance {
        /** Fire as for any down backend: exactly the published rule (HAProxy reports such a backend DOWN). */
        FIRE,
        /** Do not fire for such a backend: planned maintenance is not an incident. */
        SUPPRESS,
        /** Fire with labels {@code planned="true"} and {@code severity="info"} instead of {@code critical}. */
        MARK_PLANNED
    }

    /**
     * Returns {@code HaproxyBackendDown} exactly as published: {@code haproxy_backend_up == 0}, for 0m, severity
     * critical, the summary, description and runbook annotations; runbook attached; context {@code down_servers}
     * (which servers of the backend are not UP, their check status, check description, last check output and seconds
     * since their last change) and {@code servers_up}.
     *
     * @return the rule
     */
    public static Rule backendDown() {
        return backendDown(Maintenance.FIRE);
    }

    /**
     * Returns {@code HaproxyBackendDown} with the given treatment of backends whose servers are all in maintenance.
     * {@link Maintenance#FIRE} is the published expression; the other two are Java conditions over the same series
     * ({@code haproxy_backend_up}, {@code haproxy_backend_servers*}, {@code haproxy_server_status}) that behave like it
     * for every other backend. With {@link Maintenance#MARK_PLANNED} the {@code severity} label comes from the series
     * (so it also shows in {@code $labels}) rather than from the rule.
     *
     * @param maintenance what to do with a backend whose servers are all in maintenance
     * @return the rule
     */
    public static Rule backendDown(Maintenance maintenance) {
        Objects.requireNonNull(maintenance, "maintenance");
        Rule.Builder b = Rule.alert("HaproxyBackendDown")
                .forDuration(Duration.ZERO)
                .annotation("summary", "HAProxy backend down (instance {{ $labels.instance }})")
                .annotation("description", BACKEND_DOWN_DESCRIPTION)
                .annotation("runbook", BACKEND_DOWN_RUNBOOK_URL)
                .runbook(runbook("HaproxyBackendDown"))
                .context(BackendDiagnostics::backendContext)
                .readsOnDemand(BackendDiagnostics.reads())
                .reads("haproxy_backend_up");
        switch (maintenance) {
            case FIRE:
                b.expr("haproxy_backend_up == 0").label("severity", "critical");
                break;
            case SUPPRESS:
                b.condition(m -> downBackends(m, maintenance)).label("severity", "critical");
                break;
            default:
                b.condition(m -> downBackends(m, maintenance));
                break;
        }
        return b.build();
    }

    private static List<Sample> downBackends(MetricsView metrics, Maintenance maintenance) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : metrics.series("haproxy_backend_up")) {
            if (s.value() != 0) {
                continue;
            }
            boolean planned = BackendDiagnostics.allInMaintenance(metrics, s.labels());
            if (maintenance == Maintenance.SUPPRESS) {
                if (!planned) {
                    out.add(s);
                }
            } else if (planned) {
                out.add(new Sample(s.labels().toBuilder().put("planned", "true").put("severity", "info").build(),
                        s.value()));
            } else {
                out.add(new Sample(s.labels().with("severity", "critical"), s.value()));
            }
        }
        return out;
    }

    /**
     * Returns {@code HaproxyServerDown} as published: {@code haproxy_server_up == 0}, for 0m, severity critical;
     * runbook attached; context {@code server_status}.
     *
     * @return the rule
     */
    public static Rule serverDown() {
        return Rule.alert("HaproxyServerDown")
                .expr("haproxy_server_up == 0")
                .forDuration(Duration.ZERO)
                .label("severity", "critical")
                .annotation("summary", "HAProxy server down (instance {{ $labels.instance }})")
                .annotation("description",
                        "HAProxy server is down\n  VALUE = {{ $value }}\n  LABELS = {{ $labels }}")
                .runbook(runbook("HaproxyServerDown"))
                .context(BackendDiagnostics::serverContext)
                .readsOnDemand(BackendDiagnostics.reads())
                .build();
    }

    /**
     * Returns {@code HaproxyDown} as published: {@code haproxy_up == 0} (the source could not be read), for 0m,
     * severity critical; runbook attached.
     *
     * @return the rule
     */
    public static Rule haproxyDown() {
        return Rule.alert("HaproxyDown")
                .expr("haproxy_up == 0")
                .forDuration(Duration.ZERO)
                .label("severity", "critical")
                .annotation("summary", "HAProxy down (instance {{ $labels.instance }})")
                .annotation("description", "HAProxy down\n  VALUE = {{ $value }}\n  LABELS = {{ $labels }}")
                .runbook(runbook("HaproxyDown"))
                .build();
    }

    /**
     * Returns the three availability rules: {@link #haproxyDown()}, {@link #backendDown()}, {@link #serverDown()}.
     *
     * @return the three rules, in that order
     */
    public static List<Rule> availability() {
        return List.of(haproxyDown(), backendDown(), serverDown());
    }

    /** Classpath resource (relative to this class) of the bundled, unchanged {@code haproxy-exporter-v1.yml}. */
    static final String EXPORTER_V1_PACK = "packs/haproxy-exporter-v1.yml";

    /** Classpath resource (relative to this class) of the bundled, unchanged {@code embedded-exporter-v2.yml}. */
    static final String EMBEDDED_V2_PACK = "packs/embedded-exporter-v2.yml";

    /**
     * Returns all 16 rules of the awesome-prometheus-alerts pack {@code haproxy-exporter-v1.yml} (group
     * {@code HaproxyExporterV1}), in file order, loaded unchanged from a bundled copy of the file with
     * {@link RuleFiles#parse(String, String)}: names, expressions, {@code for}, labels and annotations are exactly the
     * pack's. Each rule carries a runbook ({@link Rule#runbook()}); {@code HaproxyBackendDown} and
     * {@code HaproxyServerDown} also carry the diagnostic context of {@link #backendDown()} and {@link #serverDown()}.
     *
     * <p>The rules expect the metrics of a {@link HaproxySource} (the CSV statistics, named as haproxy_exporter
     * names them). Runbooks are the resources {@code dev/tocsin/haproxy/runbooks/<file name>.md}, where the file name
     * is the alert name with {@code (v1)} written {@code -v1} and {@code >} written {@code -gt}, {@code %} written
     * {@code pct}, and any other character that is not a letter, digit, {@code -} or {@code _} written {@code _}.
     *
     * @return the rules, a new immutable list on every call
     */
    public static List<Rule> exporterV1() {
        return loadPack(EXPORTER_V1_PACK, "runbooks/", true);
    }

    /**
     * Returns all 14 rules of the awesome-prometheus-alerts pack {@code embedded-exporter-v2.yml} (group
     * {@code EmbeddedExporterV2}), in file order, loaded unchanged from a bundled copy of the file: names,
     * expressions, {@code for}, labels and annotations are exactly the pack's. Each rule carries a runbook.
     *
     * <p>The rules expect the metrics of HAProxy's built-in Prometheus endpoint ({@code http-request use-service
     * prometheus-exporter}, HAProxy 2.4+), read with a {@link dev.tocsin.core.source.PrometheusTextSource}. Their
     * runbooks are the resources {@code dev/tocsin/haproxy/runbooks/embedded-v2/<file name>.md}, file names mapped as
     * for {@link #exporterV1()} ({@code HaproxyBackendMaxActiveSession>80%} becomes
     * {@code HaproxyBackendMaxActiveSession-gt80pct}).
     *
     * @return the rules, a new immutable list on every call
     */
    public static List<Rule> embeddedV2() {
        return loadPack(EMBEDDED_V2_PACK, "runbooks/embedded-v2/", false);
    }

    /**
     * Returns the runbook file name (without {@code .md}) used for an alert name: {@code (v1)} becomes {@code -v1},
     * {@code >} becomes {@code -gt}, {@code %} becomes {@code pct}, every other character outside
     * {@code [A-Za-z0-9_-]} becomes {@code _}.
     */
    static String runbookFileName(String alertName) {
        String s = alertName.replace("(v1)", "-v1").replace(">", "-gt").replace("%", "pct");
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            b.append(safe ? c : '_');
        }
        return b.toString();
    }

    private static List<Rule> loadPack(String resource, String runbookDir, boolean csvContext) {
        RuleGroups groups = RuleFiles.parse(resource, readResource(resource));
        List<Rule> out = new ArrayList<>();
        for (Rule loaded : groups.rules()) {
            // Rebuilt with the same fields (not wrapped), so the evaluator still sees an expression rule and keeps
            // the sample history its range selectors need.
            Rule.Builder b = Rule.alert(loaded.name())
                    .expr(expressionOf(loaded))
                    .forDuration(loaded.forDuration())
                    .keepFiringFor(loaded.keepFiringFor())
                    .labels(loaded.labels())
                    .annotations(loaded.annotations())
                    .runbook(Runbook.fromResource(HaproxyRules.class,
                            runbookDir + runbookFileName(loaded.name()) + ".md"));
            if (csvContext && loaded.name().equals("HaproxyBackendDown")) {
                b.context(BackendDiagnostics::backendContext).readsOnDemand(BackendDiagnostics.reads());
            } else if (csvContext && loaded.name().equals("HaproxyServerDown")) {
                b.context(BackendDiagnostics::serverContext).readsOnDemand(BackendDiagnostics.reads());
            }
            out.add(b.build());
        }
        return List.copyOf(out);
    }

    private static String expressionOf(Rule loaded) {
        return loaded.expr().orElseThrow(() -> new IllegalStateException(
                "bundled rule " + loaded.name() + " has no PromQL expression"));
    }

    private static String readResource(String resource) {
        try (InputStream in = HaproxyRules.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bundled rule pack missing from the classpath: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled rule pack " + resource, e);
        }
    }

    private static Runbook runbook(String name) {
        return Runbook.fromResource(HaproxyRules.class, "runbooks/" + name + ".md");
    }
}
