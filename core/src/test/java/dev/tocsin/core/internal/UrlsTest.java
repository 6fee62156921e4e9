package dev.tocsin.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

class UrlsTest {

    @Test
    void neverShowsUserInfoNorQueryValues() {
        assertThat(Urls.describe(URI.create("https://u:p4ss@h:9093/api/v2/alerts?token=abc&x#frag")))
                .isEqualTo("https://h:9093/api/v2/alerts?token=...&x");
        assertThat(Urls.describe(URI.create("http://h/haproxy?stats;csv;norefresh")))
                .isEqualTo("http://h/haproxy?stats;csv;norefresh");
        assertThat(Urls.describe("/relative/path?a=1")).isEqualTo("/relative/path?a=...");
        assertThat(Urls.describe("http://[::1]:80/x")).isEqualTo("http://[::1]:80/x");
        assertThat(Urls.describe("ht tp://x")).isEqualTo("(a URL that does not parse)");
    }
}
