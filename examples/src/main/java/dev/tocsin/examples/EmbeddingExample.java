package dev.tocsin.examples;

import dev.tocsin.core.Evaluator;
import dev.tocsin.haproxy.HaproxyRules;
import dev.tocsin.haproxy.HaproxySource;

import java.net.URI;
import java.time.Duration;

/** Watches one HAProxy with the HaproxyBackendDown preset and prints every alert transition. */
public final class EmbeddingExample {

    /**
     * Arguments: the stats page URL, how long to run (ISO-8601, default PT1M).
     * @param args the arguments described above
     * @throws InterruptedException if interrupted while it runs
     */
    public static void main(String[] args) throws InterruptedException {
        URI stats = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:8404/stats");
        Duration runFor = Duration.parse(args.length > 1 ? args[1] : "PT1M");

        HaproxySource haproxy = HaproxySource.builder().statsUri(stats).build();

        try (Evaluator evaluator = Evaluator.builder()
                .source(haproxy)
                .rule(HaproxyRules.backendDown())
                .interval(Duration.ofSeconds(5))
                .listener(alert -> System.out.println(alert.state() + " " + alert.ruleName()
                        + alert.labels() + " " + alert.annotations().get("summary")
                        + " " + alert.context()))
                .build()) {
            evaluator.start();
            Thread.sleep(runFor.toMillis());
        }
    }

    private EmbeddingExample() {
    }
}
