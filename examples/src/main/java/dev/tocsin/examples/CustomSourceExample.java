package dev.tocsin.examples;

import dev.tocsin.core.Evaluator;
import dev.tocsin.core.MetricSource;
import dev.tocsin.core.Rule;
import dev.tocsin.core.Sample;
import dev.tocsin.haproxy.HaproxyRules;
import dev.tocsin.haproxy.HaproxySource;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A source of the host's own metrics next to HAProxy: the depth of an in-process work queue, alerted on by
 * {@code WorkQueueBacklog} in the same evaluator as the HAProxy presets.
 */
public final class CustomSourceExample {

    /** Publishes {@code work_queue_depth} and {@code work_queue_capacity} of one queue, labelled {@code queue}. */
    public static final class WorkQueueSource implements MetricSource {
        private final String name;
        private final BlockingQueue<?> queue;

        /**
         * Creates a source for one queue.
         *
         * @param name the value of the {@code queue} label
         * @param queue the queue to measure
         */
        public WorkQueueSource(String name, BlockingQueue<?> queue) {
            this.name = name;
            this.queue = queue;
        }

        @Override
        public String instance() {
            return "localhost";
        }

        @Override
        public String job() {
            return "work-queues";
        }

        @Override
        public List<Sample> collect() {
            int depth = queue.size();
            return List.of(
                    Sample.of("work_queue_depth", depth, "queue", name),
                    Sample.of("work_queue_capacity", depth + queue.remainingCapacity(), "queue", name));
        }
    }

    /**
     * Returns {@code WorkQueueBacklog}: more than {@code threshold} jobs waiting.
     *
     * @param threshold the queue depth above which the alert fires
     * @return the rule
     */
    public static Rule workQueueBacklog(int threshold) {
        return Rule.alert("WorkQueueBacklog")
                .expr("work_queue_depth > " + threshold)
                .label("severity", "warning")
                .annotation("summary", "{{ $value }} jobs wait in queue {{ $labels.queue }}")
                .build();
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

        BlockingQueue<String> emails = new ArrayBlockingQueue<>(1000);
        for (int i = 0; i < 500; i++) {
            emails.add("mail-" + i); // a stuck consumer: nothing takes them
        }

        try (Evaluator evaluator = Evaluator.builder()
                .source(HaproxySource.builder().statsUri(stats).build())
                .source(new WorkQueueSource("emails", emails))
                .rules(HaproxyRules.availability())
                .rule(workQueueBacklog(100))
                .interval(Duration.ofSeconds(5))
                .listener(alert -> System.out.println(alert.state() + " " + alert.ruleName() + alert.labels()
                        + " " + alert.annotations().get("summary")))
                .build()) {
            evaluator.start();
            Thread.sleep(runFor.toMillis());
        }
    }

    private CustomSourceExample() {
    }
}
