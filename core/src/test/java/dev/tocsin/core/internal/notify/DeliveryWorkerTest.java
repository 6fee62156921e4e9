package dev.tocsin.core.internal.notify;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DeliveryWorkerTest {

    private static DeliverySettings settings() {
        DeliverySettings s = new DeliverySettings(100);
        s.initialBackoff = Duration.ofMillis(10);
        s.maxBackoff = Duration.ofMillis(20);
        s.circuitOpenDuration = Duration.ofMillis(50);
        s.flushTimeout = Duration.ofSeconds(2);
        return s;
    }

    private static DeliveryWorker<String, String> worker(RecordingTransport t, DeliverySettings s) {
        DeliveryWorker<String, String> w = new DeliveryWorker<>("test", URI.create("http://x"), s, t,
                vs -> String.join(",", vs).getBytes(StandardCharsets.UTF_8), 10,
                LoggerFactory.getLogger(DeliveryWorkerTest.class));
        w.start();
        return w;
    }

    @Test
    void credentialsAServerEchoesBackNeverReachTheLog() throws Exception {
        DeliverySettings s = settings();
        s.basicAuth("admin", "s3cr3tpw");
        String encoded = java.util.Base64.getEncoder().encodeToString("admin:s3cr3tpw".getBytes(StandardCharsets.UTF_8));
        String body = "unauthorized;\n you sent Basic " + encoded + " (admin:s3cr3tpw), password s3cr3tpw,"
                + " and a Bearer abc.DEF-ghi123\r\n<html>\t" + "x".repeat(500);
        org.slf4j.Logger log = org.mockito.Mockito.mock(org.slf4j.Logger.class);
        Transport t = new Transport() {
            @Override
            public Response post(URI uri, byte[] b, Duration timeout) {
                return new Response(401, body);
            }

            @Override
            public void close() {
            }
        };
        DeliveryWorker<String, String> w = new DeliveryWorker<>("test", URI.create("http://x"), s, t,
                vs -> String.join(",", vs).getBytes(StandardCharsets.UTF_8), 10, log);
        w.start();
        w.offer("a", "1");
        await().until(() -> w.stats().failed.sum() == 1);
        // everything handed to the logger, whatever the method
        StringBuilder logged = new StringBuilder();
        for (org.mockito.invocation.Invocation i : org.mockito.Mockito.mockingDetails(log).getInvocations()) {
            logged.append(java.util.Arrays.deepToString(i.getArguments())).append(" | ");
        }
        assertThat(logged).contains("HTTP 401: unauthorized; you sent Basic <redacted>", "Bearer <redacted>")
                .doesNotContain("s3cr3tpw", encoded, "abc.DEF", "\n", "\r", "\t", "x".repeat(200));
        w.beginClose();
        w.awaitClose(System.nanoTime() + 1_000_000_000L);
    }

    @Test
    void whatTheCircuitBreakerRecordsAndResilience4jLogsIsScrubbedToo() throws Exception {
        DeliverySettings s = settings();
        s.bearerToken("tok3nSECRETvalue42");
        Transport t = new Transport() {
            @Override
            public Response post(URI uri, byte[] b, Duration timeout) throws java.io.IOException {
                throw new java.net.ProtocolException("Invalid status line: \"HTTP/1.1 2x0 Bearer tok3nSECRETvalue42\"");
            }

            @Override
            public void close() {
            }
        };
        org.slf4j.Logger log = org.mockito.Mockito.mock(org.slf4j.Logger.class);
        DeliveryWorker<String, String> w = new DeliveryWorker<>("test", URI.create("http://x"), s, t,
                vs -> String.join(",", vs).getBytes(StandardCharsets.UTF_8), 10, log);
        List<Throwable> recorded = new java.util.concurrent.CopyOnWriteArrayList<>();
        w.circuitBreaker().getEventPublisher().onError(e -> recorded.add(e.getThrowable()));
        w.start();
        w.offer("a", "1");
        await().until(() -> w.stats().failed.sum() >= 1);
        assertThat(recorded).isNotEmpty().allSatisfy(e -> {
            java.io.StringWriter trace = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(trace));
            assertThat(trace.toString()).doesNotContain("tok3nSECRETvalue42").contains("Bearer <redacted>");
        });
        // the WARN still names the JDK's exception type
        StringBuilder logged = new StringBuilder();
        for (org.mockito.invocation.Invocation i : org.mockito.Mockito.mockingDetails(log).getInvocations()) {
            logged.append(java.util.Arrays.deepToString(i.getArguments())).append(" | ");
        }
        assertThat(logged).contains("failed after the retry budget", "ProtocolException")
                .doesNotContain("tok3nSECRETvalue42");
        w.beginClose();
        w.awaitClose(System.nanoTime() + 1_000_000_000L);
    }

    @Test
    void retriesServerErrorsWithinBudget() {
        RecordingTransport t = new RecordingTransport(n -> n < 3 ? 500 : 200);
        DeliveryWorker<String, String> w = worker(t, settings());
        w.offer("a", "1");
        await().until(() -> w.stats().sent.sum() == 1);
        assertThat(w.stats().retried.sum()).isEqualTo(2);
        assertThat(w.stats().failed.sum()).isZero();
        w.beginClose();
        w.awaitClose(System.nanoTime() + 1_000_000_000L);
    }

    @Test
    void badRequestIsNotRetriedAndIsCounted() {
        RecordingTransport t = new RecordingTransport(n -> 400);
        DeliveryWorker<String, String> w = worker(t, settings());
        w.offer("a", "1");
        await().until(() -> w.stats().failed.sum() == 1);
        assertThat(t.posts).hasSize(1);
        assertThat(w.stats().retried.sum()).isZero();
        w.beginClose();
        w.awaitClose(System.nanoTime() + 1_000_000_000L);
    }

    @Test
    void keepsTheLatestValueQueuedWhileTheTargetIsDownAndDeliversItAfterwards() {
        java.util.concurrent.atomic.AtomicInteger downUntil = new java.util.concurrent.atomic.AtomicInteger(
                Integer.MAX_VALUE);
        RecordingTransport t = new RecordingTransport(n -> n < downUntil.get() ? -1 : 200);
        DeliveryWorker<String, String> w = worker(t, settings());
        w.offer("a", "firing");
        await().until(() -> w.stats().failed.sum() >= 1);
        w.offer("a", "resolved");
        w.offer("b", "firing");
        downUntil.set(t.posts.size() + 1);
        await().until(() -> w.stats().sent.sum() >= 2);
        String last = new String(t.posts.get(t.posts.size() - 1).body(), StandardCharsets.UTF_8);
        assertThat(List.of(last.split(","))).containsExactly("resolved", "firing");
        w.beginClose();
        w.awaitClose(System.nanoTime() + 1_000_000_000L);
    }

    @Test
    void whileTheCircuitBreakerIsOpenNothingIsSentRetriedOrCountedAsFailed() {
        DeliverySettings s = settings();
        s.circuitOpenDuration = Duration.ofSeconds(3);
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        RecordingTransport t = new RecordingTransport(n -> down.get() ? -1 : 200);
        DeliveryWorker<String, String> w = worker(t, s);
        w.offer("a", "firing");
        // 3 attempts, then 2 more: the fifth failed call opens the breaker (at least 5 calls, 50 %)
        await().until(() -> t.posts.size() == 5);
        // the open period: the worker waits for it instead of counting rejected calls as retries and failures
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).until(() -> t.posts.size() == 5
                && w.stats().failed.sum() == 2 && w.stats().retried.sum() == 3);
        down.set(false);
        // once it has passed, the half-open call is the next request, and it delivers
        await().atMost(Duration.ofSeconds(10)).until(() -> w.stats().sent.sum() == 1);
        assertThat(t.posts).hasSize(6);
        assertThat(w.stats().failed.sum()).isEqualTo(2);
        assertThat(w.stats().retried.sum()).isEqualTo(3);
        w.beginClose();
        w.awaitClose(System.nanoTime() + 1_000_000_000L);
    }

    @Test
    void aBatchCutShortByTheBreakerReportsTheRequestsFailureNotTheRejection() {
        DeliverySettings s = settings();
        s.circuitOpenDuration = Duration.ofSeconds(30);
        org.slf4j.Logger log = org.mockito.Mockito.mock(org.slf4j.Logger.class);
        RecordingTransport t = new RecordingTransport(n -> -1);
        DeliveryWorker<String, String> w = new DeliveryWorker<>("test", URI.create("http://x"), s, t,
                vs -> String.join(",", vs).getBytes(StandardCharsets.UTF_8), 10, log);
        w.start();
        w.offer("a", "firing");
        await().until(() -> w.stats().failed.sum() == 2);
        StringBuilder logged = new StringBuilder();
        for (org.mockito.invocation.Invocation i : org.mockito.Mockito.mockingDetails(log).getInvocations()) {
            logged.append(java.util.Arrays.deepToString(i.getArguments())).append(" | ");
        }
        assertThat(logged).contains("connection refused (test)").doesNotContain("circuit breaker open (");
        // closing while the breaker is open for longer than close may take: it waits for the trial call until its
        // deadline; what is queued then counts as dropped, not as failed, and close says so
        long start = System.nanoTime();
        w.beginClose();
        w.awaitClose(start + 500_000_000L);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(w.stats().dropped.sum()).isEqualTo(1);
        assertThat(w.stats().failed.sum()).isEqualTo(2);
        assertThat(t.posts).hasSize(5);
        org.mockito.Mockito.verify(log).warn("Closing: {} notification(s) for {} could not be delivered in time and"
                + " were dropped", 1L, "test");
    }

    @Test
    void closingWhileTheBreakerIsOpenStillTriesTheTargetOnceItsPeriodEnds() {
        // an open breaker says the target failed before, not that it is down now: within close's budget the trial
        // call is made, and a target that is well again gets what was queued
        DeliverySettings s = settings();
        s.circuitOpenDuration = Duration.ofMillis(800);
        RecordingTransport t = new RecordingTransport(n -> 200);
        DeliveryWorker<String, String> w = worker(t, s);
        w.circuitBreaker().transitionToOpenState();
        w.offer("a", "firing");
        long start = System.nanoTime();
        w.beginClose();
        w.awaitClose(start + 5_000_000_000L);
        assertThat(w.stats().sent.sum()).isEqualTo(1);
        assertThat(w.stats().dropped.sum()).isZero();
        assertThat(t.posts).as("the trial call only").hasSize(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void closingWithTheTargetRefusingGivesUpAtOnceAndSaysWhy() {
        DeliverySettings s = settings();
        s.initialBackoff = Duration.ofSeconds(20); // close must wake the worker from this wait, not sit it out
        s.maxBackoff = Duration.ofSeconds(20);
        s.maxAttempts = 1;
        s.circuitWindow = 1000; // the breaker stays closed: every batch reaches the transport
        org.slf4j.Logger log = org.mockito.Mockito.mock(org.slf4j.Logger.class);
        RecordingTransport t = new RecordingTransport(n -> -1);
        DeliveryWorker<String, String> w = new DeliveryWorker<>("test", URI.create("http://x"), s, t,
                vs -> String.join(",", vs).getBytes(StandardCharsets.UTF_8), 10, log);
        w.start();
        w.offer("a", "firing");
        await().until(() -> w.stats().failed.sum() == 1); // now waiting its backoff before the next attempt
        long start = System.nanoTime();
        w.beginClose();
        w.awaitClose(start + 5_000_000_000L);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(w.stats().dropped.sum()).isEqualTo(1);
        org.mockito.Mockito.verify(log).warn("Closing: {} notification(s) for {} could not be delivered and were"
                + " dropped (the target failed while closing: {})", 1L, "test", "connection refused (test)");
    }

    @Test
    void offersAfterCloseBeganAreDroppedAndReportedByClose() {
        org.slf4j.Logger log = org.mockito.Mockito.mock(org.slf4j.Logger.class);
        RecordingTransport t = new RecordingTransport(n -> 200);
        DeliveryWorker<String, String> w = new DeliveryWorker<>("test", URI.create("http://x"), settings(), t,
                vs -> String.join(",", vs).getBytes(StandardCharsets.UTF_8), 10, log);
        w.start();
        w.beginClose();
        w.offer("a", "firing");
        w.offerAll(List.of(java.util.Map.entry("b", "firing"), java.util.Map.entry("c", "resolved")));
        w.awaitClose(System.nanoTime() + 2_000_000_000L);
        assertThat(w.stats().dropped.sum()).isEqualTo(3);
        assertThat(t.posts).isEmpty();
        org.mockito.Mockito.verify(log).warn("Closing: {} notification(s) for {} came after close() began and were"
                + " dropped", 3L, "test");
    }

    @Test
    void aCloseThatLandsWhileAFailureIsBeingHandledDoesNotSitOutTheBackoff() throws Exception {
        DeliverySettings s = settings();
        s.maxAttempts = 1;
        s.circuitWindow = 1000;
        s.initialBackoff = Duration.ofSeconds(20);
        s.maxBackoff = Duration.ofSeconds(20);
        java.util.concurrent.CountDownLatch warned = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        // the failure's WARN is where the worker is when close() begins: it returns only once close has begun
        org.slf4j.Logger log = org.mockito.Mockito.mock(org.slf4j.Logger.class, i -> {
            if (i.getMethod().getName().equals("warn") && String.valueOf((Object) i.getArgument(0))
                    .startsWith("Delivery of")) {
                warned.countDown();
                closed.await(5, java.util.concurrent.TimeUnit.SECONDS);
            }
            return null;
        });
        DeliveryWorker<String, String> w = new DeliveryWorker<>("test", URI.create("http://x"), s,
                new RecordingTransport(n -> -1), vs -> String.join(",", vs).getBytes(StandardCharsets.UTF_8), 10, log);
        w.start();
        w.offer("a", "1");
        assertThat(warned.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        w.beginClose();
        closed.countDown();
        w.awaitClose(start + 5_000_000_000L);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(w.stats().dropped.sum()).isEqualTo(1);
    }

    @Test
    void aRequestThatOutlivesCloseIsCountedAndASecondCloseSaysNothingMore() throws Exception {
        DeliverySettings s = settings();
        s.maxAttempts = 1;
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Transport hanging = new Transport() {
            @Override
            public Response post(URI uri, byte[] b, Duration timeout) throws java.io.IOException {
                inside.countDown();
                while (true) { // ignores interrupts, as a blocked socket write may
                    try {
                        if (release.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                            break;
                        }
                    } catch (InterruptedException e) {
                        // keep hanging
                    }
                }
                throw new java.io.IOException("reset");
            }

            @Override
            public void close() {
            }
        };
        org.slf4j.Logger log = org.mockito.Mockito.mock(org.slf4j.Logger.class);
        DeliveryWorker<String, String> w = new DeliveryWorker<>("test", URI.create("http://x"), s, hanging,
                vs -> String.join(",", vs).getBytes(StandardCharsets.UTF_8), 10, log);
        w.start();
        w.offer("a", "1");
        assertThat(inside.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        w.beginClose();
        w.awaitClose(System.nanoTime() + 100_000_000L); // gives up on the thread: the request still hangs
        release.countDown();
        // the batch the request held comes back after close: counted as dropped, not left in a queue nobody reads
        await().until(() -> w.stats().dropped.sum() == 1);
        assertThat(w.queued()).isZero();
        w.offer("b", "2"); // after close: dropped at once
        assertThat(w.stats().dropped.sum()).isEqualTo(2);
        w.awaitClose(System.nanoTime() + 100_000_000L); // a second close: no second report
        long reports = org.mockito.Mockito.mockingDetails(log).getInvocations().stream()
                .filter(i -> String.valueOf((Object) i.getArgument(0)).startsWith("Closing:")).count();
        assertThat(reports).isEqualTo(1);
    }

    @Test
    void anEncoderErrorLosesItsBatchNotTheDeliveryThread() {
        RecordingTransport t = new RecordingTransport();
        DeliveryWorker<String, String> w = new DeliveryWorker<>("test", URI.create("http://x"), settings(), t, vs -> {
            if (vs.contains("deep")) {
                throw new StackOverflowError();
            }
            return String.join(",", vs).getBytes(StandardCharsets.UTF_8);
        }, 10, org.mockito.Mockito.mock(org.slf4j.Logger.class));
        w.start();
        w.offer("a", "deep");
        await().until(() -> w.stats().failed.sum() == 1);
        w.offer("b", "fine");
        await().until(() -> w.stats().sent.sum() == 1);
        w.beginClose();
        w.awaitClose(System.nanoTime() + 1_000_000_000L);
    }

    @Test
    void aBreakerStillOpenPastItsPeriodIsNotPolled() throws Exception {
        DeliverySettings s = settings();
        s.initialBackoff = Duration.ofMillis(100);
        s.maxBackoff = Duration.ofMillis(100);
        java.util.concurrent.atomic.AtomicInteger encoded = new java.util.concurrent.atomic.AtomicInteger();
        RecordingTransport t = new RecordingTransport(n -> 200);
        DeliveryWorker<String, String> w = new DeliveryWorker<>("test", URI.create("http://x"), s, t, vs -> {
            encoded.incrementAndGet();
            return String.join(",", vs).getBytes(StandardCharsets.UTF_8);
        }, 10, LoggerFactory.getLogger(DeliveryWorkerTest.class));
        // opened for longer than the configured period (as a wall clock stepping back makes it): no 1 ms polling
        w.circuitBreaker().transitionToOpenStateFor(Duration.ofSeconds(3));
        w.start();
        w.offer("a", "firing");
        Thread.sleep(1000); // a span to count attempts over, not an assertion on timing
        assertThat(encoded.get()).as("batches taken in a second").isLessThan(30);
        assertThat(t.posts).isEmpty();
        w.beginClose();
        w.awaitClose(System.nanoTime() + 1_000_000_000L);
    }

    @Test
    void closeGivesUpAfterTheFlushTimeoutAndCountsWhatIsLeft() {
        DeliverySettings s = settings();
        s.flushTimeout = Duration.ofMillis(300);
        RecordingTransport t = new RecordingTransport(n -> -1);
        DeliveryWorker<String, String> w = worker(t, s);
        for (int i = 0; i < 30; i++) {
            w.offer("k" + i, "v");
        }
        long start = System.nanoTime();
        w.beginClose();
        w.awaitClose(start + s.flushTimeout.toNanos());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(w.stats().sent.sum()).isZero();
        assertThat(w.stats().failed.sum() + w.stats().dropped.sum()).isGreaterThanOrEqualTo(30);
    }

    @Test
    void failuresAreDescribedInWordsEvenWithoutAMessage() {
        assertThat(DeliveryWorker.what(new java.net.ConnectException())).isEqualTo("connection refused");
        assertThat(DeliveryWorker.what(new java.io.IOException(new java.net.ConnectException())))
                .isEqualTo("java.net.ConnectException"); // the wrapper's message names its cause
        assertThat(DeliveryWorker.what(new RuntimeException(null, new java.net.ConnectException())))
                .isEqualTo("connection refused");
        assertThat(DeliveryWorker.what(new java.net.http.HttpTimeoutException("request timed out")))
                .isEqualTo("request timed out");
        assertThat(DeliveryWorker.what(new IllegalStateException())).isEqualTo("no detail");
    }

    @Test
    void whatIsLoggedOfAFailureHidesTheTargetsPathQueryAndCredentials() {
        DeliverySettings s = new DeliverySettings(10);
        s.bearerToken("S3cretTok3nXYZ");
        DeliveryWorker<String, String> w = new DeliveryWorker<>("test",
                URI.create("https://hooks.example.com/services/T0/B0/SECRETPATH?token=abc"), s, new RecordingTransport(),
                vs -> String.join(",", vs).getBytes(StandardCharsets.UTF_8), 10,
                LoggerFactory.getLogger(DeliveryWorkerTest.class));
        // an invalid status line echoing the request (as a JDK ProtocolException quotes it), an error page echoing it
        String scrubbed = w.scrub("Invalid status line: \"ECHO Authorization: Bearer S3cretTok3nXYZ\" for"
                + " /services/T0/B0/SECRETPATH?token=abc and /services/T0/B0/SECRETPATH", 300);
        assertThat(scrubbed).doesNotContain("S3cretTok3nXYZ", "SECRETPATH", "token=abc")
                .startsWith("Invalid status line:");
        // Alertmanager's API path is no secret: kept, so that a 404 says where it went
        DeliveryWorker<String, String> am = new DeliveryWorker<>("am", URI.create("http://am:9093/api/v2/alerts"), s,
                new RecordingTransport(), vs -> new byte[0], 10, LoggerFactory.getLogger(DeliveryWorkerTest.class));
        assertThat(am.scrub("404 page not found: /api/v2/alerts", 300)).contains("/api/v2/alerts");
        DeliveryWorker<String, String> prefixed = new DeliveryWorker<>("am",
                URI.create("http://am/alertmanager/api/v2/alerts"), new DeliverySettings(10), new RecordingTransport(),
                vs -> new byte[0], 10, LoggerFactory.getLogger(DeliveryWorkerTest.class));
        assertThat(prefixed.scrub("404: /alertmanager/api/v2/alerts", 300)).isEqualTo("404: <redacted>/api/v2/alerts");
        DeliveryWorker<String, String> gateway = new DeliveryWorker<>("am",
                URI.create("https://gw.example.com/t/Zk29sQ8dLx0pW3vN7tR1/api/v2/alerts"), new DeliverySettings(10),
                new RecordingTransport(), vs -> new byte[0], 10, LoggerFactory.getLogger(DeliveryWorkerTest.class));
        assertThat(gateway.scrub("404 page not found: /t/Zk29sQ8dLx0pW3vN7tR1/api/v2/alerts (Zk29sQ8dLx0pW3vN7tR1)",
                300)).isEqualTo("404 page not found: <redacted>/api/v2/alerts (<redacted>)");
        // words in the path or query are not hidden where they appear elsewhere (host names, messages)
        DeliveryWorker<String, String> words = new DeliveryWorker<>("hook",
                URI.create("https://notifications.example.com/notifications/tok?channel=alerts"),
                new DeliverySettings(10), new RecordingTransport(), vs -> new byte[0], 10,
                LoggerFactory.getLogger(DeliveryWorkerTest.class));
        assertThat(words.scrub("Connection refused: notifications.example.com/443; failed to post alerts", 300))
                .isEqualTo("Connection refused: notifications.example.com/443; failed to post alerts");
        // a token segment or query value echoed on its own; short parts and the marker itself left alone
        DeliveryWorker<String, String> hook = new DeliveryWorker<>("hook",
                URI.create("https://h/services/T000/B000/XXXXsecretXXXX?token=abc123SECRET&a=1"),
                new DeliverySettings(10), new RecordingTransport(), vs -> new byte[0], 10,
                LoggerFactory.getLogger(DeliveryWorkerTest.class));
        assertThat(hook.scrub("invalid_token: XXXXsecretXXXX; bad token abc123SECRET; data=1 services", 300))
                .isEqualTo("invalid_token: <redacted>; bad token <redacted>; data=1 services");
    }
}
