package dev.tocsin.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Credentials a server may echo are found in the forms servers write them, ordinary words are left alone. */
class RedactionTest {

    @Test
    void goJsonAndHtmlEscapedEchoesAreFound() {
        String secret = "p&ss<w>rd\"1'";
        String goJson = "{\"error\":\"bad password p\\u0026ss\\u003cw\\u003erd\\\"1'\"}";
        String html = "<p>bad password p&amp;ss&lt;w&gt;rd&#34;1&#39;</p> or p&amp;ss&lt;w&gt;rd&quot;1&#x27;";
        assertThat(Redaction.secrets(goJson, List.of(secret))).isEqualTo("{\"error\":\"bad password <redacted>\"}");
        assertThat(Redaction.secrets(html, List.of(secret)))
                .isEqualTo("<p>bad password <redacted></p> or <redacted>");
    }

    @Test
    void ordinaryWordsAfterBasicOrBearerStay() {
        for (String text : List.of("requires Basic Authentication", "basic authentication required",
                "Bearer Credentials missing", "Basic realm=\"stats\"")) {
            assertThat(Redaction.credentialLike(text)).as(text).isEqualTo(text);
        }
        assertThat(Redaction.credentialLike("sent Basic dXNlcjpwYXNzd29yZA== back"))
                .isEqualTo("sent Basic <redacted> back");
        assertThat(Redaction.credentialLike("Bearer eyJhbGciOiJIUzI1NiJ9.e30.x")).isEqualTo("Bearer <redacted>");
    }

    @Test
    void aSecretThatIsPartOfTheMarkerIsReplacedAndTheMarkersAreNotRewritten() {
        org.assertj.core.api.Assertions.assertThat(Redaction.secrets("pw=act", java.util.List.of("act")))
                .isEqualTo("pw=<redacted>");
        org.assertj.core.api.Assertions.assertThat(Redaction.secrets("echo pw=redact and redacted",
                        java.util.List.of("redact", "red", "acted")))
                .isEqualTo("echo pw=<redacted> and <redacted>ed"); // "redacted" holds the secret "redact"
        org.assertj.core.api.Assertions.assertThat(
                        Redaction.secrets("token xyzzy and xyzzy", java.util.List.of("xyzzy", "act")))
                .isEqualTo("token <redacted> and <redacted>");
    }
}
