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
        // found by scripts/dev/rediff.py against promtool 2.42 (pass/regex-re2.test.yml holds them too)
        ".\\B # σ # a",
        "a\\b # a # ab",
        "σ\\b.* # σa # σ",
        "(?i)[\\Wb]+ # é # \u017F",
        "(?i)\\W # - # \u212A",
        "(?i)\\w # \u017F # é",
        "(?i)[[:upper:]] # a # é",
        "(?i)[[:^lower:]] # 1 # \u017F",
        "[0-9-0-9]+ # 1-2 # a",
        "[0-[]+ # 0[A # a",
        "[a-\\x{63}]+ # abc # d",
        "[\\x41-\\x43\\]]+ # AB] # D",
        "(?m:a$)\\n# 'a\n' # 'a\nb'",
        "(?m:b?)a$\\n? # a # 'a\n'",
        "(?m)a\\n^ # 'a\n' # a",
        "(?i:a)a # Aa # AA",
        // found by a review against promtool 2.42 (pass/regex-re2.test.yml holds most of them too)
        "(?i)i # I # \u0131",
        "(?i)[h-j] # I # \u0130",
        "(?i)\\w # i # \u0131",
        "(?i)\\W # \u0131 # I",
        "(?i)[\\Wb] # \u0130 # a",
        "(?i)[^a-z] # \u0131 # I",
        "(?i)[^\\W] # I # \u0131",
        "(?i)\u00df # \u1e9e # s",
        "(?i)[\u00df] # \u1e9e # s",
        "\\p{C} # \u00ad # \u0378",
        "[^\\p{C}] # \u0378 # \u00ad",
        "a$* # a # ab",
        "(?)a # a # b",
        "\\x{000000061} # a # b",
        "(?i)\\p{Lu} # a # \u0131",
        "(?i)\\p{Lt} # \u01c6 # a",
        "(?i)\\p{Greek} # \u00b5 # a",
        "(?i)\\p{Common} # \u03bc # a",
        "(?i)\\p{Mn} # \u03b9 # a",
        "(?i)\\P{Greek} # a # \u00b5",
    })
    void matchesAsRe2(String regex, String yes, String no) throws Exception {
        Predicate<String> p = re(regex);
        assertThat(p.test(yes)).as(regex + " ~ " + yes).isTrue();
        assertThat(p.test(no)).as(regex + " !~ " + no).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"(", ")", "a++", "a*+", "a{2}+", "(?<n>x)", "(?=a)", "(?!a)", "(?>a)", "\\Z", "\\h",
        "\\R", "\\1", "\\k<n>", "x{1001}", "x{3,2}", "(?U)a*", "(?x)a", "[z-a]", "*a", "a|*", "(*)", "\\xZ",
        "\\p{greek}", "\\p{Grek}",
        "\\p{Unknown}", "(?P<\u00e9>a)", "\\Qa", "a\\Q.b",
        "\\x{110000}", "\\p{NoSuchScript}", "[[:nope:]]", "a\\", "[abc", "(?i", "?P<n>x)|\\pL"})
    void rejectsWhatRe2RejectsOrJavaCannotMean(String regex) {
        assertThatThrownBy(() -> re(regex)).isInstanceOf(RegexTranslator.RegexException.class)
                .hasMessageContaining("error parsing regexp");
    }

    /** RE2's repeatIsValid: at most 1000 copies of the innermost item through nested counted repetitions. */
    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
        "(a{100}){10}#true", "(a{100}){11}#false", "(a{2}){501}#false", "((a{10}){10}){10}#true",
        "((a{10}){10}){11}#false", "((a{600}){0}){2}#true", "((a{600}){0,}){2}#false", "(a{500}|b{3}){2}#true",
        "(a{501}|b){2}#false", "(?:a{1000}){1}#true", "(?:a{1000}){1,2}#false", "(a*){1000}#true",
        "(a{2}b{600}){2}#false", "(a{0,600}){2}#false", "(a{2,}){500}#true", "(a{2,}){501}#false",
        "((?i)a{600}){2}#false", "(\\Qab\\E{600}){2}#false", "([ab]{600}x){2}#false", "(a{600})(b){2}#true",
        // a literal { is an item of its own; an empty \\Q\\E is nothing (a repetition after it repeats what came before)
        "a{600}{{2}#true", "(a{600}{{2})#true", "(a{600}\\Q\\E){2}#false", "a\\Q\\E{1000}#true"})
    void nestedRepeatCountsAreLimitedAsInRe2(String regex, boolean valid) throws Exception {
        // each verdict checked against promtool 2.42
        if (valid) {
            assertThat(RegexTranslator.translate(regex)).isNotEmpty();
        } else {
            assertThatThrownBy(() -> re(regex)).isInstanceOf(RegexTranslator.RegexException.class)
                    .hasMessageContaining("error parsing regexp: invalid repeat count: `{");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "(?P<n>x)      | (x)",
        "[[:alpha:]]   | [A-Za-z]",
        "[a-c-]        | [\\x{61}-\\x{63}\\x{2d}]",
        "\\pL          | \\p{IsL}",
        "a$            | a\\z",
        "(?i)a         | [\\x{41}\\x{61}]",
        "(?i:k)        | (?:[\\x{4b}\\x{6b}\\x{212a}])",
        "(?i-m)1       | (?-m)1",
        "\\v           | \\x{b}",
    })
    void translations(String re2, String java) throws Exception {
        assertThat(RegexTranslator.translate(re2)).isEqualTo(java);
    }

    @org.junit.jupiter.api.Test
    void anUnterminatedQuoteIsRefusedOnlyWhenThePatternIsMatchedWhole() throws Exception {
        // PromQL wraps the pattern in ^(?:...)$, whose end \\Q would quote; a template's match does not
        assertThatThrownBy(() -> RegexTranslator.compileWithGroups("\\Qa.", true))
                .isInstanceOf(RegexTranslator.RegexException.class);
        assertThat(RegexTranslator.compileWithGroups("\\Qa.", false).pattern().matcher("a.").matches()).isTrue();
        assertThat(RegexTranslator.compileWithGroups("\\Qa.", false).pattern().matcher("ab").matches()).isFalse();
    }

    @org.junit.jupiter.api.Test
    void scriptNamesAreGos() throws Exception {
        for (String name : new String[] {"Greek", "Latin", "Han", "Old_Italic", "SignWriting", "Nko", "Phags_Pa",
            "Common", "Inherited"}) {
            assertThat(re("\\p{" + name + "}")).as(name).isNotNull();
        }
    }

    @org.junit.jupiter.api.Test
    void groupNamesByNumberSkipClassesEscapesAndNonCapturingGroups() throws Exception {
        assertThat(RegexTranslator.compileWithGroups("[(](?:x)\\((?P<n>y)([)(])(?i:(?P<m>z))", true).names())
                .containsExactly("", "n", "", "m");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
        // pattern # value # template # Go's expansion (promtool 2.42's label_replace, pass/regex-re2.test.yml)
        "(?P<first>a)(b)? # a # $1-$2-$first-${first}x-$firstx-$$-$9-$ # a--a-ax--$--$",
        "(a) # a # ${1 # ${1",
        "(a) # a # [$01|${01}|$000000001|${1}] # [|||a]",
        "(?P<n>a)?(?P<n>.) # b # <$1|$2|${n}> # <|b|b>",
        "(?P<n>a)?(?P<n>.) # ab # <$1|$2|${n}> # <a|b|a>",
    })
    void expandsAsGo(String pattern, String value, String template, String expanded) throws Exception {
        RegexTranslator.Groups g = RegexTranslator.compileWithGroups(pattern, true);
        java.util.regex.Matcher m = g.pattern().matcher(value);
        assertThat(m.matches()).isTrue();
        StringBuilder out = new StringBuilder();
        dev.tocsin.core.internal.template.GoExpand.expand(out, template, m, g.names());
        assertThat(out).hasToString(expanded);
    }
}
