package dev.tocsin.core.internal.expr;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bounds the work of regular-expression matching. Prometheus' RE2 matches in time linear in the input, whatever the
 * pattern; java.util.regex backtracks, so a pattern such as {@code (.*a){20}} can take longer than the age of the
 * universe on a 45-character label value, and a repetition such as {@code (a|b)*} recurses once per iteration and
 * overflows the thread's stack on a long value. Either would stop every rule of the evaluator (a hang) or escape into
 * the host (a {@link StackOverflowError}).
 *
 * <p>Every match therefore reads its input through a view that counts the characters read, against two budgets:
 * <ul>
 *   <li>one per match, {@link #budget(int)}: {@link #BASE_STEPS}, plus {@link #STEPS_PER_CHAR} per character and
 *   {@link #STEPS_PER_CHAR_SQUARED} per character squared of the input (java.util.regex is quadratic on a search
 *   for {@code \s+$} or a match of {@code .*a.*b}, which stay legitimate on values of a few thousand characters; a
 *   search with two unbounded repetitions is cubic and fails from about 2,000 characters), at most
 *   {@link #MAX_STEPS_PER_MATCH};</li>
 *   <li>one per rule evaluation, {@link #EVALUATION_STEPS}, shared by all the matches made between
 *   {@link #openEvaluation()} and {@link #closeEvaluation()} on one thread, its expression's and its templates' (many
 *   values each under the per-match budget add up).</li>
 * </ul>
 * Past the per-match budget, or when the matcher overflows the stack, the match fails with an
 * {@link ExpressionEvaluationException} that names the pattern and the input's length (never the input): in an
 * expression the rule fails for that evaluation as on any other evaluation error; in a template the call fails and
 * the template expands to Prometheus' {@code <error expanding template: ...>}. Past the evaluation's budget,
 * {@link PoolExhausted} fails the whole rule evaluation, templates included (never some alerts' annotations and not
 * others'). The counts are of work done, not of time, so the outcome does not depend on the machine;
 * {@link #MAX_STEPS_PER_MATCH} reads take about a second, {@link #EVALUATION_STEPS} about ten.
 *
 * <p>A {@code BoundedRegex} holds a reusable matcher: one per thread (it is not thread-safe).
 */
public final class BoundedRegex {

    /** Characters every match may read, whatever the input's length. */
    public static final long BASE_STEPS = 1_000_000L;
    /** Further characters a match may read per character of its input. */
    public static final long STEPS_PER_CHAR = 1_000L;
    /** Further characters a match may read per character squared of its input. */
    public static final long STEPS_PER_CHAR_SQUARED = 16L;
    /** The most characters one match may read. */
    public static final long MAX_STEPS_PER_MATCH = 200_000_000L;
    /** The most characters all the matches of one rule evaluation may read. */
    public static final long EVALUATION_STEPS = 2_000_000_000L;

    /** The budget {@link #openEvaluation()} gives: {@link #EVALUATION_STEPS} except in tests. */
    private static volatile long evaluationSteps = EVALUATION_STEPS;

    /** Per thread: the depth of open evaluations, and what is left of the outermost one's budget. */
    private static final ThreadLocal<long[]> EVALUATION = ThreadLocal.withInitial(() -> new long[2]);

    private final String source;
    private final Pattern pattern;
    private final Counted text = new Counted();
    private final Matcher matcher;
    /** The budget given to the current operation, and whether it was cut down to what the evaluation had left. */
    private long given;
    private boolean pooled;

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
        long n = length;
        if (n >= 10_000) {
            return MAX_STEPS_PER_MATCH; // (and no overflow of n * n)
        }
        return Math.min(MAX_STEPS_PER_MATCH, BASE_STEPS + STEPS_PER_CHAR * n + STEPS_PER_CHAR_SQUARED * n * n);
    }

    /**
     * Opens a rule evaluation on this thread: the matches made until the matching {@link #closeEvaluation()} share
     * {@link #EVALUATION_STEPS}. Nested openings belong to the outermost.
     */
    public static void openEvaluation() {
        openEvaluation(evaluationSteps);
    }

    /**
     * Sets the budget that later {@link #openEvaluation()} calls give (for tests of the evaluator: the real one takes
     * seconds to spend).
     *
     * @param steps the new budget
     * @return the budget before
     */
    public static long evaluationStepsForTests(long steps) {
        long before = evaluationSteps;
        evaluationSteps = steps;
        return before;
    }

    /**
     * {@link #openEvaluation()} with another budget (for tests).
     *
     * @param steps the characters all matches until {@link #closeEvaluation()} may read
     */
    public static void openEvaluation(long steps) {
        long[] e = EVALUATION.get();
        if (e[0]++ == 0) {
            e[1] = steps;
        }
    }

    /** Closes what {@link #openEvaluation()} opened (call it in a {@code finally}). */
    public static void closeEvaluation() {
        long[] e = EVALUATION.get();
        if (e[0] > 0) {
            e[0]--;
        }
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
        } catch (Exhausted | StackOverflowError e) {
            throw failure(e, s.length());
        } finally {
            end();
        }
    }

    /**
     * Resets the matcher onto {@code s} with a fresh budget and returns it, for a caller that reads groups or searches
     * several times (one budget for all of it). Its {@code matches()}, {@code find()} and the like then throw the
     * unchecked {@link Exhausted} past the budget, which {@link #failure} turns into the error to report; the caller
     * calls {@link #end} when done, in a {@code finally}.
     */
    public Matcher start(String s) {
        // one operation at a time per instance (and per thread, as instances are): two started together would each
        // take the whole of what the evaluation has left
        given = budget(s.length());
        pooled = false;
        long[] e = EVALUATION.get();
        if (e[0] > 0 && e[1] < given) {
            given = e[1];
            pooled = true;
        }
        text.reset(s, given);
        return matcher.reset(text);
    }

    /** Returns a second matcher over the input of the last {@link #start}, sharing its budget. */
    public Matcher another() {
        return pattern.matcher(text);
    }

    /**
     * Ends the operation begun by the last {@link #start}: charges what it read to the open evaluation, if any, and
     * lets go of the input (the matcher keeps no reference to it).
     */
    public void end() {
        long[] e = EVALUATION.get();
        if (e[0] > 0) {
            e[1] = Math.max(0, e[1] - (given - Math.max(0, text.left)));
        }
        matcher.reset("");
        text.reset("", 0);
        given = 0;
    }

    /**
     * Returns the error for a failure of an operation begun with {@link #start} over an input of {@code length}
     * characters: {@code e} is an {@link Exhausted} or a {@link StackOverflowError}; anything else is rethrown. The
     * error is an {@link ExpressionEvaluationException}, or a {@link PoolExhausted} when the evaluation's budget was
     * what ran out.
     */
    public RuntimeException failure(Throwable e, int length) {
        if (e instanceof Exhausted) {
            String advice = " (java.util.regex backtracks where Prometheus' RE2 runs in linear time): rewrite it so"
                    + " that it cannot match the same text in many ways, e.g. without nested or adjacent repetitions"
                    + " such as (.*a){20}, (a+)+ or .*a.*b over long values";
            if (pooled) {
                return new PoolExhausted("the regular expressions of this rule evaluation read more than "
                        + EVALUATION_STEPS + " characters in all, the last one " + quote(source) + " on a value of "
                        + length + " characters" + advice);
            }
            return new ExpressionEvaluationException("regular expression " + quote(source) + " needed more than "
                    + given + " steps on a value of " + length + " characters" + advice);
        }
        if (e instanceof StackOverflowError) {
            return new ExpressionEvaluationException("regular expression " + quote(source) + " ran out of stack on a"
                    + " value of " + length + " characters (java.util.regex recurses once per iteration of a repeated"
                    + " group, where Prometheus' RE2 does not): repeat a character class instead of a group, e.g."
                    + " [ab]* for (a|b)*");
        }
        if (e instanceof RuntimeException) {
            throw (RuntimeException) e;
        }
        throw (Error) e;
    }

    private static String quote(String re) {
        return re.length() > 200 ? "`" + re.substring(0, 200) + "...`" : "`" + re + "`";
    }

    /**
     * The regular expressions of one rule evaluation (expression and templates) read more than
     * {@link #EVALUATION_STEPS} characters: the rule's evaluation fails as a whole. Templates let it through rather
     * than expanding to an error text.
     */
    public static final class PoolExhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PoolExhausted(String message) {
            super(message, null, false, false);
        }
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
