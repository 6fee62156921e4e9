package dev.tocsin.core.internal.template;

import java.util.List;
import java.util.regex.Matcher;

/**
 * Go's {@code Regexp.Expand}, shared by PromQL's {@code label_replace} and the templates' {@code reReplaceAll}:
 * {@code $1}, {@code ${1}}, {@code $name}, {@code ${name}}, {@code $$}. A {@code $name} takes the longest run of
 * letters, digits and underscores; a number with a leading zero or of more than eight digits is a name; a group that
 * does not exist or did not take part in the match expands to nothing; a name used by several groups stands for the
 * first of them that took part in the match; a malformed reference leaves its {@code $} as text.
 */
public final class GoExpand {

    private GoExpand() {
    }

    /**
     * Appends {@code template} expanded with the groups of {@code m}'s current match to {@code dst}.
     *
     * @param dst where the expansion goes
     * @param template the replacement template ({@code $1}, {@code ${name}}, ...)
     * @param m a matcher positioned on a match
     * @param names the capture groups' names by number ({@code ""} when unnamed; index 0 unused)
     */
    public static void expand(StringBuilder dst, String template, Matcher m, List<String> names) {
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
                // the first group of that name that took part in the match (RE2 allows a name on several groups)
                for (int g = 1; g < names.size() && g <= m.groupCount(); g++) {
                    if (names.get(g).equals(name) && m.start(g) >= 0) {
                        dst.append(m.group(g));
                        break;
                    }
                }
            }
        }
        dst.append(t);
    }
}
