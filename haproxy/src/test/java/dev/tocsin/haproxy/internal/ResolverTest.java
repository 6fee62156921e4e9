package dev.tocsin.haproxy.internal;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResolverTest {

    @Test
    void aResolverThatDoesNotAnswerCostsNoMoreThanTheDeadline() {
        CountDownLatch never = new CountDownLatch(1);
        Resolver r = new Resolver(host -> {
            try {
                never.await(); // a resolver that never answers (released at the end)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new UnknownHostException(host);
        });
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> r.resolve("lb.example", Deadline.after(Duration.ofMillis(200)), "lb"))
                .isInstanceOf(FetchException.class)
                .hasMessage("timeout after 200ms while looking up lb.example (the resolver did not answer)");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        never.countDown();
    }

    @Test
    void lookupsStillWaitingAreBoundedAndTheNextFailsAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        Resolver r = new Resolver(host -> {
            started.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                // cancelled by the waiting side's timeout: keep "hanging" as a real getaddrinfo would
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException again) {
                    Thread.currentThread().interrupt();
                }
            }
            return InetAddress.getLoopbackAddress();
        });
        for (int i = 0; i < Resolver.MAX_PENDING; i++) {
            assertThatThrownBy(() -> r.resolve("h", Deadline.after(Duration.ofMillis(20)), "lb"))
                    .isInstanceOf(FetchException.class).hasMessageContaining("did not answer");
        }
        assertThatThrownBy(() -> r.resolve("h", Deadline.after(Duration.ofSeconds(5)), "lb"))
                .isInstanceOf(FetchException.class)
                .hasMessage("cannot look up h for lb: 8 lookups are still waiting for the resolver");
        assertThat(started.get()).isEqualTo(Resolver.MAX_PENDING);
        release.countDown();
    }

    @Test
    void unknownHostsAndLiteralsAreAnsweredAsBefore() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        Resolver r = new Resolver(host -> {
            lookups.incrementAndGet();
            if (host.equals("known")) {
                return InetAddress.getByAddress(host, new byte[] {10, 0, 0, 1});
            }
            throw new UnknownHostException(host);
        });
        Deadline d = Deadline.after(Duration.ofSeconds(5));
        assertThat(r.resolve("known", d, "lb").getHostAddress()).isEqualTo("10.0.0.1");
        assertThatThrownBy(() -> r.resolve("nosuch", d, "lb")).isInstanceOf(FetchException.class)
                .hasMessage("unknown host nosuch");
        assertThat(r.resolve("127.0.0.1", d, "lb").getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(r.resolve("::1", d, "lb").isLoopbackAddress()).isTrue();
        assertThat(lookups.get()).as("literals are not looked up").isEqualTo(2);
        // not an address (999 > 255): a name like any other, looked up within the deadline
        assertThatThrownBy(() -> r.resolve("999.1.1.1", d, "lb")).isInstanceOf(FetchException.class)
                .hasMessage("unknown host 999.1.1.1");
        assertThat(lookups.get()).isEqualTo(3);
        assertThat(Resolver.isIpv4Literal("10.0.0.1")).isTrue();
        assertThat(Resolver.isIpv4Literal("10.0.0")).isFalse();
        assertThat(Resolver.isIpv4Literal("10.0.0.256")).isFalse();
        assertThat(Resolver.isIpv4Literal("1.2.3.4.")).isFalse();
    }

    @Test
    void theTransportsLookUpWithinTheirConnectTimeout() {
        Resolver hanging = new Resolver(host -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new UnknownHostException(host);
        });
        HttpStatsTransport http = new HttpStatsTransport(java.net.URI.create("http://lb.example:8404/stats"), null,
                null, true, Duration.ofMillis(300), Duration.ofSeconds(5), 1 << 20).withResolver(hanging);
        assertThatThrownBy(http::fetchStat).isInstanceOf(FetchException.class)
                .hasMessageContaining("while looking up lb.example");
        RuntimeApiTransport tcp = RuntimeApiTransport.tcp("lb.example", 9999, Duration.ofMillis(300),
                Duration.ofSeconds(5), 1 << 20).withResolver(hanging);
        assertThatThrownBy(tcp::fetchStat).isInstanceOf(FetchException.class)
                .hasMessageContaining("while looking up lb.example");
    }
}
