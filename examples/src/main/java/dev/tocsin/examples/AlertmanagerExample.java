package dev.tocsin.examples;

import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Labels;
import dev.tocsin.core.notify.AlertmanagerNotifier;
import dev.tocsin.haproxy.HaproxyRules;
import dev.tocsin.haproxy.HaproxySource;

import java.net.URI;
import java.time.Duration;

/**
 * Forwards the HAProxy preset alerts to an Alertmanager, exactly as Prometheus would ({@code POST /api/v2/alerts}):
 * Alertmanager then groups, silences and routes them to e-mail, chat or paging.
 */
public final class AlertmanagerExample {

    /**
     * Arguments: the stats page URL, the Alertmanager URL, how long to run (ISO-8601, default PT1M).
     *
     * @param args the arguments described above
     * @throws InterruptedException if interrupted while it runs
     */
    public static void main(String[] args) throws InterruptedException {
        URI stats = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:8404/stats");
        URI alertmanager = URI.create(args.length > 1 ? args[1] : "http://127.0.0.1:9093");
        Duration runFor = Duration.parse(args.length > 2 ? args[2] : "PT1M");

        AlertmanagerNotifier notifier = AlertmanagerNotifier.builder()
                .url(alertmanager)
                .externalLabels(Labels.of("cluster", "example"))
                .build();

        try (Evaluator evaluator = Evaluator.builder()
                .source(HaproxySource.builder().statsUri(stats).build())
                .rules(HaproxyRules.availability())
                .notifier(notifier) // closed, and flushed, by evaluator.close()
                .interval(Duration.ofSeconds(5))
                .listener(alert -> System.out.println(alert.state() + " " + alert.ruleName() + alert.labels()))
                .build()) {
            evaluator.start();
            Thread.sleep(runFor.toMillis());
        }
        System.out.println("sent: " + notifier.stats());
    }

    private AlertmanagerExample() {
    }
}
