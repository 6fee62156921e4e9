package dev.tocsin.core.notify;

import dev.tocsin.core.Alert;
import dev.tocsin.core.Evaluator;
import dev.tocsin.core.MetricSource;
import dev.tocsin.core.Notification;
import dev.tocsin.core.Rule;
import dev.tocsin.core.Sample;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.tocsin.core.internal.notify.TestAlerts.firing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Fake Alertmanagers that fail in every way: the notifier logs, retries within budget, counts, never blocks. */
class FaultyAlertmanagerIT {

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closeables.add(c);
        return c;
    }

    private AlertmanagerNotifier notifier(URI url) {
        return closeLater(AlertmanagerNotifier.builder().url(url)
                .resendDelay(Duration.ofMillis(200))
                .timeout(Duration.ofMillis(300))
                .maxAttempts(3)
                .backoff(Duration.ofMillis(50), 2, Duration.ofMillis(100))
                .circuitBreaker(50, 10, Duration.ofMillis(200))
                .flushTimeout(Duration.ofSeconds(1))
                .build());
    }

    /** Calls accept 50 times with 100 firing alerts and returns the slowest call. */
    private static Duration slowestAccept(AlertmanagerNotifier n) {
        List<Alert> active = new ArrayList<>();
        Instant t0 = Instant.now();
        for (int i = 0; i < 100; i++) {
            active.add(firing("Faulty", "b" + i, t0, t0));
        }
        long worst = 0;
        for (int i = 0; i < 50; i++) {
            Instant now = t0.plusMillis(250L * i);
            long start = System.nanoTime();
            n.accept(new Notification(now, Duration.ofMillis(100), i == 0 ? active : List.of(), active));
            worst = Math.max(worst, System.nanoTime() - start);
        }
        return Duration.ofNanos(worst);
    }

    @Test
    void serverErrorIsRetriedWithinBudgetAndCounted() throws Exception {
        TestHttpServer fake = closeLater(new TestHttpServer(500));
        AlertmanagerNotifier n = notifier(fake.url("/"));
        assertThat(slowestAccept(n)).isLessThan(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> n.stats().failed() >= 100);
        assertThat(n.stats().retried()).isPositive();
        assertThat(n.stats().sent()).isZero();
        // the fake recovers: the latest state of every alert gets through
        fake.status(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> n.stats().sent() >= 100);
    }

    @Test
    void badRequestIsNotRetried() throws Exception {
        TestHttpServer fake = closeLater(new TestHttpServer(400));
        AlertmanagerNotifier n = notifier(fake.url("/"));
        Alert a = firing("Faulty", "x", Instant.now(), Instant.now());
        n.accept(new Notification(Instant.now(), Duration.ofSeconds(1), List.of(a), List.of(a)));
        await().atMost(Duration.ofSeconds(10)).until(() -> n.stats().failed() == 1);
        assertThat(fake.requests.get()).isEqualTo(1);
        assertThat(n.stats().retried()).isZero();
    }

    @Test
    void hangingServerTimesOutAndNeverBlocksTheCaller() throws Exception {
        TestHttpServer fake = closeLater(new TestHttpServer(0));
        AlertmanagerNotifier n = notifier(fake.url("/"));
        assertThat(slowestAccept(n)).isLessThan(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> n.stats().failed() >= 100);
        assertThat(n.stats().retried()).isPositive();
        assertThat(n.stats().sent()).isZero();
        long start = System.nanoTime();
        n.close(); // flush timeout 1 s: gives up on the hanging server
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void acceptReturnsWhileTheOnlyAlertmanagerHoldsARequest() throws Exception {
        TestHttpServer fake = closeLater(new TestHttpServer(0));
        AlertmanagerNotifier n = closeLater(AlertmanagerNotifier.builder().url(fake.url("/"))
                .timeout(Duration.ofSeconds(60)).resendDelay(Duration.ofMillis(1))
                .flushTimeout(Duration.ofMillis(200)).build());
        Instant t0 = Instant.now();
        Alert a = firing("Faulty", "held", t0, t0);
        n.accept(new Notification(t0, Duration.ofSeconds(1), List.of(a), List.of(a)));
        await().atMost(Duration.ofSeconds(5)).until(() -> fake.requests.get() == 1);
        // the request is held for 60 s; 100 more evaluations (each one a resend) complete meanwhile
        Thread caller = new Thread(() -> {
            for (int i = 1; i <= 100; i++) {
                n.accept(new Notification(t0.plusMillis(10L * i), Duration.ofSeconds(1), List.of(), List.of(a)));
            }
        });
        caller.start();
        caller.join(5_000);
        assertThat(caller.isAlive()).isFalse();
        assertThat(fake.requests.get()).isEqualTo(1);
    }

    @Test
    void connectionResetIsRetriedAndCounted() throws Exception {
        ServerSocket server = closeLater(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        AtomicInteger connections = new AtomicInteger();
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    s.setSoLinger(true, 0);
                    s.getInputStream().read();
                    s.close(); // RST
                } catch (IOException e) {
                    // closed
                }
            }
        });
        t.setDaemon(true);
        t.start();
        AlertmanagerNotifier n = notifier(URI.create("http://127.0.0.1:" + server.getLocalPort()));
        assertThat(slowestAccept(n)).isLessThan(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> n.stats().failed() >= 100);
        assertThat(n.stats().retried()).isPositive();
        assertThat(connections.get()).isGreaterThan(1);
    }

    @Test
    void evaluationsKeepTheirIntervalWhileAlertmanagerHangs() throws Exception {
        TestHttpServer fake = closeLater(new TestHttpServer(0));
        List<Instant> collects = new CopyOnWriteArrayList<>();
        MetricSource source = new MetricSource() {
            @Override
            public String instance() {
                return "test";
            }

            @Override
            public String job() {
                return "faulty";
            }

            @Override
            public List<Sample> collect() {
                collects.add(Instant.now());
                return List.of(Sample.of("thing_up", 0, "thing", "a"));
            }
        };
        AlertmanagerNotifier n = AlertmanagerNotifier.builder().url(fake.url("/"))
                .resendDelay(Duration.ofMillis(50)).timeout(Duration.ofSeconds(30))
                .flushTimeout(Duration.ofMillis(500)).build();
        Evaluator evaluator = closeLater(Evaluator.builder().interval(Duration.ofMillis(50)).source(source)
                .rule(Rule.alert("AlwaysFiring")
                        .condition(m -> List.of(Sample.of("thing_up", 0, "thing", "a")))
                        .build())
                .notifier(n).build());
        evaluator.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> fake.requests.get() >= 1);
        int before = collects.size();
        await().atMost(Duration.ofSeconds(10)).until(() -> collects.size() >= before + 20);
        // 20 more evaluations while the only Alertmanager holds its request: none waited for it
        List<Instant> c = List.copyOf(collects).subList(before, before + 20);
        Duration span = Duration.between(c.get(0), c.get(c.size() - 1));
        assertThat(span).isLessThan(Duration.ofSeconds(3)); // 19 intervals of 50 ms, generous for a busy host
        assertThat(evaluator.alerts()).isNotEmpty();
    }
}
