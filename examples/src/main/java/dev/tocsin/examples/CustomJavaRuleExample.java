package dev.tocsin.examples;

import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Labels;
import dev.tocsin.core.MetricsView;
import dev.tocsin.core.Rule;
import dev.tocsin.core.Runbook;
import dev.tocsin.core.Sample;
import dev.tocsin.haproxy.HaproxySource;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A rule whose condition is plain Java: {@code HaproxyBackendDegraded} fires for every backend that still serves but
 * has lost servers, with the number of servers down as its value.
 */
public final class CustomJavaRuleExample {

    /**
     * Returns the rule: condition in Java, labels, templated annotations and a runbook built in code.
     *
     * @return the rule
     */
    public static Rule backendDegraded() {
        return Rule.alert("HaproxyBackendDegraded")
                .condition(CustomJavaRuleExample::degradedBackends)
                .forDuration(Duration.ZERO)
                .label("severity", "warning")
                .annotation("summary", "Backend {{ $labels.backend }} lost {{ $value }} server(s)")
                .runbook(Runbook.builder("HaproxyBackendDegraded")
                        .summary("A backend serves with fewer servers than configured")
                        .meaning("At least one server of the backend fails its health checks; the others carry its load.")
                        .diagnosisStep("Run 'tocsin check' or open the stats page: which servers are DOWN, and why?")
                        .mitigationStep("Restart or replace the failed servers before the backend runs out of them.")
                        .build())
                .build();
    }

    /** The condition: one sample per backend (instance, job, backend) with some but not all servers down. */
    static List<Sample> degradedBackends(MetricsView metrics) {
        Map<Labels, int[]> upAndTotal = new TreeMap<>();
        for (Sample s : metrics.series("haproxy_server_up")) {
            Labels backend = Labels.of("instance", s.labels().get("instance"), "job", s.labels().get("job"),
                    "backend", s.labels().get("backend"));
            int[] counts = upAndTotal.computeIfAbsent(backend, k -> new int[2]);
            counts[0] += s.value() == 1 ? 1 : 0;
            counts[1]++;
        }
        List<Sample> out = new ArrayList<>();
        upAndTotal.forEach((backend, c) -> {
            if (c[0] > 0 && c[0] < c[1]) {
                out.add(new Sample(backend, c[1] - c[0]));
            }
        });
        return out;
    }

    /**
     * Arguments: the stats page URL, how long to run (ISO-8601, default PT1M).
     *
     * @param args the arguments described above
     * @throws InterruptedException if interrupted while it runs
     */
    public static void main(String[] args) throws InterruptedException {
        URI stats = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:8404/stats");
        Duration runFor = Duration.parse(args.length > 1 ? args[1] : "PT1M");
        try (Evaluator evaluator = Evaluator.builder()
                .source(HaproxySource.builder().statsUri(stats).build())
                .rule(backendDegraded())
                .interval(Duration.ofSeconds(5))
                .listener(alert -> System.out.println(alert.state() + " " + alert.ruleName() + alert.labels()
                        + " " + alert.annotations().get("summary")))
                .build()) {
            evaluator.start();
            Thread.sleep(runFor.toMillis());
        }
    }

    private CustomJavaRuleExample() {
    }
}
