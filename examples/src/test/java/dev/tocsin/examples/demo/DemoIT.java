package dev.tocsin.examples.demo;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the whole demo against the real HAProxy. */
class DemoIT {

    @Test
    void demoFiresResolvesAndCleansUp() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            code = Demo.run(out, LocalHaproxy.DEFAULT_BINARY);
        }
        String text = buffer.toString(StandardCharsets.UTF_8);
        System.out.println(text);

        assertThat(code).isZero();
        assertThat(text).contains(
                "[demo] HaproxyBackendDown FIRED ",
                "    HaproxyBackendDown is FIRING (since ",
                "backend=\"app\"",
                "severity=\"critical\"",
                "      summary: HAProxy backend down (instance 127.0.0.1:",
                "    Diagnosis context (from HAProxy's statistics):",
                "      servers_up: 0 of 2 servers UP",
                "    Runbook: HaproxyBackendDown",
                "      Meaning: ",
                "      Diagnosis:\n        1. ",
                "      Mitigation:\n        1. ",
                "[demo] HaproxyBackendDown RESOLVED ",
                "[demo] Demo finished");
        assertThat(text).containsPattern("down_servers: s1: DOWN, L4CON");
        assertThat(text).doesNotContain("HaproxyDown{");

        Matcher dir = Pattern.compile("deleting (\\S+)").matcher(text);
        assertThat(dir.find()).isTrue();
        assertThat(Files.exists(Path.of(dir.group(1)))).as("temporary directory deleted").isFalse();
    }

    @Test
    void missingHaproxyFailsWithTheInstallHint() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            code = Demo.run(out, Path.of("/nonexistent/haproxy"));
        }
        assertThat(code).isEqualTo(1);
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("DEMO FAILED",
                "/nonexistent/haproxy not found or not executable", LocalHaproxy.INSTALL_HINT);
    }
}
