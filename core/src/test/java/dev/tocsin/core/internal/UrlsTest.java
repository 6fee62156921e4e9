package dev.tocsin.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

class UrlsTest {

    @Test
    void neverShowsUserInfoNorQueryValues() {
        assertThat(Urls.describe(URI.create("https://u:p4ss@h:9093/api/v2/alerts?token=abc&x#frag")))
                .isEqualTo("https://h:9093/api/v2/alerts?token=...&...");
        assertThat(Urls.describe(URI.create("http://h/haproxy?stats;csv;norefresh")))
                .isEqualTo("http://h/haproxy?stats;csv;norefresh");
        assertThat(Urls.describe("/relative/path?a=1")).isEqualTo("/relative/path?a=...");
        assertThat(Urls.describe("http://[::1]:80/x")).isEqualTo("http://[::1]:80/x");
        assertThat(Urls.describe("ht tp://x")).isEqualTo("(a URL that does not parse)");
        // a query part without '=' is shown only when it is one of HAProxy's flags
        assertThat(Urls.describe("http://h/a?SECRET")).isEqualTo("http://h/a?...");
        assertThat(Urls.describe("http://h/a?stats;csv;token%3DS")).isEqualTo("http://h/a?stats;csv;...");
        // an authority that is not host:port (user info that did not parse, an underscore in the host) is not shown
        assertThat(Urls.describe("http://admin:pa?ssw0rd@elsewhere/stats")).doesNotContain("ssw0rd");
        assertThat(Urls.describe("http://admin:p%C3%BCss/w0rd@elsewhere/stats")).doesNotContain("w0rd", "admin");
        assertThat(Urls.describe("http://my_host:80/x?t=S")).isEqualTo("http://(an address that does not parse)");
        // protocol-relative
        assertThat(Urls.describe("//admin:s3cr3t@other/x")).isEqualTo("//other/x");
    }

    @org.junit.jupiter.api.Test
    void checkHttpRefusesAnEmptyPortAsAMistakeNotPort80() {
        for (String u : new String[] {"http://127.0.0.1:/stats", "https://lb:/", "http://[::1]:/metrics"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Urls.checkHttp("statsUri", java.net.URI.create(u)))
                    .as(u).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("statsUri has an empty port after ':'; give one or leave out the ':'");
        }
        org.assertj.core.api.Assertions.assertThat(Urls.checkHttp("url", java.net.URI.create("http://lb/stats")))
                .hasToString("http://lb/stats");
        org.assertj.core.api.Assertions.assertThat(Urls.checkHttp("url", java.net.URI.create("http://lb:8404/")))
                .hasToString("http://lb:8404/");
    }

    @Test
    void checkHttpNamesAnUnderscoreHostAndNeverEchoesUnparsedUserInfo() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Urls.checkHttp("statsUri", URI.create("http://my_haproxy:8404/stats")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("statsUri has the host name 'my_haproxy' with an underscore");
        // user info in a registry-based authority is not parsed as user info by java.net.URI
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Urls.checkHttp("url", URI.create("http://admin:s3cr3t@my_host:80/x"), "use basicAuth"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("url must not contain credentials (user info); use basicAuth");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Urls.checkHttp("url", URI.create("http://host:port/x")))
                .hasMessage("url has no host, or a port that is not a number");
    }

    @Test
    void originHidesPathsThatMayBeTheSecret() {
        assertThat(Urls.describeOrigin(URI.create("https://hooks.slack.com/services/T0/B0/SECRETTOKEN123")))
                .isEqualTo("https://hooks.slack.com/...");
        assertThat(Urls.describeOrigin(URI.create("http://u:pw@127.0.0.1:9/hook?token=S"))).isEqualTo("http://127.0.0.1:9/...");
        assertThat(Urls.describeOrigin(URI.create("http://h:8080/"))).isEqualTo("http://h:8080/");
        assertThat(Urls.describeOrigin(URI.create("http://h:8080"))).isEqualTo("http://h:8080");
        assertThat(Urls.describeOrigin(URI.create("http://h?token=S"))).isEqualTo("http://h/...");
        assertThat(Urls.describeOrigin(URI.create("http://my_host:80/services/SECRET"))).doesNotContain("SECRET");
        assertThat(Urls.describeOrigin(URI.create("/relative/SECRET"))).doesNotContain("SECRET");
    }

    @Test
    void linksKeepTheirPathButNotTheirUserInfo() {
        assertThat(Urls.withoutUserInfo(URI.create("https://wiki-user:s3cret@wiki.example.com/runbooks/T?page=2")))
                .isEqualTo("https://wiki.example.com/runbooks/T?page=2");
        assertThat(Urls.withoutUserInfo(URI.create("https://wiki.example.com/runbooks/T")))
                .isEqualTo("https://wiki.example.com/runbooks/T");
    }

    @Test
    void credentialsCrossTheNetworkInClearTextOnlyOverHttpToAHostThatIsNotLoopback() {
        for (String local : new String[] {"http://localhost:9093/", "http://LOCALHOST/", "http://127.0.0.1:8404/stats",
                "http://127.1.2.3/", "http://[::1]:9093/", "http://[0:0:0:0:0:0:0:1]/", "http://[::ffff:127.0.0.1]/",
                "https://am.example.com/", "https://10.0.0.5/"}) {
            assertThat(Urls.cleartextBeyondLoopback(URI.create(local))).as(local).isFalse();
        }
        for (String remote : new String[] {"http://am.example.com:9093/", "http://10.0.0.5/", "http://[fe80::1]/",
                "http://128.0.0.1/", "http://127.0.0.1.example.com/", "http://localhost.example.com/",
                "HTTP://lb/stats", "http://am.localhost/", "http://[::ffff:10.0.0.1]/", "http://[::]/"}) {
            assertThat(Urls.cleartextBeyondLoopback(URI.create(remote))).as(remote).isTrue();
        }
    }
}
