package dev.tocsin.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HaproxyFixture#launch}: a port taken before HAProxy binds it makes it try again with the next config. */
class HaproxyLaunchIT {

    @TempDir
    Path dir;

    private static String config(int port) {
        return String.join("\n", "defaults", "    mode http", "    timeout connect 1s", "    timeout client 5s",
                "    timeout server 5s", "frontend f", "    bind 127.0.0.1:" + port,
                "    http-request return status 200", "");
    }

    @Test
    void aTakenPortIsPickedAgain() throws Exception {
        assertThat(HaproxyFixture.BINARY).as("HAProxy is required; install it with `apt-get install -y haproxy "
                + "prometheus-alertmanager prometheus`").isExecutable();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Integer> tried = new ArrayList<>();
            int[] port = new int[1];
            Process p = HaproxyFixture.launch(dir, 3, attempt -> {
                port[0] = attempt == 1 ? taken.getLocalPort() : BackendServer.freePort();
                tried.add(port[0]);
                return config(port[0]);
            }, () -> HaproxyFixture.answersHttp(port[0]));
            try {
                assertThat(tried).hasSize(2).first().isEqualTo(taken.getLocalPort());
                assertThat(p.isAlive()).isTrue();
            } finally {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void givesUpAfterItsAttemptsWithHaproxysOutput() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int[] calls = new int[1];
            assertThatThrownBy(() -> HaproxyFixture.launch(dir, 2, attempt -> {
                calls[0]++;
                return config(taken.getLocalPort());
            }, () -> false)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("attempt 2").hasMessageContaining("cannot bind");
            assertThat(calls[0]).isEqualTo(2);
        }
    }
}
