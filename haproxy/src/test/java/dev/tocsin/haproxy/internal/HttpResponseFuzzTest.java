package dev.tocsin.haproxy.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any bytes from the network give a body or a {@link FetchException} that says what was wrong, nothing else; the body
 * never exceeds the cap, and the same bytes read in other pieces give the same outcome. Regression inputs (every
 * {@code mvn verify}) are in {@code HttpResponseFuzzTestInputs/response/}. Set {@code JAZZER_FUZZ=1} to fuzz.
 */
class HttpResponseFuzzTest {

    private static final int CAP = 4096;

    private static final HttpStatsTransport TRANSPORT = new HttpStatsTransport(
            URI.create("http://127.0.0.1:9/stats"), null, null, true, Duration.ofSeconds(1), Duration.ofSeconds(1),
            CAP);

    @FuzzTest(maxDuration = "60s")
    void response(byte[] data) {
        String whole = outcome(data, false);
        String pieces = outcome(data, true);
        assertThat(pieces).as("the same bytes in pieces").isEqualTo(whole);
    }

    /** Reads {@code data} as an answer: "body:" and the body, or "error:" and the message. */
    private static String outcome(byte[] data, boolean inPieces) {
        int[] pos = {0};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            TRANSPORT.readResponse((buf, len, doing) -> {
                if (pos[0] >= data.length) {
                    return -1;
                }
                int n = Math.min(len, data.length - pos[0]);
                if (inPieces) {
                    n = Math.min(n, (data[pos[0]] & 0x1F) + 1); // piece sizes taken from the bytes themselves
                }
                System.arraycopy(data, pos[0], buf, 0, n);
                pos[0] += n;
                return n;
            }, (b, off, len) -> body.write(b, off, len));
        } catch (FetchException e) {
            assertThat(e.getMessage()).isNotBlank();
            assertThat(body.size()).isLessThanOrEqualTo(CAP);
            return "error:" + e.getMessage();
        } catch (IOException e) {
            throw new AssertionError("not a FetchException: " + e, e);
        }
        assertThat(body.size()).isLessThanOrEqualTo(CAP);
        return "body:" + body;
    }
}
