package dev.tocsin.examples;

import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Rule;
import dev.tocsin.core.Runbook;
import dev.tocsin.haproxy.HaproxySource;

import java.net.URI;
import java.time.Duration;

/**
 * A rule written as a PromQL expression, as in a Prometheus rule file: {@code BackendLowCapacity} fires when a backend
 * has had fewer than two active servers for a while. Labels and annotations are Go templates; the runbook is a Markdown
 * resource ({@code runbooks/BackendLowCapacity.md} next to this class).
 */
public final class ExpressionRuleExample {

    /**
     * Returns the rule for one backend.
     *
     * @param backend the backend's name in HAProxy
     * @param forDuration how long the condition must hold before the alert fires
     * @return the rule
     */
    public static Rule backendLowCapacity(String backend, Duration forDuration) {
        return Rule.alert("BackendLowCapacity")
                .expr("haproxy_backend_current_server{backend=\"" + backend + "\"} < 2")
                .forDuration(forDuration)
                .label("severity", "warning")
                .label("team", "web")
                .annotation("summary", "Backend {{ $labels.backend }} runs on {{ $value }} server(s)")
                .annotation("description", "{{ $labels.backend }} on {{ $labels.instance }} has fewer than two"
                        + " active servers; one more failure takes it down.")
                .runbook(Runbook.fromResource(ExpressionRuleExample.class, "runbooks/BackendLowCapacity.md"))
                .build();
    }

    /**
     * Arguments: the stats page URL, the backend (default app), {@code for} (default PT1M), run time (PT5M).
     *
     * @param args the arguments described above
     * @throws InterruptedException if interrupted while it runs
     */
    public static void main(String[] args) throws InterruptedException {
        URI stats = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:8404/stats");
        String backend = args.length > 1 ? args[1] : "app";
        Duration forDuration = Duration.parse(args.length > 2 ? args[2] : "PT1M");
        Duration runFor = Duration.parse(args.length > 3 ? args[3] : "PT5M");
        try (Evaluator evaluator = Evaluator.builder()
                .source(HaproxySource.builder().statsUri(stats).build())
                .rule(backendLowCapacity(backend, forDuration))
                .interval(Duration.ofSeconds(5))
                .listener(alert -> {
                    System.out.println(alert.state() + " " + alert.ruleName() + alert.labels());
                    alert.annotations().forEach((k, v) -> System.out.println("  " + k + ": " + v));
                    alert.runbook().ifPresent(rb -> System.out.println("  runbook: " + rb.title() + " - "
                            + rb.summary() + "; first step: " + rb.diagnosis().get(0)));
                })
                .build()) {
            evaluator.start();
            Thread.sleep(runFor.toMillis());
        }
    }

    private ExpressionRuleExample() {
    }
}
