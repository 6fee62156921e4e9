package dev.tocsin.benchmarks.notify;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Notification;
import dev.tocsin.core.internal.notify.AlertmanagerDispatcher;
import dev.tocsin.core.internal.notify.AmAlert;
import dev.tocsin.core.internal.notify.DeliverySettings;
import dev.tocsin.core.internal.notify.Transport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Notifier costs: encoding one Alertmanager batch, and the steady state of an Alertmanager notifier while 1,000
 * alerts fire (evaluations every 5 s, a resend of all 1,000 once per simulated minute), with a no-op transport.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class NotifyBenchmark {

    private static Labels labels(int i) {
        return Labels.of("alertname", "HaproxyBackendDown", "backend", "be_" + i, "instance", "lb1:8404",
                "job", "haproxy", "severity", "critical", "team", "payments", "cluster", "eu-west-1",
                "env", "production", "service", "checkout", "region", "eu");
    }

    private static Map<String, String> annotations(int i) {
        Map<String, String> m = new TreeMap<>();
        m.put("summary", "Backend be_" + i + " is down");
        m.put("description", "HAProxy lb1:8404 reports no server available for backend be_" + i + ".");
        m.put("runbook_url", "https://runbooks.example/haproxy/HaproxyBackendDown");
        return m;
    }

    /** One batch of 256 alerts, 10 labels and 3 annotations each. */
    @State(Scope.Benchmark)
    public static class Batch {
        List<AmAlert> alerts;

        @Setup
        public void setUp() {
            Instant t = Instant.parse("2026-11-25T18:00:00.123Z");
            alerts = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                alerts.add(new AmAlert(labels(i), annotations(i), t, t.plusSeconds(240),
                        "http://tocsin.example/graph"));
            }
        }
    }

    /** Encodes the batch as the JSON body of {@code POST /api/v2/alerts}. */
    @Benchmark
    public byte[] serializeBatch256(Batch b) {
        return AmAlert.encode(b.alerts);
    }

    /** A notifier with 1,000 firing alerts and a transport that only counts. */
    @State(Scope.Benchmark)
    public static class Steady {
        static final Duration INTERVAL = Duration.ofSeconds(5);
        final AtomicLong delivered = new AtomicLong();
        AlertmanagerDispatcher dispatcher;
        List<Alert> active;
        Instant now;
        long expected;

        @Setup(Level.Trial)
        public void setUp() {
            DeliverySettings s = new DeliverySettings(10_000);
            s.transport = new Transport() {
                @Override
                public Response post(URI uri, byte[] body, Duration timeout) {
                    // one batch; count its alerts by their "labels" fields
                    int n = 0;
                    for (int i = 0; i + 8 < body.length; i++) {
                        if (body[i] == '"' && body[i + 1] == 'l' && body[i + 7] == '"' && body[i + 8] == ':') {
                            n++;
                        }
                    }
                    delivered.addAndGet(n);
                    return new Response(200, "");
                }
            };
            // 55 s: with evaluations every 5 s, exactly one resend of every alert per simulated minute
            dispatcher = new AlertmanagerDispatcher(List.of(URI.create("http://am:9093")), s,
                    Duration.ofSeconds(55), Labels.empty(), "");
            now = Instant.parse("2026-11-25T18:00:00Z");
            active = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                active.add(Alert.builder("HaproxyBackendDown", labels(i), AlertState.FIRING, now)
                        .annotations(annotations(i)).firedAt(now).build());
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            dispatcher.close();
        }
    }

    /**
     * One simulated minute: 12 evaluations of 1,000 firing alerts, one of which re-sends all of them, and the
     * delivery thread's encoding of the 4 batches (waited for, so its CPU time is in the figure).
     */
    @Benchmark
    public long simulatedMinute(Steady s) {
        int queued = 0;
        for (int i = 0; i < 12; i++) {
            s.now = s.now.plus(Steady.INTERVAL);
            queued += s.dispatcher.accept(new Notification(s.now, Steady.INTERVAL, List.of(), s.active));
        }
        s.expected += queued;
        while (s.delivered.get() < s.expected) {
            Thread.onSpinWait();
        }
        return queued;
    }

    /** One evaluation of 1,000 firing alerts where nothing is due (the common case, 11 of 12 per minute). */
    @Benchmark
    public int acceptNothingDue(Steady s) {
        // same instant each time: every alert was sent at most 55 s ago, nothing is queued
        return s.dispatcher.accept(new Notification(s.now, Steady.INTERVAL, List.of(), s.active));
    }
}
