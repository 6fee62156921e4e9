package dev.tocsin.core.internal.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

/** What a server answers is logged only after the credentials it may echo back are taken out. */
class DeliverySettingsTest {

    @Test
    void basicAuthInEveryFormIsRedacted() {
        DeliverySettings s = new DeliverySettings(1);
        s.basicAuth("admin", "s3cr3tpw");
        String b64 = Base64.getEncoder().encodeToString("admin:s3cr3tpw".getBytes(StandardCharsets.UTF_8));
        String answer = "sent Basic " + b64 + "; form authorization=Basic+" + b64.replace("=", "%3D")
                + "; unpadded " + b64.replace("=", "") + "; pair admin:s3cr3tpw; alone s3cr3tpw;"
                + " encoded Basic%20" + b64.replace("=", "%3D");
        String r = s.redact(answer, 1000);
        assertThat(r).doesNotContain("s3cr3tpw", b64, b64.replace("=", ""), "czNjcjN0cHc");
        assertThat(r).contains("sent Basic <redacted>", "pair <redacted>", "alone <redacted>");
    }

    @Test
    void bearerTokensAndUnknownCredentialsAreRedactedOrdinaryWordsAreNot() {
        DeliverySettings s = new DeliverySettings(1);
        s.bearerToken("tok$en!with:odd*chars");
        String r = s.redact("Bearer tok$en!with:odd*chars, encoded tok%24en%21with%3Aodd%2Achars; other Bearer "
                + "eyJhbGciOiJIUzI1NiJ9.x; basic authentication required; Basic realm", 1000);
        assertThat(r).doesNotContain("tok$en", "odd*chars", "tok%24en", "eyJhbGci");
        assertThat(r).contains("basic authentication required", "Basic realm");
    }

    @Test
    void theAnswerBecomesOneShortLine() {
        DeliverySettings s = new DeliverySettings(1);
        String r = s.redact("line 1\r\n\tline 2 " + "x".repeat(500), 200);
        assertThat(r).startsWith("line 1 line 2 xxx").doesNotContain("\n", "\r", "\t").endsWith("...");
        assertThat(r.length()).isLessThanOrEqualTo(203);
        assertThat(s.redact("short", 200)).isEqualTo("short");
    }

    @Test
    void credentialsEchoedInsideJsonStringsAreRedacted() {
        DeliverySettings s = new DeliverySettings(1);
        s.bearerToken("ab/cd\"ef\\gh");
        String r = s.redact("{\"error\":\"bad token ab/cd\\\"ef\\\\gh\",\"seen\":\"ab\\/cd\\\"ef\\\\gh\"}", 1000);
        assertThat(r).doesNotContain("cd", "ef", "gh").contains("bad token <redacted>", "\"seen\":\"<redacted>\"");
        DeliverySettings b = new DeliverySettings(1);
        b.basicAuth("admin", "tab\tpass\"word");
        assertThat(b.redact("{\"password\":\"tab\\tpass\\\"word\"}", 1000))
                .isEqualTo("{\"password\":\"<redacted>\"}");
    }
}
