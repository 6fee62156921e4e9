package dev.tocsin.core.internal.expr;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles PromQL label-matcher regular expressions (Go RE2 syntax) to fully anchored {@link java.util.regex}
 * predicates, translating the constructs whose meaning differs and rejecting the Java-only ones, so that a pattern
 * either behaves as in Prometheus or fails at parse time.
 *
 * <p>Translated: {@code (?P<name>...)}, POSIX classes {@code [[:alpha:]]}, {@code \p{Greek}}, {@code \v}, {@code \s}
 * (RE2's {@code [\t\n\f\r ]}), octal escapes, {@code $} (end of text), a literal {@code [} or {@code &} inside a class,
 * {@code {} that does not start a repetition, and {@code (?i)} (Unicode case folding as in RE2). Rejected as in RE2:
 * possessive quantifiers, look-around, atomic groups, back-references, {@code \Z \h \R \X \G \e \k}, repeat counts
 * above 1000. Rejected because Java has no equivalent: the ungreedy flag {@code (?U)}.
 */
public final class RegexTranslator {

    /** An invalid or unsupported regular expression; {@link #getMessage()} says why. */
    public static final class RegexException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean unsupported;

        RegexException(String message) {
            this(message, false);
        }

        RegexException(String message, boolean unsupported) {
            super(message);
            this.unsupported = unsupported;
        }

        /** Returns whether RE2 accepts the pattern and only the translation to java.util.regex cannot render it. */
        public boolean unsupported() {
            return unsupported;
        }
    }

    private static final int MAX_REPEAT = 1000;
    private static final int MAX_DEPTH = 1000;
    /**
     * RE2's POSIX classes as explicit ASCII ranges (never Java's {@code \p{Alpha}} and the like, which Java does not
     * case-fold under {@code (?i)}, where RE2 folds every class: {@code (?i)[[:upper:]]} matches {@code a}, and
     * {@code \u017F}, which folds to {@code s}).
     */
    private static final Map<String, String> POSIX = Map.ofEntries(
            Map.entry("alnum", "0-9A-Za-z"), Map.entry("alpha", "A-Za-z"), Map.entry("ascii", "\\x{0}-\\x{7F}"),
            Map.entry("blank", "\\t "), Map.entry("cntrl", "\\x{0}-\\x{1F}\\x{7F}"), Map.entry("digit", "0-9"),
            Map.entry("graph", "\\x{21}-\\x{7E}"), Map.entry("lower", "a-z"), Map.entry("print", "\\x{20}-\\x{7E}"),
            Map.entry("punct", "\\x{21}-\\x{2F}\\x{3A}-\\x{40}\\x{5B}-\\x{60}\\x{7B}-\\x{7E}"),
            Map.entry("space", "\\t\\n\\x{B}\\f\\r "), Map.entry("upper", "A-Z"), Map.entry("word", "0-9A-Za-z_"),
            Map.entry("xdigit", "0-9A-Fa-f"));
    /** RE2's word characters ({@code \w}, and what {@code \b} looks at): ASCII only, as in a Java class. */
    private static final String WORD = "0-9A-Za-z_";
    /**
     * RE2's {@code \b}: ASCII word characters on one side only, whatever the flags (Java 17's own {@code \b} counts
     * Unicode letters and digits).
     */
    private static final String WORD_BOUNDARY = "(?:(?<=[" + WORD + "])(?![" + WORD + "])|(?<![" + WORD + "])(?=["
            + WORD + "]))";
    /** RE2's {@code \B}: the same on both sides. */
    private static final String NOT_WORD_BOUNDARY = "(?:(?<=[" + WORD + "])(?=[" + WORD + "])|(?<![" + WORD
            + "])(?![" + WORD + "]))";
    private static final int MULTILINE = 1;
    private static final int CASE_FOLD = 2;
    /**
     * The case-folding orbits: the characters that {@code (?i)} makes equal, as RE2 folds them (Unicode simple case
     * folding: {@code k K \u212A}, {@code s S \u017F}, {@code \u00DF \u1E9E}; the Turkish dotted and dotless i fold
     * only to themselves). {@code (?i)} is translated by writing orbits out ({@code [kK\u212A]}), never with Java's
     * case-insensitive mode, whose rules differ (it tests a character's own upper and lower case only, folds
     * {@code \p} classes its own way, and lets {@code i} match the dotless i). Computed on first use.
     */
    private static final class Orbits {
        /** Every orbit of two or more characters. */
        static final int[][] ALL = compute();
        /** The orbit of each character that has one. */
        static final Map<Integer, int[]> BY_MEMBER = byMember();

        private static Map<Integer, int[]> byMember() {
            Map<Integer, int[]> m = new java.util.HashMap<>();
            for (int[] orbit : ALL) {
                for (int cp : orbit) {
                    m.put(cp, orbit);
                }
            }
            return m;
        }

        private static int[][] compute() {
            Map<Integer, List<Integer>> byKey = new java.util.HashMap<>();
            for (int cp = 0; cp <= 0x1FFFF; cp++) {
                if (cp == 0x130 || cp == 0x131) {
                    continue; // Go folds the Turkish dotted and dotless i only to themselves
                }
                int key = Character.toLowerCase(Character.toUpperCase(cp));
                if (key != cp || Character.toUpperCase(cp) != cp) {
                    byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(cp);
                }
            }
            List<int[]> all = new ArrayList<>();
            for (Map.Entry<Integer, List<Integer>> e : byKey.entrySet()) {
                Set<Integer> members = new java.util.TreeSet<>(e.getValue());
                members.add(e.getKey());
                members.add(Character.toUpperCase(e.getKey()));
                if (members.size() >= 2) {
                    all.add(members.stream().mapToInt(Integer::intValue).toArray());
                }
            }
            return all.toArray(new int[0][]);
        }
    }
    private static final Pattern HEX = Pattern.compile("\\\\x(?:\\{([0-9a-fA-F]+)\\}|([0-9a-fA-F]{2}))");
    private static final Set<String> CATEGORIES = Set.of("C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt",
            "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S",
            "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs");
    private static final Pattern REPEAT = Pattern.compile("\\{(\\d+)(,(\\d*))?\\}");

    private final String re;
    private final StringBuilder out = new StringBuilder();
    private int i;
    private int depth;
    /** The flags in effect that the translation itself depends on ({@link #MULTILINE}, {@link #CASE_FOLD}). */
    private int flags;
    /** The flags to restore at each open group's {@code )}. */
    private final java.util.ArrayDeque<Integer> savedFlags = new java.util.ArrayDeque<>();
    /** The capture groups' names by number ({@code ""} when unnamed; index 0, the whole match, unused). */
    private final List<String> groupNames = new ArrayList<>(List.of(""));
    /** Whether the previous item can take a repetition operator (RE2: "missing argument to repetition"). */
    private boolean canRepeat;
    /**
     * RE2's limit on nested repetitions ({@code repeatIsValid}): the product of the repeat counts nested in the last
     * item, repetitions applied to it included ({@code (a{10}){20}}: 200), not yet folded into {@link #innerMax}.
     */
    private long lastInner = 1;
    /** Per open group depth: the largest such product among the items of that group so far. */
    private final long[] innerMax = new long[MAX_DEPTH + 2];
    /** Literal alternatives while the pattern is nothing but literals and top-level '|'; null once it is not. */
    private List<String> literals = new ArrayList<>();
    private StringBuilder current = new StringBuilder();

    /**
     * Whether the pattern is matched whole, as PromQL does by wrapping it in {@code ^(?:...)$}: a {@code \Q} without
     * {@code \E} then quotes the wrapper's {@code )$} too, and RE2 fails with a missing {@code )}.
     */
    private final boolean anchored;

    private RegexTranslator(String re, boolean anchored) {
        this.re = re;
        this.anchored = anchored;
    }

    /**
     * Returns a predicate telling whether a whole string matches {@code re}, as PromQL's {@code ^(?:re)$}.
     *
     * @throws RegexException when the pattern is invalid or outside the supported dialect
     */
    public static Predicate<String> compileAnchored(String re) throws RegexException {
        if (re.equals(".*")) {
            return v -> v.indexOf('\n') < 0;
        }
        if (re.equals(".+")) {
            return v -> !v.isEmpty() && v.indexOf('\n') < 0;
        }
        RegexTranslator t = new RegexTranslator(re, true);
        String java = t.translate();
        if (t.literals != null) {
            t.literals.add(t.current.toString());
            if (t.literals.size() == 1) {
                String only = t.literals.get(0);
                return only::equals;
            }
            Set<String> set = Set.copyOf(new HashSet<>(t.literals));
            return set::contains;
        }
        Pattern p;
        try {
            p = Pattern.compile("(?:" + java + ")", Pattern.UNIX_LINES);
        } catch (PatternSyntaxException e) {
            throw new RegexException("error parsing regexp: " + e.getDescription() + ": `" + re + "`");
        } catch (StackOverflowError e) {
            throw new RegexException("error parsing regexp: expression nests too deeply: `" + re + "`");
        }
        ThreadLocal<BoundedRegex> matchers = ThreadLocal.withInitial(() -> new BoundedRegex(re, p));
        return v -> matchers.get().matches(v);
    }

    /** Returns the Java translation of an RE2 pattern (for tests and documentation). */
    static String translate(String re) throws RegexException {
        return new RegexTranslator(re, true).translate();
    }

    /**
     * Compiles an RE2 pattern with its capture groups: for whole-string matching ({@code label_replace}) and search
     * and replace (the templates' {@code match} and {@code reReplaceAll}).
     *
     * @param anchored whether the pattern will be matched whole, as PromQL does (see {@link #anchored})
     * @throws RegexException when the pattern is invalid or outside the supported dialect
     */
    public static Groups compileWithGroups(String re, boolean anchored) throws RegexException {
        RegexTranslator t = new RegexTranslator(re, anchored);
        String java = t.translate();
        try {
            return new Groups(Pattern.compile("(?:" + java + ")", Pattern.UNIX_LINES), List.copyOf(t.groupNames));
        } catch (PatternSyntaxException e) {
            throw new RegexException("error parsing regexp: " + e.getDescription() + ": `" + re + "`");
        } catch (StackOverflowError e) {
            throw new RegexException("error parsing regexp: expression nests too deeply: `" + re + "`");
        }
    }

    /**
     * A compiled pattern and the names of its capture groups by number ({@code ""} when unnamed, index 0 unused):
     * RE2 allows one name on several groups, which Java's own named groups do not.
     *
     * @param pattern the translated pattern (with {@link Pattern#UNIX_LINES})
     * @param names the capture groups' names by number
     */
    public record Groups(Pattern pattern, List<String> names) {
    }

    private RegexException error(String what) {
        return new RegexException("error parsing regexp: " + what + ": `" + re + "`");
    }

    private void notLiteral() {
        literals = null;
    }

    private void literal(String s) {
        if (literals != null) {
            current.append(s);
        }
    }

    private String translate() throws RegexException {
        int n = re.length();
        while (i < n) {
            char c = re.charAt(i);
            switch (c) {
                case '\\':
                    if (re.startsWith("\\Q\\E", i) || (!anchored && i + 2 == n && re.startsWith("\\Q", i))) {
                        i += re.startsWith("\\Q\\E", i) ? 4 : 2; // an empty quote is nothing to RE2: not an item
                        break;
                    }
                    foldInner();
                    escape(false);
                    canRepeat = true;
                    break;
                case '[':
                    foldInner();
                    charClass();
                    canRepeat = true;
                    break;
                case '(':
                    foldInner();
                    group();
                    break;
                case ')':
                    notLiteral();
                    if (depth == 0) {
                        throw error("unexpected )");
                    }
                    foldInner();
                    lastInner = innerMax[depth];
                    depth--;
                    flags = savedFlags.pop();
                    out.append(')');
                    i++;
                    canRepeat = true;
                    break;
                case '*':
                case '+':
                case '?':
                    notLiteral();
                    if (!canRepeat) {
                        throw error("missing argument to repetition operator: `" + c + "`");
                    }
                    out.append(c);
                    i++;
                    afterRepetition(String.valueOf(c));
                    canRepeat = false;
                    break;
                case '{':
                    repetitionOrBrace();
                    break;
                case '$':
                    foldInner();
                    notLiteral();
                    out.append((flags & MULTILINE) != 0 ? "$" : "\\z");
                    i++;
                    canRepeat = true; // RE2 accepts $* (an empty-width assertion repeated)
                    break;
                case '|':
                    foldInner();
                    canRepeat = false;
                    if (literals != null) {
                        if (depth != 0) {
                            notLiteral();
                        } else {
                            literals.add(current.toString());
                            current = new StringBuilder();
                        }
                    }
                    out.append('|');
                    i++;
                    break;
                case '^':
                    foldInner();
                    notLiteral();
                    // RE2's (?m)^ also matches after a final newline, where Java's does not
                    out.append((flags & MULTILINE) != 0 ? "(?<![^\\n])" : "^");
                    i++;
                    canRepeat = true;
                    break;
                case '.':
                    foldInner();
                    notLiteral();
                    out.append(c);
                    i++;
                    canRepeat = true;
                    break;
                default: {
                    foldInner();
                    int cp = re.codePointAt(i);
                    String text = new String(Character.toChars(cp));
                    literal(text);
                    appendLiteral(cp, text);
                    i += text.length();
                    canRepeat = true;
                }
            }
        }
        if (depth > 0) {
            throw error("missing closing )");
        }
        return out.toString();
    }

    private void afterRepetition(String op) throws RegexException {
        if (i < re.length() && re.charAt(i) == '?') {
            out.append('?');
            i++;
        }
        if (i < re.length() && (re.charAt(i) == '+' || re.charAt(i) == '*' || re.charAt(i) == '?'
                || re.charAt(i) == '{' && REPEAT.matcher(re).region(i, re.length()).lookingAt())) {
            throw error("invalid nested repetition operator: `" + op + re.charAt(i) + "`");
        }
    }

    private void repetitionOrBrace() throws RegexException {
        Matcher m = REPEAT.matcher(re).region(i, re.length());
        if (!m.lookingAt()) {
            foldInner(); // a literal {, an item of its own
            literal("{");
            out.append("\\{");
            i++;
            canRepeat = true;
            return;
        }
        notLiteral();
        if (!canRepeat) {
            throw error("missing argument to repetition operator: `" + m.group() + "`");
        }
        canRepeat = false;
        long min = parseCount(m.group(1));
        long max = m.group(2) == null ? min : m.group(3).isEmpty() ? -1 : parseCount(m.group(3));
        if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min)) {
            throw error("invalid repeat count: `" + m.group() + "`");
        }
        // RE2 refuses more than 1000 copies of the innermost item through nested counted repetitions, checked when a
        // count of 2 or more is applied; what is repeated {0} times is left out of the count
        long count = max < 0 ? min : max;
        long product = max == 0 ? 1 : lastInner * Math.max(count, 1);
        if ((min >= 2 || max >= 2) && product > MAX_REPEAT) {
            throw error("invalid repeat count: `" + m.group() + "`");
        }
        lastInner = product;
        out.append(m.group());
        i = m.end();
        afterRepetition(m.group());
    }

    /** Counts the last item's nested repetitions in its group's (see {@link #lastInner}) before the next item. */
    private void foldInner() {
        innerMax[depth] = Math.max(innerMax[depth], lastInner);
        lastInner = 1;
    }

    private static long parseCount(String digits) {
        return digits.length() > 5 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    private void group() throws RegexException {
        notLiteral();
        if (++depth > MAX_DEPTH) {
            throw error("expression nests too deeply");
        }
        innerMax[depth] = 1;
        canRepeat = false;
        if (!re.startsWith("(?", i)) {
            savedFlags.push(flags);
            groupNames.add("");
            out.append('(');
            i++;
            return;
        }
        if (re.startsWith("(?P<", i)) {
            int end = re.indexOf('>', i + 4);
            String name = end < 0 ? "" : re.substring(i + 4, end);
            if (name.isEmpty()
                    || !name.chars().allMatch(ch -> ch < 0x80 && (ch == '_' || Character.isLetterOrDigit(ch)))) {
                throw error("invalid named capture: `" + re.substring(i, end < 0 ? re.length() : end + 1) + "`");
            }
            savedFlags.push(flags);
            groupNames.add(name);
            out.append('(');
            i = end + 1;
            return;
        }
        // Flags: (?flags) or (?flags:re), flags from i, m, s and one '-'.
        int j = i + 2;
        StringBuilder javaFlags = new StringBuilder();
        int newFlags = flags;
        boolean negated = false;
        boolean any = false;
        while (j < re.length()) {
            char f = re.charAt(j);
            if (f == 'i' || f == 'm' || f == 's') {
                if (f != 'i') {
                    javaFlags.append(f); // (?i) is written out as orbits (see Orbits), Java's own is never used
                }
                int bit = f == 'm' ? MULTILINE : f == 'i' ? CASE_FOLD : 0;
                newFlags = negated ? newFlags & ~bit : newFlags | bit;
                any = true;
            } else if (f == 'U') {
                throw new RegexException("error parsing regexp: the ungreedy flag (?U) is not supported (Java has no"
                        + " equivalent): `" + re + "`", true);
            } else if (f == '-' && !negated) {
                negated = true;
                any = false;
                javaFlags.append('-');
            } else if (f == ':' || f == ')') {
                if (negated && !any) {
                    throw error("missing argument to repetition operator or invalid flags: `"
                            + re.substring(i, j + 1) + "`");
                }
                String jf = javaFlags.toString();
                jf = jf.endsWith("-") ? jf.substring(0, jf.length() - 1) : jf; // only i was turned off
                if (f == ')') {
                    if (!jf.isEmpty()) {
                        out.append("(?").append(jf).append(')');
                    }
                    depth--; // (?flags) sets them until the end of the enclosing group; (?) is nothing
                    canRepeat = false;
                } else {
                    out.append(jf.isEmpty() ? "(?:" : "(?" + jf + ":");
                    savedFlags.push(flags);
                }
                flags = newFlags;
                i = j + 1;
                return;
            } else {
                break;
            }
            j++;
        }
        throw error("invalid or unsupported Perl syntax: `" + re.substring(i, Math.min(re.length(), j + 1)) + "`");
    }

    /** Appends a literal character ({@code java} is its Java text); under {@code (?i)}, its orbit as a class. */
    private void appendLiteral(int cp, String java) {
        int[] orbit = (flags & CASE_FOLD) != 0 ? Orbits.BY_MEMBER.get(cp) : null;
        if (orbit == null) {
            out.append(java);
            return;
        }
        out.append('[');
        for (int member : orbit) {
            out.append("\\x{").append(Integer.toHexString(member)).append('}');
        }
        out.append(']');
    }

    /**
     * Translates a character class as RE2 parses it: {@code ]} first is literal, then POSIX classes, {@code \\p}
     * classes, Perl classes ({@code \\d}, ...), and single characters or ranges, whose bounds are single characters
     * (literal or escaped; {@code [} included). A {@code -} is literal where it does not make a range. The bounds are
     * written as {@code \\x{...}}, so that nothing in them means something else to Java (nested classes,
     * {@code &&}).
     */
    private void charClass() throws RegexException {
        notLiteral();
        int n = re.length();
        out.append('[');
        i++;
        if (i < n && re.charAt(i) == '^') {
            out.append('^');
            i++;
        }
        boolean first = true;
        while (true) {
            if (i >= n) {
                throw error("missing closing ]");
            }
            char c = re.charAt(i);
            if (c == ']' && !first) {
                out.append(']');
                i++;
                return;
            }
            first = false;
            if (c == '[' && re.startsWith("[:", i)) {
                int end = re.indexOf(":]", i + 2);
                if (end > 0) {
                    String name = re.substring(i + 2, end);
                    boolean neg = name.startsWith("^");
                    String java = POSIX.get(neg ? name.substring(1) : name);
                    if (java == null) {
                        throw error("invalid character class range: `" + re.substring(i, end + 2) + "`");
                    }
                    out.append(neg ? "[^" : "");
                    asciiSet(java);
                    out.append(neg ? "]" : "");
                    i = end + 2;
                    continue;
                }
            }
            if (c == '\\' && i + 1 < n && "pPdDwWsS".indexOf(re.charAt(i + 1)) >= 0) {
                escape(true);
                continue;
            }
            int rangeStart = i;
            int lo = classChar();
            int hi = lo;
            if (i + 1 < n && re.charAt(i) == '-' && re.charAt(i + 1) != ']') {
                i++;
                hi = classChar();
                if (hi < lo) {
                    throw error("invalid character class range: `" + re.substring(rangeStart, i) + "`");
                }
            }
            out.append("\\x{").append(Integer.toHexString(lo)).append('}');
            if (hi != lo) {
                out.append("-\\x{").append(Integer.toHexString(hi)).append('}');
            }
            foldExtras(lo, hi);
        }
    }

    /**
     * Under {@code (?i)}, appends to a class the members of the case-folding orbits that reach into {@code [lo, hi]}
     * (see {@link Orbits}).
     */
    private void foldExtras(int lo, int hi) {
        if ((flags & CASE_FOLD) != 0) {
            out.append(foldedInto(cp -> cp >= lo && cp <= hi));
        }
    }

    /** Appends an ASCII set ({@code a-z0-9_}, a POSIX class's ranges) with, under {@code (?i)}, its fold extras. */
    private void asciiSet(String set) {
        out.append(set);
        if (set.contains("A-Z") || set.contains("a-z")) {
            foldExtras('A', 'Z');
            foldExtras('a', 'z');
        }
    }

    /**
     * Reads one character (literal, or an escape that stands for one character, as RE2's {@code parseClassChar}; also
     * used for such escapes outside classes) and returns its code point.
     */
    private int classChar() throws RegexException {
        int n = re.length();
        if (i >= n) {
            throw error("missing closing ]");
        }
        char c = re.charAt(i);
        if (c != '\\') {
            int cp = re.codePointAt(i);
            i += Character.charCount(cp);
            return cp;
        }
        if (i + 1 >= n) {
            throw error("trailing backslash at end of expression");
        }
        char d = re.charAt(i + 1);
        switch (d) {
            case 'a': i += 2; return 0x07;
            case 'f': i += 2; return '\f';
            case 'n': i += 2; return '\n';
            case 'r': i += 2; return '\r';
            case 't': i += 2; return '\t';
            case 'v': i += 2; return 0x0B;
            case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
                int j = i + 1;
                int value = 0;
                while (j < n && j < i + 4 && re.charAt(j) >= '0' && re.charAt(j) <= '7') {
                    value = value * 8 + (re.charAt(j) - '0');
                    j++;
                }
                if (d != '0' && j == i + 2) {
                    throw error("invalid escape sequence: `\\" + d + "`");
                }
                i = j;
                return value;
            }
            case 'x': {
                Matcher hex = HEX.matcher(re).region(i, n);
                if (!hex.lookingAt()) {
                    throw error("invalid escape sequence: `" + re.substring(i, Math.min(n, i + 4)) + "`");
                }
                String digits = hex.group(1) != null ? hex.group(1) : hex.group(2);
                String significant = digits.replaceFirst("^0+(?=.)", ""); // RE2 allows leading zeros
                if (significant.length() > 8 || Long.parseLong(significant, 16) > Character.MAX_CODE_POINT) {
                    throw error("invalid escape sequence: `" + hex.group() + "`");
                }
                i = hex.end();
                return Integer.parseInt(significant, 16);
            }
            default:
                if (d < 0x80 && !Character.isLetterOrDigit(d)) {
                    i += 2;
                    return d;
                }
                throw error("invalid escape sequence: `\\" + d + "`");
        }
    }

    private void escape(boolean inClass) throws RegexException {
        int n = re.length();
        if (i + 1 >= n) {
            throw error("trailing backslash at end of expression");
        }
        char d = re.charAt(i + 1);
        switch (d) {
            case 'Q': {
                int end = re.indexOf("\\E", i + 2);
                if (end < 0 && anchored) {
                    throw error("missing closing ) (\\Q without \\E quotes the end of PromQL's ^(?:...)$)");
                }
                String text = re.substring(i + 2, end < 0 ? n : end);
                literal(text);
                if ((flags & CASE_FOLD) != 0) {
                    text.codePoints().forEach(cp -> appendLiteral(cp, "\\x{" + Integer.toHexString(cp) + "}"));
                } else if (!text.isEmpty()) {
                    out.append(Pattern.quote(text));
                }
                i = end < 0 ? n : end + 2;
                return;
            }
            case 'p':
            case 'P':
                unicodeClass(inClass, d == 'P');
                return;
            case 's':
                notLiteral();
                out.append(inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]");
                i += 2;
                return;
            case 'S':
                notLiteral();
                out.append("[^\\t\\n\\f\\r ]");
                i += 2;
                return;
            case 'd': case 'D': case 'w': case 'W': {
                // explicit ASCII ranges, which Java case-folds under (?i) as RE2 folds \w (Java's own \w it does not)
                notLiteral();
                String set = d == 'd' || d == 'D' ? "0-9" : WORD;
                boolean negatedClass = d == 'D' || d == 'W';
                boolean bare = inClass && !negatedClass;
                out.append(bare ? "" : negatedClass ? "[^" : "[");
                asciiSet(set);
                out.append(bare ? "" : "]");
                i += 2;
                return;
            }
            case 'b': case 'B': case 'A': case 'z':
                if (inClass) {
                    throw error("invalid escape sequence: `\\" + d + "`");
                }
                notLiteral();
                if (d == 'b' || d == 'B') {
                    out.append(d == 'b' ? WORD_BOUNDARY : NOT_WORD_BOUNDARY);
                } else {
                    out.append('\\').append(d);
                }
                i += 2;
                return;
            default: {
                // a single character: a control escape, octal, hex, or escaped punctuation
                int cp = classChar();
                literal(new String(Character.toChars(cp)));
                appendLiteral(cp, "\\x{" + Integer.toHexString(cp) + "}");
                return;
            }
        }
    }

    private void unicodeClass(boolean inClass, boolean negated) throws RegexException {
        notLiteral();
        int n = re.length();
        int start = i;
        i += 2;
        String name;
        if (i < n && re.charAt(i) == '{') {
            int end = re.indexOf('}', i);
            if (end < 0) {
                throw error("invalid character class range: `" + re.substring(start) + "`");
            }
            name = re.substring(i + 1, end);
            i = end + 1;
        } else if (i < n) {
            name = re.substring(i, i + 1);
            i++;
        } else {
            throw error("invalid character class range: `" + re.substring(start) + "`");
        }
        if (name.startsWith("^")) {
            negated = !negated;
            name = name.substring(1);
        }
        if (name.isEmpty() || !name.chars().allMatch(ch -> ch == '_' || (ch < 0x80 && Character.isLetter(ch)))) {
            throw error("invalid character class range: `" + re.substring(start, i) + "`");
        }
        if (name.equals("Any")) {
            String any = "\\x{0}-\\x{10FFFF}";
            if (negated) {
                out.append("[^").append(any).append(']');
            } else {
                out.append(inClass ? any : "[" + any + "]");
            }
            return;
        }
        if (!CATEGORIES.contains(name) && !isGoScriptName(name)) {
            throw error("invalid character class range: `" + re.substring(start, i) + "`");
        }
        // Go's C is Cc, Cf, Co and Cs; Java's also holds the unassigned code points (Cn)
        String set = name.equals("C") ? "\\p{IsCc}\\p{IsCf}\\p{IsCo}\\p{IsCs}" : "\\p{Is" + name + "}";
        if ((flags & CASE_FOLD) != 0) {
            set += foldedInto(set); // RE2 adds every character that folds into the class, then negates
        }
        if (name.equals("C") || (flags & CASE_FOLD) != 0) {
            out.append(negated ? "[^" + set + "]" : inClass ? set : "[" + set + "]");
            return;
        }
        out.append(negated ? "\\P{Is" : "\\p{Is").append(name).append('}');
    }

    /**
     * The characters outside a set that fold into it (the other members of the case-folding orbits that reach into
     * it), as class text.
     */
    private static String foldedInto(java.util.function.IntPredicate in) {
        StringBuilder extras = new StringBuilder();
        for (int[] orbit : Orbits.ALL) {
            if (java.util.Arrays.stream(orbit).anyMatch(in)) {
                for (int cp : orbit) {
                    if (!in.test(cp)) {
                        extras.append("\\x{").append(Integer.toHexString(cp)).append('}');
                    }
                }
            }
        }
        return extras.toString();
    }

    /** The characters outside the Java class {@code [set]} that fold into it, as class text. */
    private static String foldedInto(String set) {
        Matcher m = Pattern.compile("[" + set + "]").matcher("");
        return foldedInto(cp -> m.reset(new String(Character.toChars(cp))).matches());
    }

    /**
     * Whether {@code name} is a script as Go's {@code unicode.Scripts} names it: exactly ({@code Greek},
     * {@code Old_Italic}, {@code SignWriting}), not Java's aliases ({@code Grek}), other cases ({@code greek}) or
     * {@code Unknown}.
     */
    private static boolean isGoScriptName(String name) {
        Character.UnicodeScript script;
        try {
            script = Character.UnicodeScript.forName(name);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (script == Character.UnicodeScript.UNKNOWN) {
            return false;
        }
        if (script == Character.UnicodeScript.SIGNWRITING) {
            return name.equals("SignWriting");
        }
        StringBuilder go = new StringBuilder();
        for (String part : script.name().split("_", -1)) {
            if (go.length() > 0) {
                go.append('_');
            }
            go.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return name.equals(go.toString());
    }
}
