package dev.tocsin.core.internal.template;

import dev.tocsin.core.internal.expr.RegexTranslator;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go RE2 regular expressions for the templates' {@code match} and {@code reReplaceAll}: patterns translated by
 * {@link RegexTranslator} (as PromQL's), Go's {@code MatchString} and {@code ReplaceAllString} (with {@link GoExpand}'s
 * {@code $1}/{@code ${name}} expansion and Go's empty-match rule).
 */
final class GoRegex {

    /** A compiled expression and its capture group names (index 0 unused). */
    record Compiled(String source, Pattern pattern, List<String> groupNames) {
    }

    /** Thrown with Go's {@code error parsing regexp: ...} message. */
    static final class RegexError extends Exception {
        private static final long serialVersionUID = 1L;

        RegexError(String msg) {
            super(msg, null, false, false);
        }
    }

    private GoRegex() {
    }

    /**
     * Compiles an RE2 pattern as Go's {@code regexp.Compile} (translated by the same {@link RegexTranslator} as
     * PromQL's label matchers).
     *
     * @throws RegexError with Go's {@code error parsing regexp: ...} message
     */
    static Compiled compile(String src) throws RegexError {
        try {
            RegexTranslator.Groups g = RegexTranslator.compileWithGroups(src, false);
            return new Compiled(src, g.pattern(), g.names());
        } catch (RegexTranslator.RegexException e) {
            throw new RegexError(e.getMessage());
        }
    }

    /** regexp.MatchString semantics (unanchored search). */
    static boolean find(Compiled re, String s) {
        return re.pattern().matcher(s).find();
    }

    /** Go's Regexp.ReplaceAllString. */
    static String replaceAll(Compiled re, String src, String repl) {
        Matcher m = re.pattern().matcher(src);
        // the groups of a match found by a search over several start positions can keep what a failed attempt at an
        // earlier position captured inside a repetition (java.util.regex does not reset them between positions):
        // the match is matched again over exactly its extent, where the first parse is the one find() took
        Matcher exact = repl.indexOf('$') < 0 ? null
                : re.pattern().matcher(src).useTransparentBounds(true).useAnchoringBounds(false);
        StringBuilder sb = new StringBuilder(src.length() + 16);
        int lastEnd = 0;
        int prevMatchEnd = -1;
        int searchPos = 0;
        while (searchPos <= src.length() && m.find(searchPos)) {
            int a = m.start();
            int b = m.end();
            boolean accept = !(a == b && a == prevMatchEnd);
            if (accept) {
                sb.append(src, lastEnd, a);
                Matcher groups = m;
                if (exact != null && a > 0 && exact.region(a, b).matches()) {
                    groups = exact;
                }
                GoExpand.expand(sb, repl, groups, re.groupNames());
                lastEnd = b;
            }
            prevMatchEnd = b;
            if (b > a) {
                searchPos = b;
            } else {
                searchPos = b + (b < src.length() ? Character.charCount(src.codePointAt(b)) : 1);
            }
        }
        sb.append(src, lastEnd, src.length());
        return sb.toString();
    }

}
