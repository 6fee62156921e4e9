package dev.tocsin.core.internal.expr;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * Fuzzes {@link RegexTranslator}: whatever the pattern, only {@link RegexTranslator.RegexException} may escape from
 * compiling it (never Java's {@link java.util.regex.PatternSyntaxException} or anything else: every construct Java
 * would read differently is translated or rejected first), the anchored predicate and the grouped pattern agree on
 * whole-string matches, and matching never throws. The committed seeds (patterns {@code scripts/dev/rediff.py} found
 * differences with) replay on every build; real fuzzing runs with {@code JAZZER_FUZZ=1}.
 */
class RegexTranslatorFuzzTest {

    private static final String[] VALUES = {"", "a", "ab", "A", "\u017F", "\u212A", "\u03C3", "\u00E9", "1-2", "0[A",
        "a\n", "_", " ", "k"};

    @FuzzTest(maxDuration = "2m")
    void translate(byte[] data) {
        String re = new String(data, StandardCharsets.UTF_8);
        Predicate<String> anchored;
        RegexTranslator.Groups groups;
        try {
            anchored = RegexTranslator.compileAnchored(re);
        } catch (RegexTranslator.RegexException e) {
            if (!e.getMessage().startsWith("error parsing regexp: ")) {
                throw new AssertionError("message not in Go's form: " + e.getMessage(), e);
            }
            return;
        }
        try {
            groups = RegexTranslator.compileWithGroups(re, true);
        } catch (RegexTranslator.RegexException e) {
            throw new AssertionError("accepted for matching, refused with groups: " + re, e);
        }
        for (String v : VALUES) {
            boolean a;
            try {
                a = anchored.test(v);
            } catch (StackOverflowError e) {
                return; // java.util.regex recurses on some nested repetitions (documented: avoid pathological patterns)
            }
            if (a != groups.pattern().matcher(v).matches()) {
                throw new AssertionError("the two compilations disagree on " + v + " for " + re);
            }
        }
    }
}
