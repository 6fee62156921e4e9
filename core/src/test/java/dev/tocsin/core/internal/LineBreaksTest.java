package dev.tocsin.core.internal;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

class LineBreaksTest {

    /** What the regular expression it replaces gave (quadratic on long runs of blanks). */
    private static final Pattern OLD = Pattern.compile("[ \\t\\n\\x0B\\f\\r\\u0085\\u2028\\u2029]*"
            + "[\\n\\x0B\\f\\r\\u0085\\u2028\\u2029][ \\t\\n\\x0B\\f\\r\\u0085\\u2028\\u2029]*");

    @Test
    void joinsLinesAndKeepsBlanksWithinALine() {
        assertThat(LineBreaks.join("  a\n  b\r\n\r\nc \t d\u2028e  ")).isEqualTo("a b c \t d e");
        assertThat(LineBreaks.join("plain")).isEqualTo("plain");
        assertThat(LineBreaks.join("\n\n")).isEmpty();
    }

    @Test
    void agreesWithTheRegularExpressionOnAnyMixOfBlanksAndBreaks() {
        qt().withExamples(2000).forAll(strings().betweenCodePoints(0, 0x2030).ofLengthBetween(0, 30)
                .map(s -> s.chars().mapToObj(c -> "ab \t\n\r\u000B\f\u0085\u2028\u2029".indexOf(c) >= 0 || c % 3 == 0
                        ? String.valueOf((char) c) : String.valueOf("x \n\t\r\u2028".charAt(c % 6)))
                        .reduce("", String::concat)))
                .checkAssert(s -> assertThat(LineBreaks.join(s))
                        .isEqualTo(OLD.matcher(s.strip()).replaceAll(" ")));
    }

    @Test
    void aLongRunOfBlanksIsHandledInOnePass() {
        String text = "see" + " ".repeat(200_000) + "here\n" + " \t".repeat(100_000) + "\nend";
        String joined = LineBreaks.join(text);
        assertThat(joined).startsWith("see" + " ".repeat(200_000) + "here end");
    }
}
