package dev.tocsin.core.internal.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Go RE2 regular expressions on top of java.util.regex: translates the syntax differences that matter for label
 * values ({@code (?P<name>...)}, POSIX classes, {@code $} = end of text), rejects Perl-only syntax RE2 refuses, and
 * implements Go's {@code ReplaceAllString} (with {@code $1}/{@code ${name}} expansion and Go's empty-match rule).
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

    private static final Map<String, String> POSIX = Map.ofEntries(
            Map.entry("alnum", "\\p{Alnum}"), Map.entry("alpha", "\\p{Alpha}"), Map.entry("ascii", "\\x00-\\x7F"),
            Map.entry("blank", "\\t "), Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("digit", "0-9"),
            Map.entry("graph", "\\p{Graph}"), Map.entry("lower", "a-z"), Map.entry("print", "\\p{Print}"),
            Map.entry("punct", "\\p{Punct}"), Map.entry("space", "\\t\\n\\x0B\\f\\r "), Map.entry("upper", "A-Z"),
            Map.entry("word", "0-9A-Za-z_"), Map.entry("xdigit", "0-9A-Fa-f"));

    private GoRegex() {
    }

    static Compiled compile(String src) throws RegexError {
        StringBuilder out = new StringBuilder(src.length() + 8);
        List<String> names = new ArrayList<>();
        names.add("");
        boolean multiline = src.contains("(?m") || src.matches("(?s).*\\(\\?[a-zA-Z]*m.*");
        boolean inClass = false;
        for (int i = 0; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == '\\') {
                if (i + 1 >= src.length()) {
                    throw new RegexError("error parsing regexp: trailing backslash at end of expression: ``");
                }
                char n = src.charAt(i + 1);
                if (n >= '1' && n <= '9' || n == 'Z' || n == 'k' || n == 'R' || n == 'h' || n == 'H' || n == 'X'
                        || n == 'G' || n == 'e' || n == 'c' || n == 'N') {
                    throw new RegexError("error parsing regexp: invalid escape sequence: `\\" + n + "`");
                }
                if (n == 'Q') {
                    int end = src.indexOf("\\E", i + 2);
                    end = end < 0 ? src.length() : end + 2;
                    out.append(src, i, end);
                    if (end == src.length() && !src.endsWith("\\E")) {
                        out.append("\\E");
                    }
                    i = end - 1;
                    continue;
                }
                out.append(c).append(n);
                i++;
                continue;
            }
            if (inClass) {
                if (c == '[' && src.startsWith("[:", i)) {
                    int end = src.indexOf(":]", i + 2);
                    if (end > 0) {
                        String name = src.substring(i + 2, end);
                        boolean neg = name.startsWith("^");
                        String cls = POSIX.get(neg ? name.substring(1) : name);
                        if (cls == null) {
                            throw new RegexError("error parsing regexp: invalid character class range: `"
                                    + src.substring(i, end + 2) + "`");
                        }
                        out.append(neg ? "&&[^" + cls + "]" : cls);
                        i = end + 1;
                        continue;
                    }
                }
                if (c == '[') {
                    out.append("\\[");
                    continue;
                }
                if (c == '&' && i + 1 < src.length() && src.charAt(i + 1) == '&') {
                    out.append("&\\&");
                    i++;
                    continue;
                }
                if (c == ']') {
                    inClass = false;
                }
                out.append(c);
                continue;
            }
            switch (c) {
                case '[':
                    inClass = true;
                    out.append(c);
                    if (i + 1 < src.length() && src.charAt(i + 1) == '^') {
                        out.append('^');
                        i++;
                    }
                    if (i + 1 < src.length() && src.charAt(i + 1) == ']') {
                        out.append("\\]");
                        i++;
                    }
                    break;
                case '(':
                    if (src.startsWith("(?P<", i) || (src.startsWith("(?<", i) && !src.startsWith("(?<=", i)
                            && !src.startsWith("(?<!", i))) {
                        int start = src.indexOf('<', i) + 1;
                        int end = src.indexOf('>', start);
                        if (end < 0) {
                            throw new RegexError("error parsing regexp: invalid named capture: `"
                                    + src.substring(i) + "`");
                        }
                        String name = src.substring(start, end);
                        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                            throw new RegexError("error parsing regexp: invalid named capture: `"
                                    + src.substring(i, end + 1) + "`");
                        }
                        names.add(name);
                        out.append('(');
                        i = end;
                    } else if (src.startsWith("(?", i)) {
                        int k = i + 2;
                        while (k < src.length() && Character.isLetter(src.charAt(k)) || k < src.length()
                                && src.charAt(k) == '-') {
                            k++;
                        }
                        if (k >= src.length() || (src.charAt(k) != ':' && src.charAt(k) != ')')) {
                            throw new RegexError("error parsing regexp: invalid or unsupported Perl syntax: `"
                                    + src.substring(i, Math.min(src.length(), k + 1)) + "`");
                        }
                        for (int f = i + 2; f < k; f++) {
                            if ("imsU-".indexOf(src.charAt(f)) < 0) {
                                throw new RegexError("error parsing regexp: invalid or unsupported Perl syntax: `"
                                        + src.substring(i, k + 1) + "`");
                            }
                        }
                        out.append(src.substring(i, k + 1).replace("U", ""));
                        i = k;
                    } else {
                        names.add("");
                        out.append(c);
                    }
                    break;
                case '$':
                    out.append(multiline ? "$" : "\\z");
                    break;
                case '*': case '+': case '?':
                    if (i + 1 < src.length() && "*+".indexOf(src.charAt(i + 1)) >= 0) {
                        throw new RegexError("error parsing regexp: invalid nested repetition operator: `"
                                + src.substring(i, i + 2) + "`");
                    }
                    out.append(c);
                    break;
                default:
                    out.append(c);
            }
        }
        try {
            return new Compiled(src, Pattern.compile(out.toString(), Pattern.UNIX_LINES), names);
        } catch (PatternSyntaxException e) {
            throw new RegexError("error parsing regexp: " + goCode(e.getDescription(), src));
        } catch (RuntimeException e) {
            throw new RegexError("error parsing regexp: invalid regular expression: `" + src + "`");
        }
    }

    private static String goCode(String javaDescription, String src) {
        String d = javaDescription == null ? "" : javaDescription;
        if (d.startsWith("Unclosed group")) {
            return "missing closing ): `" + src + "`";
        } else if (d.startsWith("Unmatched closing")) {
            return "unexpected ): `" + src + "`";
        } else if (d.startsWith("Dangling meta character")) {
            int q = d.indexOf('\'');
            return "missing argument to repetition operator: `" + (q >= 0 ? d.substring(q + 1, q + 2) : "") + "`";
        } else if (d.startsWith("Unclosed character class")) {
            int b = src.lastIndexOf('[');
            return "missing closing ]: `" + (b >= 0 ? src.substring(b) : src) + "`";
        } else if (d.startsWith("Illegal character range")) {
            return "invalid character class range: `" + src + "`";
        } else if (d.startsWith("Illegal repetition")) {
            return "invalid repeat count: `" + src + "`";
        }
        return d.toLowerCase(java.util.Locale.ROOT) + ": `" + src + "`";
    }

    /** regexp.MatchString semantics (unanchored search). */
    static boolean find(Compiled re, String s) {
        return re.pattern().matcher(s).find();
    }

    /** Go's Regexp.ReplaceAllString. */
    static String replaceAll(Compiled re, String src, String repl) {
        Matcher m = re.pattern().matcher(src);
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
                expand(sb, repl, m, re.groupNames());
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

    private static void expand(StringBuilder dst, String template, Matcher m, List<String> names) {
        String t = template;
        while (!t.isEmpty()) {
            int d = t.indexOf('$');
            if (d < 0) {
                break;
            }
            dst.append(t, 0, d);
            t = t.substring(d + 1);
            if (!t.isEmpty() && t.charAt(0) == '$') {
                dst.append('$');
                t = t.substring(1);
                continue;
            }
            // extract
            String str = t;
            boolean brace = false;
            if (!str.isEmpty() && str.charAt(0) == '{') {
                brace = true;
                str = str.substring(1);
            }
            int i = 0;
            while (i < str.length()) {
                int r = str.codePointAt(i);
                if (!Character.isLetter(r) && !Character.isDigit(r) && r != '_') {
                    break;
                }
                i += Character.charCount(r);
            }
            if (i == 0 || (brace && (i >= str.length() || str.charAt(i) != '}'))) {
                dst.append('$');
                continue;
            }
            String name = str.substring(0, i);
            if (brace) {
                i++;
            }
            int num = 0;
            for (int k = 0; k < name.length(); k++) {
                char c = name.charAt(k);
                if (c < '0' || c > '9' || num >= 100_000_000) {
                    num = -1;
                    break;
                }
                num = num * 10 + (c - '0');
            }
            if (name.charAt(0) == '0' && name.length() > 1) {
                num = -1;
            }
            t = str.substring(i);
            if (num >= 0) {
                if (num <= m.groupCount() && m.start(num) >= 0) {
                    dst.append(m.group(num));
                }
            } else {
                for (int g = 1; g < names.size() && g <= m.groupCount(); g++) {
                    if (names.get(g).equals(name)) {
                        if (m.start(g) >= 0) {
                            dst.append(m.group(g));
                        }
                        break;
                    }
                }
            }
        }
        dst.append(t);
    }
}
