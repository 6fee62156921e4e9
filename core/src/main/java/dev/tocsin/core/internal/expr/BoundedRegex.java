package dev.tocsin.core.internal.expr;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bounds the work of one regular-expression match. Prometheus' RE2 matches in time linear in the input, whatever the
 * pattern; java.util.regex backtracks, so a pattern such as {@code (.*a){20}} can take longer than the age of the
 * universe on a 45-character label value, and a repetition such as {@code (a|b)*} recurses once per iteration and
 * overflows the thread's stack on a long value. Either would stop every rule of the evaluator (a hang) or escape into
 * the host (a {@link StackOverflowError}).
 *
 * <p>Every match therefore reads its input through a view that counts the characters read: past
 * {@link #BASE_STEPS} + {@link #STEPS_PER_CHAR} per character of the input (far beyond what any pattern that does not
 * backtrack catastrophically needs: a linear pattern reads each character a few times per alternative), or when the
 * matcher overflows the stack, the match fails with an {@link ExpressionEvaluationException} that names the pattern
 * and the input's length (never the input), and the rule that asked for it fails for that evaluation as any other
 * evaluation error does. The count is of work done, not of time, so the outcome does not depend on the machine.
 *
 * <p>A {@code BoundedRegex} holds a reusable matcher: one per thread (it is not thread-safe).
 */
public final class BoundedRegex {

    /** Characters every match may read, whatever the input's length. */
    public static final long BASE_STEPS = 1_000_000L;
    /** Further characters a match may read per character of its input. */
    public static final long STEPS_PER_CHAR = 1_000L;

    private final String source;
    private final Pattern pattern;
    private final Counted text = new Counted();
    private final Matcher matcher;

    /**
     * Creates a bounded matcher of {@code pattern}.
     *
     * @param source the pattern as the user wrote it (for error messages)
     * @param pattern its compiled translation
     */
    public BoundedRegex(String source, Pattern pattern) {
        this.source = source;
        this.pattern = pattern;
        this.matcher = pattern.matcher("");
    }

    /** Returns the budget, in characters read, of one operation over an input of {@code length} characters. */
    static long budget(int length) {
        return BASE_STEPS + STEPS_PER_CHAR * length;
    }

    /**
     * Returns whether the whole of {@code s} matches.
     *
     * @throws ExpressionEvaluationException when the match exceeds its budget or overflows the stack
     */
    public boolean matches(String s) {
        Matcher m = start(s);
        try {
            return m.matches();
        } catch (Exhausted e) {
            throw tooLong(source, s.length());
        } catch (StackOverflowError e) {
            throw tooDeep(source, s.length());
        } finally {
            end();
        }
    }

    /**
     * Resets the matcher onto {@code s} with a fresh budget and returns it, for a caller that reads groups or searches
     * several times (one budget for all of it). Its {@code matches()}, {@code find()} and the like then throw the
     * unchecked {@link Exhausted} past the budget, which {@link #failure} turns into the error to report; the caller
     * calls {@link #end} when done.
     */
    public Matcher start(String s) {
        text.reset(s, budget(s.length()));
        return matcher.reset(text);
    }

    /** Returns a second matcher over the input of the last {@link #start}, sharing its budget. */
    public Matcher another() {
        return pattern.matcher(text);
    }

    /** Lets go of the input of the last {@link #start} (the matcher keeps no reference to it). */
    public void end() {
        matcher.reset("");
        text.reset("", 0);
    }

    /**
     * Returns the error for a failure of an operation begun with {@link #start} over an input of {@code length}
     * characters: {@code e} is an {@link Exhausted} or a {@link StackOverflowError}; anything else is rethrown.
     */
    public ExpressionEvaluationException failure(Throwable e, int length) {
        if (e instanceof Exhausted) {
            return tooLong(source, length);
        }
        if (e instanceof StackOverflowError) {
            return tooDeep(source, length);
        }
        if (e instanceof RuntimeException) {
            throw (RuntimeException) e;
        }
        throw (Error) e;
    }

    private static ExpressionEvaluationException tooLong(String re, int length) {
        return new ExpressionEvaluationException("regular expression " + quote(re) + " needed more than "
                + budget(length) + " steps on a value of " + length + " characters (java.util.regex backtracks where"
                + " Prometheus' RE2 runs in linear time): rewrite it without repetitions that can match the same"
                + " text in many ways, such as (.*a){20} or (a+)+");
    }

    private static ExpressionEvaluationException tooDeep(String re, int length) {
        return new ExpressionEvaluationException("regular expression " + quote(re) + " recursed too deeply on a value"
                + " of " + length + " characters (java.util.regex recurses once per iteration of a repeated group,"
                + " where Prometheus' RE2 does not): repeat a character class instead of a group, e.g. [ab]* for"
                + " (a|b)*");
    }

    private static String quote(String re) {
        return re.length() > 200 ? "`" + re.substring(0, 200) + "...`" : "`" + re + "`";
    }

    /** Thrown inside a match when its budget is spent (no stack trace: it is caught right away). */
    public static final class Exhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Exhausted() {
            super("regular expression budget spent", null, false, false);
        }
    }

    /** A string whose characters are counted as they are read. */
    private static final class Counted implements CharSequence {
        private String s = "";
        private long left;

        void reset(String value, long budget) {
            s = value;
            left = budget;
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public char charAt(int index) {
            if (--left < 0) {
                throw new Exhausted();
            }
            return s.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return s.substring(start, end);
        }

        @Override
        public String toString() {
            return s;
        }
    }
}
