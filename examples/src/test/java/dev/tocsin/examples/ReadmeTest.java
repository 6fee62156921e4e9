package dev.tocsin.examples;

import dev.tocsin.examples.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps every code block of the README true: the Java block is the embedding example's source verbatim (which
 * {@code ExamplesIT} compiles and runs), the Maven coordinates are the project's, and every command of the shell
 * blocks names a script, module, benchmark or command-line invocation that exists and parses.
 */
class ReadmeTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Pattern BLOCK = Pattern.compile("```(\\w*)\\n(.*?)```", Pattern.DOTALL);

    record Block(String lang, String text) {
    }

    static List<Block> blocks() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(readme);
        while (m.find()) {
            out.add(new Block(m.group(1), m.group(2)));
        }
        return out;
    }

    @Test
    void everyBlockHasAKnownLanguage() throws IOException {
        assertThat(blocks()).isNotEmpty().allSatisfy(b -> assertThat(b.lang()).isIn("java", "xml", "sh", "haproxy"));
    }

    @Test
    void javaBlockIsTheEmbeddingExampleVerbatim() throws IOException {
        String source = Files.readString(ROOT.resolve(
                "examples/src/main/java/dev/tocsin/examples/EmbeddingExample.java"), StandardCharsets.UTF_8);
        List<Block> java = blocks().stream().filter(b -> b.lang().equals("java")).toList();
        assertThat(java).singleElement().satisfies(b -> assertThat(b.text()).isEqualTo(source));
        assertThat(source.lines().count()).as("the embedding example stays under 40 lines").isLessThan(40);
    }

    @Test
    void mavenCoordinatesAreTheProjects() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
        String version = pom.replaceAll("(?s).*?<artifactId>tocsin-parent</artifactId>\\s*<version>([^<]+)</version>.*",
                "$1");
        String haproxyPom = Files.readString(ROOT.resolve("haproxy/pom.xml"), StandardCharsets.UTF_8);
        List<Block> xml = blocks().stream().filter(b -> b.lang().equals("xml")).toList();
        assertThat(xml).singleElement().satisfies(b -> {
            assertThat(b.text()).contains("<groupId>dev.tocsin</groupId>")
                    .contains("<artifactId>tocsin-haproxy</artifactId>")
                    .contains("<version>" + version + "</version>");
            assertThat(haproxyPom).contains("<artifactId>tocsin-haproxy</artifactId>");
        });
    }

    @Test
    void everyShellCommandExistsAndParses() throws IOException {
        List<String> commands = new ArrayList<>();
        for (Block b : blocks()) {
            if (b.lang().equals("sh")) {
                b.text().lines().map(l -> l.replaceAll("\\s+#.*$", "").trim())
                        .filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(commands::add);
            }
        }
        assertThat(commands).isNotEmpty();
        for (String c : commands) {
            List<String> words = Arrays.asList(c.split("\\s+"));
            String first = words.get(0);
            if (first.startsWith("scripts/") || first.startsWith("benchmarks/") && first.endsWith(".sh")) {
                assertThat(ROOT.resolve(first)).as(c).isExecutable();
            } else if (first.equals("mvn")) {
                int pl = words.indexOf("-pl");
                assertThat(pl).as(c).isPositive();
                assertThat(ROOT.resolve(words.get(pl + 1)).resolve("pom.xml")).as(c).exists();
            } else if (c.startsWith("java -jar examples/target/tocsin.jar ")) {
                String[] args = words.subList(3, words.size()).toArray(new String[0]);
                CommandLine.ParseResult r = new CommandLine(Main.class).parseArgs(args);
                assertThat(r.hasSubcommand()).as(c).isTrue();
            } else if (c.startsWith("java -jar benchmarks/target/benchmarks.jar ")) {
                String bench = words.get(3);
                assertThat(ROOT.resolve("benchmarks/src/main/java/dev/tocsin/benchmarks")).as(c)
                        .isDirectoryRecursivelyContaining("glob:**/" + bench + ".java");
            } else {
                throw new AssertionError("README command not covered by this test: " + c);
            }
        }
    }
}
