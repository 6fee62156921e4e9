package dev.tocsin.examples;

import dev.tocsin.core.Labels;
import dev.tocsin.core.MetricsView;
import dev.tocsin.core.Runbook;
import dev.tocsin.core.Sample;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** The pieces of the examples that need no HAProxy. */
class ExamplesTest {

    @Test
    void markdownRunbookOfTheExpressionExampleParses() {
        Runbook rb = Runbook.fromResource(ExpressionRuleExample.class, "runbooks/BackendLowCapacity.md");
        assertThat(rb.title()).isEqualTo("BackendLowCapacity");
        assertThat(rb.summary()).isEqualTo("A backend runs on fewer than two active servers");
        assertThat(rb.diagnosis()).hasSize(2);
        assertThat(rb.mitigation()).hasSize(2);
        assertThat(rb.impactPoints()).containsExactly("No redundancy left", "The remaining server carries all the load");
        assertThat(rb.ruleDefinition()).hasValueSatisfying(y -> assertThat(y).startsWith("alert: BackendLowCapacity\n"));
    }

    @Test
    void degradedConditionCountsServersDownPerBackend() throws Exception {
        List<Sample> series = List.of(
                up("lb1", "app", "s1", 1), up("lb1", "app", "s2", 0), up("lb1", "app", "s3", 0),
                up("lb1", "api", "s1", 1), up("lb1", "api", "s2", 1),
                up("lb1", "dead", "s1", 0),
                up("lb2", "app", "s1", 1), up("lb2", "app", "s2", 0));
        MetricsView view = new MetricsView() {
            @Override
            public Instant time() {
                return Instant.EPOCH;
            }

            @Override
            public List<Sample> series(String metricName) {
                return metricName.equals("haproxy_server_up") ? series : List.of();
            }
        };

        assertThat(CustomJavaRuleExample.degradedBackends(view)).containsExactlyInAnyOrder(
                new Sample(Labels.of("backend", "app", "instance", "lb1", "job", "haproxy"), 2),
                new Sample(Labels.of("backend", "app", "instance", "lb2", "job", "haproxy"), 1));
        assertThat(CustomJavaRuleExample.backendDegraded().runbook()).isPresent();
        assertThat(CustomJavaRuleExample.backendDegraded().forDuration()).isEqualTo(Duration.ZERO);
    }

    @Test
    void workQueueSourceMeasuresTheQueue() {
        ArrayBlockingQueue<String> q = new ArrayBlockingQueue<>(10);
        q.add("a");
        q.add("b");
        CustomSourceExample.WorkQueueSource source = new CustomSourceExample.WorkQueueSource("emails", q);

        assertThat(source.collect()).containsExactly(
                Sample.of("work_queue_depth", 2, "queue", "emails"),
                Sample.of("work_queue_capacity", 10, "queue", "emails"));
        assertThat(source.instance()).isEqualTo("localhost");
        assertThat(source.job()).isEqualTo("work-queues");
    }

    private static Sample up(String instance, String backend, String server, double v) {
        return Sample.of("haproxy_server_up", v, "instance", instance, "job", "haproxy", "backend", backend,
                "server", server);
    }
}
