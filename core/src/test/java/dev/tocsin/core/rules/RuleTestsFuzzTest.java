package dev.tocsin.core.rules;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any bytes as a promtool rule test file give a result, never an exception (a bad file is a failed result, as with
 * promtool), and a failed result says why. The file sits next to a rule file {@code rules.yml} it may name.
 * Regression inputs (every {@code mvn verify}) are in {@code RuleTestsFuzzTestInputs/testFile/}. Set
 * {@code JAZZER_FUZZ=1} to fuzz.
 */
class RuleTestsFuzzTest {

    private static Path dir;

    @BeforeAll
    static void rules() throws IOException {
        dir = Files.createTempDirectory("rule-tests-fuzz");
        try (InputStream in = RuleTestsFuzzTest.class.getResourceAsStream("RuleTestsFuzzTest.rules.yml")) {
            Files.write(dir.resolve("rules.yml"), in.readAllBytes());
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    @FuzzTest(maxDuration = "60s")
    void testFile(byte[] data) throws IOException {
        Path file = dir.resolve("t.yml");
        Files.write(file, data);
        RuleTestResult r = RuleTests.run(file);
        assertThat(r.exitCode()).isIn(0, 1);
        if (!r.passed()) {
            assertThat(r.report()).as("a failed result says why").isNotBlank();
        }
    }
}
