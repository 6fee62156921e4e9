package dev.tocsin.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tocsin.examples.demo.LocalHaproxy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's {@code haproxy.cfg} snippet is one the real HAProxy accepts without a warning. */
class ReadmeHaproxyConfigIT {

    @Test
    void readmeHaproxyConfigIsValid(@TempDir Path dir) throws Exception {
        assertThat(Files.isExecutable(LocalHaproxy.DEFAULT_BINARY))
                .as(LocalHaproxy.DEFAULT_BINARY + " is missing; install HAProxy: " + LocalHaproxy.INSTALL_HINT)
                .isTrue();
        List<ReadmeTest.Block> blocks = ReadmeTest.blocks().stream().filter(b -> b.lang().equals("haproxy")).toList();
        assertThat(blocks).hasSize(1);
        // the socket goes to a directory of the test's own (HAProxy's -c does not create it, but checks the line)
        String cfg = blocks.get(0).text().replace("/run/haproxy/", dir + "/");
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, cfg, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(LocalHaproxy.DEFAULT_BINARY.toString(), "-c", "-f", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("haproxy -c finished").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as(out).contains("Configuration file is valid").doesNotContain("[WARNING]")
                .doesNotContain("[ALERT]");
        assertThat(cfg).contains("level user").contains("stats uri /stats");
    }
}
