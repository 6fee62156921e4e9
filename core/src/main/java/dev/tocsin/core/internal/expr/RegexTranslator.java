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

        RegexException(String message) {
            super(message);
        }
    }

    private static final int MAX_REPEAT = 1000;
    private static final int MAX_DEPTH = 1000;
    private static final Map<String, String> POSIX = Map.ofEntries(
            Map.entry("alnum", "\\p{Alnum}"), Map.entry("alpha", "\\p{Alpha}"), Map.entry("ascii", "\\p{ASCII}"),
            Map.entry("blank", "\\p{Blank}"), Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("digit", "\\p{Digit}"),
            Map.entry("graph", "\\p{Graph}"), Map.entry("lower", "\\p{Lower}"), Map.entry("print", "\\p{Print}"),
            Map.entry("punct", "\\p{Punct}"), Map.entry("space", "\\s\\x0B"), Map.entry("upper", "\\p{Upper}"),
            Map.entry("word", "\\w"), Map.entry("xdigit", "\\p{XDigit}"));
    private static final Pattern HEX = Pattern.compile("\\\\x(?:\\{([0-9a-fA-F]+)\\}|([0-9a-fA-F]{2}))");
    private static final Set<String> CATEGORIES = Set.of("C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt",
            "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S",
            "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs");
    private static final Pattern REPEAT = Pattern.compile("\\{(\\d+)(,(\\d*))?\\}");

    private final String re;
    private final StringBuilder out = new StringBuilder();
    private int i;
    private int depth;
    private boolean multiline;
    /** Whether the previous item can take a repetition operator (RE2: "missing argument to repetition"). */
    private boolean canRepeat;
    /** Literal alternatives while the pattern is nothing but literals and top-level '|'; null once it is not. */
    private List<String> literals = new ArrayList<>();
    private StringBuilder current = new StringBuilder();

    private RegexTranslator(String re) {
        this.re = re;
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
        RegexTranslator t = new RegexTranslator(re);
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
        ThreadLocal<Matcher> matchers = ThreadLocal.withInitial(() -> p.matcher(""));
        return v -> matchers.get().reset(v).matches();
    }

    /** Returns the Java translation of an RE2 pattern (for tests and documentation). */
    static String translate(String re) throws RegexException {
        return new RegexTranslator(re).translate();
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
                    escape(false);
                    canRepeat = true;
                    break;
                case '[':
                    charClass();
                    canRepeat = true;
                    break;
                case '(':
                    group();
                    break;
                case ')':
                    notLiteral();
                    if (depth == 0) {
                        throw error("unexpected )");
                    }
                    depth--;
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
                    notLiteral();
                    out.append(multiline ? "$" : "\\z");
                    i++;
                    break;
                case '|':
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
                case '.':
                case '^':
                    notLiteral();
                    out.append(c);
                    i++;
                    canRepeat = true;
                    break;
                default:
                    literal(String.valueOf(c));
                    out.append(c);
                    i++;
                    canRepeat = true;
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
        out.append(m.group());
        i = m.end();
        afterRepetition(m.group());
    }

    private static long parseCount(String digits) {
        return digits.length() > 5 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    private void group() throws RegexException {
        notLiteral();
        if (++depth > MAX_DEPTH) {
            throw error("expression nests too deeply");
        }
        canRepeat = false;
        if (!re.startsWith("(?", i)) {
            out.append('(');
            i++;
            return;
        }
        if (re.startsWith("(?P<", i)) {
            int end = re.indexOf('>', i + 4);
            String name = end < 0 ? "" : re.substring(i + 4, end);
            if (name.isEmpty() || !name.chars().allMatch(ch -> ch == '_' || Character.isLetterOrDigit(ch))) {
                throw error("invalid named capture: `" + re.substring(i, end < 0 ? re.length() : end + 1) + "`");
            }
            out.append('(');
            i = end + 1;
            return;
        }
        // Flags: (?flags) or (?flags:re), flags from i, m, s and one '-'.
        int j = i + 2;
        StringBuilder flags = new StringBuilder();
        boolean negated = false;
        boolean any = false;
        while (j < re.length()) {
            char f = re.charAt(j);
            if (f == 'i' || f == 'm' || f == 's') {
                flags.append(f);
                if (f == 'i') {
                    flags.append('u');
                }
                if (f == 'm' && !negated) {
                    multiline = true;
                }
                any = true;
            } else if (f == 'U') {
                throw error("the ungreedy flag (?U) is not supported (Java has no equivalent)");
            } else if (f == '-' && !negated) {
                negated = true;
                any = false;
                flags.append('-');
            } else if (f == ':' || f == ')') {
                if (negated && !any || (f == ')' && flags.length() == 0)) {
                    throw error("missing argument to repetition operator or invalid flags: `"
                            + re.substring(i, j + 1) + "`");
                }
                out.append("(?").append(flags).append(f);
                if (f == ')') {
                    depth--;
                    canRepeat = false;
                }
                i = j + 1;
                return;
            } else {
                break;
            }
            j++;
        }
        throw error("invalid or unsupported Perl syntax: `" + re.substring(i, Math.min(re.length(), j + 1)) + "`");
    }

    private void charClass() throws RegexException {
        notLiteral();
        int n = re.length();
        out.append('[');
        i++;
        if (i < n && re.charAt(i) == '^') {
            out.append('^');
            i++;
        }
        int prev = -1;
        if (i < n && re.charAt(i) == ']') {
            out.append("\\]");
            i++;
            prev = ']';
        }
        while (true) {
            if (i >= n) {
                throw error("missing closing ]");
            }
            char c = re.charAt(i);
            if (c == ']') {
                out.append(']');
                i++;
                return;
            }
            if (c == '[' && re.startsWith("[:", i)) {
                int end = re.indexOf(":]", i + 2);
                if (end > 0) {
                    String name = re.substring(i + 2, end);
                    boolean neg = name.startsWith("^");
                    String java = POSIX.get(neg ? name.substring(1) : name);
                    if (java == null) {
                        throw error("invalid character class range: `" + re.substring(i, end + 2) + "`");
                    }
                    out.append(neg ? "[^" + java + "]" : java);
                    i = end + 2;
                    continue;
                }
            }
            if (c == '\\') {
                escape(true);
                prev = -1;
            } else if (c == '[' || c == '&') {
                out.append('\\').append(c);
                i++;
                prev = c;
            } else {
                if (c == '-' && prev >= 0 && i + 1 < n && re.charAt(i + 1) != ']' && re.charAt(i + 1) != '\\'
                        && re.charAt(i + 1) != '[' && re.charAt(i + 1) < prev) {
                    throw error("invalid character class range: `" + re.substring(i - 1, i + 2) + "`");
                }
                out.append(c);
                i++;
                prev = c == '-' ? -1 : c;
            }
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
                String text = re.substring(i + 2, end < 0 ? n : end);
                literal(text);
                if (!text.isEmpty()) {
                    out.append(Pattern.quote(text));
                }
                i = end < 0 ? n : end + 2;
                return;
            }
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
                literal(new String(Character.toChars(value)));
                out.append("\\x{").append(Integer.toHexString(value)).append('}');
                i = j;
                return;
            }
            case 'p':
            case 'P':
                unicodeClass(inClass, d == 'P');
                return;
            case 'v':
                literal("\u000B");
                out.append("\\x0B");
                i += 2;
                return;
            case 'a':
                literal("\u0007");
                out.append("\\a");
                i += 2;
                return;
            case 'f':
                literal("\f");
                out.append("\\f");
                i += 2;
                return;
            case 't':
                literal("\t");
                out.append("\\t");
                i += 2;
                return;
            case 'n':
                literal("\n");
                out.append("\\n");
                i += 2;
                return;
            case 'r':
                literal("\r");
                out.append("\\r");
                i += 2;
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
            case 'x': {
                Matcher hex = HEX.matcher(re).region(i, n);
                if (!hex.lookingAt()) {
                    throw error("invalid escape sequence: `" + re.substring(i, Math.min(n, i + 4)) + "`");
                }
                String digits = hex.group(1) != null ? hex.group(1) : hex.group(2);
                if (digits.length() > 8 || Long.parseLong(digits, 16) > Character.MAX_CODE_POINT) {
                    throw error("invalid escape sequence: `" + hex.group() + "`");
                }
                notLiteral();
                out.append("\\x{").append(digits).append('}');
                i = hex.end();
                return;
            }
            case 'd': case 'D': case 'w': case 'W':
                notLiteral();
                out.append('\\').append(d);
                i += 2;
                return;
            case 'b': case 'B': case 'A': case 'z':
                if (inClass) {
                    throw error("invalid escape sequence: `\\" + d + "`");
                }
                notLiteral();
                out.append('\\').append(d);
                i += 2;
                return;
            default:
                if (d < 0x80 && !Character.isLetterOrDigit(d)) {
                    literal(String.valueOf(d));
                    out.append('\\').append(d);
                    i += 2;
                    return;
                }
                throw error("invalid escape sequence: `\\" + d + "`");
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
        if (!CATEGORIES.contains(name)) {
            try {
                Character.UnicodeScript.forName(name);
            } catch (IllegalArgumentException e) {
                throw error("invalid character class range: `" + re.substring(start, i) + "`");
            }
        }
        out.append(negated ? "\\P{Is" : "\\p{Is").append(name).append('}');
    }
}
