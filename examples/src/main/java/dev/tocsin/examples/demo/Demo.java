package dev.tocsin.examples.demo;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Evaluator;
import dev.tocsin.core.MetricInterest;
import dev.tocsin.core.MetricSource;
import dev.tocsin.core.Rule;
import dev.tocsin.core.Sample;
import dev.tocsin.core.source.ForwardingMetricSource;
import dev.tocsin.examples.cli.AlertText;
import dev.tocsin.haproxy.HaproxyRules;
import dev.tocsin.haproxy.HaproxySource;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The Tocsin demo: a real HAProxy in front of two small local backends, watched by an {@link Evaluator} with the
 * HAProxy preset rules. It takes the {@code app} backend down, shows {@code HaproxyBackendDown} firing with its labels,
 * annotations, diagnosis context and runbook, brings the backend back, shows the alert resolved, and cleans up.
 *
 * <p>Everything runs on loopback; HAProxy is stopped and its temporary directory deleted on every exit path (normal
 * end, exception, Ctrl-C). Exit code 0 when the alert fired and resolved as expected, 1 otherwise.
 */
public final class Demo {

    /** How long each phase may take before the demo gives up. */
    static final Duration PHASE_TIMEOUT = Duration.ofSeconds(30);

    private final PrintStream out;
    private final Path haproxyBinary;
    private final BlockingQueue<Alert> transitions = new LinkedBlockingQueue<>();

    private Demo(PrintStream out, Path haproxyBinary) {
        this.out = out;
        this.haproxyBinary = haproxyBinary;
    }

