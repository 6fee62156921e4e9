package dev.tocsin.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;

import org.junit.jupiter.api.Test;

/** How a source's failure reads in the evaluator's log line. */
class SourceRuntimeDescribeTest {

    @Test
    void anIoFailureIsItsOwnMessageAnythingElseKeepsItsType() {
        assertThat(SourceRuntime.describe(new IOException("HTTP 401 Unauthorized from http://lb:8404/stats;csv")))
                .isEqualTo("HTTP 401 Unauthorized from http://lb:8404/stats;csv");
        assertThat(SourceRuntime.describe(new ConnectException("Connection refused")))
                .isEqualTo("Connection refused");
        assertThat(SourceRuntime.describe(new IllegalStateException("bad state")))
                .isEqualTo("IllegalStateException: bad state");
        assertThat(SourceRuntime.describe(new NullPointerException())).isEqualTo("NullPointerException");
        assertThat(SourceRuntime.describe(new IOException(" "))).isEqualTo("IOException");
    }
}
