package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Predicate;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RegexTranslatorTest {

    private static Predicate<String> re(String re) throws Exception {
        return RegexTranslator.compileAnchored(re);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
        // regex | matching | not matching
        "a|b # b # ab",
        "a.* # abc # ba",
        ".* # '' # 'x\ny'",
        ".+ # x # ''",
        "(?P<name>x+)y # xxy # y",
        "[[:alpha:]]+ # abC # ab1",
        "[[:^digit:]] # a # 1",
        "\\pL+ # é # 1",
        "\\p{Greek} # α # a",
        "\\p{^Greek} # a # α",
        "[\\d_]+ # 1_2 # a",
        "a\\s+b # 'a \tb' # 'a\u000Bb'",
        "a\\vb # 'a\u000Bb' # 'a b'",
        "\\101\\x42\\x{43} # ABC # abc",
        "x{2,3} # xxx # x",
        "a{ # a{ # a",
        "[[]+ # [[ # a",
        "[a&&b] # & # c",
        "[]a] # ] # b",
        "(?i)straße # STRAßE # STRASSE",
        "(?i)é # É # e",
        "a$ # a # 'a\n'",
        "\\Qa.b\\E # a.b # axb",
        "a| # '' # b",
    })
    void matchesAsRe2(String regex, String yes, String no) throws Exception {
        Predicate<String> p = re(regex);
        assertThat(p.test(yes)).as(regex + " ~ " + yes).isTrue();
        assertThat(p.test(no)).as(regex + " !~ " + no).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"(", ")", "a++", "a*+", "a{2}+", "(?<n>x)", "(?=a)", "(?!a)", "(?>a)", "\\Z", "\\h",
        "\\R", "\\1", "\\k<n>", "x{1001}", "x{3,2}", "(?U)a*", "(?x)a", "[z-a]", "*a", "a|*", "(*)", "\\xZ",
        "\\x{110000}", "\\p{NoSuchScript}", "[[:nope:]]", "a\\", "[abc", "(?i", "?P<n>x)|\\pL"})
    void rejectsWhatRe2RejectsOrJavaCannotMean(String regex) {
        assertThatThrownBy(() -> re(regex)).isInstanceOf(RegexTranslator.RegexException.class)
                .hasMessageContaining("error parsing regexp");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "(?P<n>x)      | (x)",
        "[[:alpha:]]   | [\\p{Alpha}]",
        "\\pL          | \\p{IsL}",
        "a$            | a\\z",
        "(?i)a         | (?iu)a",
        "\\v           | \\x0B",
    })
    void translations(String re2, String java) throws Exception {
        assertThat(RegexTranslator.translate(re2)).isEqualTo(java);
    }
}