    /**
     * Runs the demo and exits with its exit code.
     *
     * @param args optional: the HAProxy binary (default {@code /usr/sbin/haproxy})
     */
    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        Path binary = args.length > 0 ? Path.of(args[0]) : LocalHaproxy.DEFAULT_BINARY;
        System.exit(run(System.out, binary));
    }

    /**
     * Runs the demo, printing to {@code out}.
     *
     * @param out where the demo narrates
     * @param haproxyBinary the HAProxy binary
     * @return 0 on success, 1 when a step failed or timed out (the reason is printed)
     */
    public static int run(PrintStream out, Path haproxyBinary) {
        Demo demo = new Demo(out, haproxyBinary);
        try {
            demo.play();
            demo.say("Demo finished: the alert fired and resolved; everything started has been stopped.");
            return 0;
        } catch (DemoFailure e) {
            demo.say("DEMO FAILED: " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            demo.say("DEMO FAILED: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            demo.say("DEMO INTERRUPTED");
            return 1;
        }
    }

    private void play() throws IOException, InterruptedException {
        say("Starting 4 small HTTP servers on loopback: backend 'app' (s1, s2) and backend 'api' (s1, s2)");
        List<DemoHttpServer> servers = new ArrayList<>();
        try {
            DemoHttpServer app1 = add(servers, new DemoHttpServer("app/s1"));
            DemoHttpServer app2 = add(servers, new DemoHttpServer("app/s2"));
            DemoHttpServer api1 = add(servers, new DemoHttpServer("api/s1"));
            DemoHttpServer api2 = add(servers, new DemoHttpServer("api/s2"));
            say("  app: 127.0.0.1:" + app1.port() + ", 127.0.0.1:" + app2.port() + "   api: 127.0.0.1:" + api1.port()
                    + ", 127.0.0.1:" + api2.port());
            say("Starting HAProxy (" + haproxyBinary + " -db -f haproxy.cfg in a temporary directory),"
                    + " health checks 'option httpchk GET /' with 'check inter 500 fall 2 rise 2'");
            try (LocalHaproxy haproxy = LocalHaproxy.builder()
                    .binary(haproxyBinary)
                    .checkInterval(Duration.ofMillis(500))
                    .backend("app", app1.port(), app2.port())
                    .backend("api", api1.port(), api2.port())
                    .start()) {
                say("  HAProxy is running; stats page " + haproxy.statsUri() + " (CSV at " + haproxy.statsUri()
                        + ";csv)");
                say("Waiting for HAProxy's health checks to see every server UP ...");
                awaitStatuses(haproxy, "UP", "app/s1", "app/s2", "api/s1", "api/s2");
                say("  " + haproxy.serverStatuses().entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
                watch(haproxy, List.of(app1, app2));
                say("Stopping HAProxy and the HTTP servers, deleting " + haproxy.directory());
            }
        } finally {
            servers.forEach(DemoHttpServer::close);
        }
    }

    private void watch(LocalHaproxy haproxy, List<DemoHttpServer> app) throws IOException, InterruptedException {
        HaproxySource source = HaproxySource.builder().statsUri(haproxy.statsUri()).build();
        CountingSource counting = new CountingSource(source);
        List<Rule> rules = List.of(HaproxyRules.haproxyDown(), HaproxyRules.backendDown(), HaproxyRules.serverDown());
        say("Starting the Tocsin evaluator: source " + source + ", rules "
                + rules.stream().map(Rule::name).collect(Collectors.joining(", ")) + ", every 1 s");
        try (Evaluator evaluator = Evaluator.builder()
                .source(counting)
                .rules(rules)
                .interval(Duration.ofSeconds(1))
                .listener(alert -> {
                    out.println("  [transition] " + AlertText.line(alert));
                    transitions.add(alert);
                })
                .build()) {
            evaluator.start();
            long seen = counting.count();
            await("two evaluations", () -> counting.count() >= seen + 2);
            say("  " + counting.count() + " evaluations so far, active alerts: " + evaluator.alerts().size()
                    + " (all healthy)");

            say("");
            say("Stopping both servers of backend 'app': HAProxy's checks will get 'connection refused' ...");
            app.forEach(DemoHttpServer::stop);
            long stoppedAt = System.nanoTime();
            Alert fired = awaitTransition("HaproxyBackendDown", AlertState.FIRING);
            synchronized (out) { // keep the description together; transitions print after it
                say("HaproxyBackendDown FIRED " + millisSince(stoppedAt) + " ms after the servers stopped:");
                say("");
                out.print(AlertText.details(fired, "    "));
                say("");
            }

            say("Starting the servers of backend 'app' again ...");
            for (DemoHttpServer s : app) {
                s.start();
            }
            long startedAt = System.nanoTime();
            Alert resolved = awaitTransition("HaproxyBackendDown", AlertState.RESOLVED);
            say("HaproxyBackendDown RESOLVED " + millisSince(startedAt) + " ms after the servers came back (at "
                    + resolved.resolvedAt().map(Object::toString).orElse("?") + ")");
            awaitStatuses(haproxy, "UP", "app/s1", "app/s2");
            say("  " + haproxy.serverStatuses().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
            say("Closing the evaluator");
        }
    }

    private Alert awaitTransition(String rule, AlertState state) throws InterruptedException {
        long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Alert a = left <= 0 ? null : transitions.poll(left, TimeUnit.NANOSECONDS);
            if (a == null) {
                throw new DemoFailure(rule + " did not become " + state + " within " + PHASE_TIMEOUT.toSeconds()
                        + " s");
            }
            if (a.ruleName().equals(rule) && a.state() == state && "app".equals(a.labels().get("backend"))) {
                return a;
            }
        }
    }

    private void awaitStatuses(LocalHaproxy haproxy, String status, String... servers) throws InterruptedException {
        await("servers " + String.join(", ", servers) + " " + status, () -> {
            Map<String, String> now = haproxy.serverStatuses();
            for (String s : servers) {
                if (!status.equals(now.get(s))) {
                    return false;
                }
            }
            return true;
        });
    }

    private static void await(String what, Check check) throws InterruptedException {
        long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new DemoFailure("timed out after " + PHASE_TIMEOUT.toSeconds() + " s waiting for " + what
                + (last == null ? "" : " (last error: " + last.getMessage() + ")"));
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static DemoHttpServer add(List<DemoHttpServer> servers, DemoHttpServer s) {
        servers.add(s);
        return s;
    }

    private void say(String line) {
        out.println(line.isEmpty() ? "" : "[demo] " + line);
    }

    /** A condition polled until it holds. */
    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    /** A step of the demo that did not happen in time. */
    private static final class DemoFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DemoFailure(String message) {
            super(message);
        }
    }

    /** Counts the reads of another source, to know that evaluations are running. */
    private static final class CountingSource extends ForwardingMetricSource {
        private final AtomicLong count = new AtomicLong();

        CountingSource(MetricSource delegate) {
            super(delegate);
        }

        long count() {
            return count.get();
        }

        @Override
        public List<Sample> collect() throws Exception {
            return collect(MetricInterest.all());
        }

        @Override
        public List<Sample> collect(MetricInterest interest) throws Exception {
            try {
                return super.collect(interest);
            } finally {
                count.incrementAndGet();
            }
        }
    }
}
