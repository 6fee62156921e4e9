package dev.tocsin.haproxy;

import dev.tocsin.haproxy.internal.HttpStatsTransport;
import dev.tocsin.haproxy.internal.RuntimeApiTransport;
import dev.tocsin.haproxy.internal.StatsTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The raw transports against a real HAProxy: every one returns the same CSV layout. */
class HaproxyTransportsIT {

    @TempDir
    static Path dir;
    static HaproxyFixture haproxy;

    @BeforeAll
    static void startHaproxy() throws Exception {
        haproxy = new HaproxyFixture(dir).backend("app", HaproxyFixture.server("s1")).start();
    }

    @AfterAll
    static void stopHaproxy() throws Exception {
        haproxy.close();
    }

    private static String text(StatsTransport.Payload p) {
        return new String(p.bytes(), 0, p.length(), StandardCharsets.UTF_8);
    }

    private static final Duration T = Duration.ofSeconds(5);

    @Test
    void httpUnixAndTcpGiveTheSameHeader() throws Exception {
        String http = text(new HttpStatsTransport(haproxy.httpUri(), null, null, true, T, T, 1 << 24).fetchStat());
        String unix = text(RuntimeApiTransport.unix(haproxy.unixSocket(), T, T, 1 << 24).fetchStat());
        String tcp = text(RuntimeApiTransport.tcp("127.0.0.1", haproxy.tcpApiPort(), T, T, 1 << 24).fetchStat());
        assertThat(http).startsWith("# pxname,svname,").contains("\napp,s1,");
        assertThat(unix.lines().findFirst()).isEqualTo(http.lines().findFirst());
        assertThat(tcp.lines().findFirst()).isEqualTo(http.lines().findFirst());
        assertThat(RuntimeApiTransport.unix(haproxy.unixSocket(), T, T, 1 << 20).fetchInfo().orElseThrow())
                .containsKey("Version").containsKey("Release_date");
    }

    @Test
    void aPathThatIsNotTheStatsUriIsSaidToBeOne() {
        URI wrong = haproxy.httpUri().resolve("/stat");
        assertThatThrownBy(() -> new HttpStatsTransport(wrong, null, null, true, T, T, 1 << 24).fetchStat())
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("is the path the stats page's 'stats uri' (e.g. /stats)?");
    }

    @Test
    void basicAuthIsRequiredAndAccepted() throws Exception {
        assertThatThrownBy(() -> new HttpStatsTransport(haproxy.authUri(), null, null, true, T, T, 1 << 24)
                .fetchStat()).hasMessageContaining("HTTP 401");
        byte[] auth = ("Basic " + Base64.getEncoder().encodeToString((HaproxyFixture.USER + ":"
                + HaproxyFixture.PASSWORD).getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.US_ASCII);
        assertThat(text(new HttpStatsTransport(haproxy.authUri(), auth, null, true, T, T, 1 << 24).fetchStat()))
                .startsWith("# pxname,");
    }

    @Test
    void httpsVerifiesTheCertificateByDefault() throws Exception {
        assertThatThrownBy(() -> new HttpStatsTransport(haproxy.tlsUri(), null,
                SSLContext.getDefault().getSocketFactory(), true, T, T, 1 << 24).fetchStat())
                .hasMessageContaining("TLS handshake with 127.0.0.1");
        HaproxySource trusted = HaproxySource.builder().statsUri(haproxy.tlsUri()).trustStore(haproxy.trustStore())
                .build();
        assertThat(trusted.instance()).isEqualTo(haproxy.tlsUri().getHost() + ":" + haproxy.tlsUri().getPort());
    }
}
