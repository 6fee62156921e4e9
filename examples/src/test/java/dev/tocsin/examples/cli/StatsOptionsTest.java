package dev.tocsin.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.tocsin.haproxy.HaproxySource;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The source {@code watch} builds: its circuit breaker stays open for one interval, not the library's 10 s. */
class StatsOptionsTest {

    @Test
    void watchsCircuitBreakerTriesAgainAfterOneInterval() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        StatsOptions options = new StatsOptions();
        options.stats = "http://127.0.0.1:" + closed + "/stats";
        options.timeout = Duration.ofSeconds(1);
        HaproxySource source = options.buildSource(new CommandLine(new WatchCommand()), Duration.ofMillis(300));
        for (int i = 0; i < 5; i++) {
            assertThat(catchThrowable(source::collect)).hasMessageContaining("connection refused");
        }
        assertThat(catchThrowable(source::collect)).hasMessageContaining("circuit breaker open");
        // within a few intervals (the library's default would keep it open for 10 s) a read is tried again
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).until(() ->
                String.valueOf(catchThrowable(source::collect).getMessage()).contains("connection refused"));
        assertThat(source.stats().circuitOpened()).isPositive();
    }
}
