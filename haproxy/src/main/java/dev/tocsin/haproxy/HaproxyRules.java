package dev.tocsin.haproxy;

import dev.tocsin.core.MetricsView;
import dev.tocsin.core.Rule;
import dev.tocsin.core.Runbook;
import dev.tocsin.core.Sample;
import dev.tocsin.haproxy.internal.BackendDiagnostics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Preset HAProxy alert rules, identical to the public haproxy_exporter v1 rule pack (awesome-prometheus-alerts,
 * {@code haproxy-exporter-v1.yml}): same names, expressions, {@code for}, labels and annotations, with a runbook
 * attached and diagnostic context ({@link dev.tocsin.core.Alert#context()}) added.
 *
 * <p>They expect the metrics of a {@link HaproxySource}.
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
     */
    public static Rule backendDown(Maintenance maintenance) {
        Objects.requireNonNull(maintenance, "maintenance");
        Rule.Builder b = Rule.alert("HaproxyBackendDown")
                .forDuration(Duration.ZERO)
                .annotation("summary", "HAProxy backend down (instance {{ $labels.instance }})")
                .annotation("description", BACKEND_DOWN_DESCRIPTION)
                .annotation("runbook", BACKEND_DOWN_RUNBOOK_URL)
                .runbook(runbook("HaproxyBackendDown"))
                .context(BackendDiagnostics::backendContext);
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
                .build();
    }

    /**
     * Returns {@code HaproxyDown} as published: {@code haproxy_up == 0} (the source could not be read), for 0m,
     * severity critical; runbook attached.
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

    /** Returns the three availability rules: {@link #haproxyDown()}, {@link #backendDown()}, {@link #serverDown()}. */
    public static List<Rule> availability() {
        return List.of(haproxyDown(), backendDown(), serverDown());
    }

    private static Runbook runbook(String name) {
        return Runbook.fromResource(HaproxyRules.class, "runbooks/" + name + ".md");
    }
}
