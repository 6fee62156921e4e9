package dev.tocsin.core.internal.template;

import dev.tocsin.core.internal.expr.BoundedRegex;
import dev.tocsin.core.internal.expr.ExpressionEvaluationException;
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

    /**
     * regexp.MatchString semantics (unanchored search).
     *
     * @throws ExpressionEvaluationException past {@link BoundedRegex}'s budget or when java.util.regex overflows the
     *     stack
     */
    static boolean find(Compiled re, String s) {
        BoundedRegex bounded = new BoundedRegex(re.source(), re.pattern());
        try {
            return bounded.start(s).find();
        } catch (BoundedRegex.Exhausted | StackOverflowError e) {
            throw bounded.failure(e, s.length());
        } finally {
            bounded.end();
        }
    }

    /**
     * Go's Regexp.ReplaceAllString.
     *
     * @throws ExpressionEvaluationException past {@link BoundedRegex}'s budget (one for the whole replacement) or when
     *     java.util.regex overflows the stack
     */
    static String replaceAll(Compiled re, String src, String repl) {
        BoundedRegex bounded = new BoundedRegex(re.source(), re.pattern());
        try {
            return replaceAll(re, bounded, src, repl);
        } catch (BoundedRegex.Exhausted | StackOverflowError e) {
            throw bounded.failure(e, src.length());
        } finally {
            bounded.end();
        }
    }

    private static String replaceAll(Compiled re, BoundedRegex bounded, String src, String repl) {
        Matcher m = bounded.start(src);
        // the groups of a match found by a search over several start positions can keep what a failed attempt at an
        // earlier position captured inside a repetition (java.util.regex does not reset them between positions):
        // the match is matched again over exactly its extent, where the first parse is the one find() took
        Matcher exact = repl.indexOf('$') < 0 ? null
                : bounded.another().useTransparentBounds(true).useAnchoringBounds(false);
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
