package dev.tocsin.core.internal;

/** Joins the lines of a text for one-line output, in one linear pass (no backtracking regular expression). */
public final class LineBreaks {

    private LineBreaks() {
    }

    /**
     * Returns {@code text} stripped, with every run of whitespace that holds a line break ({@code \n}, {@code \r},
     * vertical tab, form feed, {@code U+0085}, {@code U+2028}, {@code U+2029}) replaced by one space; whitespace
     * within a line is kept as it is.
     *
     * @param text the text
     * @return the text on one line
     */
    public static String join(String text) {
        String t = text.strip();
        StringBuilder sb = null;
        int n = t.length();
        int i = 0;
        while (i < n) {
            char c = t.charAt(i);
            if (!isSpace(c)) {
                if (sb != null) {
                    sb.append(c);
                }
                i++;
                continue;
            }
            int end = i;
            boolean lineBreak = false;
            while (end < n && isSpace(t.charAt(end))) {
                lineBreak |= isBreak(t.charAt(end));
                end++;
            }
            if (lineBreak) {
                if (sb == null) {
                    sb = new StringBuilder(n).append(t, 0, i);
                }
                sb.append(' ');
            } else if (sb != null) {
                sb.append(t, i, end);
            }
            i = end;
        }
        return sb == null ? t : sb.toString();
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || isBreak(c);
    }

    private static boolean isBreak(char c) {
        return c == '\n' || c == '\r' || c == '\u000B' || c == '\f' || c == '\u0085' || c == '\u2028'
                || c == '\u2029';
    }
}
