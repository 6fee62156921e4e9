package dev.tocsin.core.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Takes credentials out of text a server sent back (an error body, the first line of a page that should have been
 * CSV) before it goes into a log line or an exception message: a server may echo what it received.
 */
public final class Redaction {

    /** What replaces a credential. */
    public static final String REDACTED = "<redacted>";

    /**
     * A credential-like word after Basic or Bearer (the separating spaces possibly URL-encoded), but not an ordinary
     * word ("basic authentication", "Basic Authentication"): at least 8 characters with a digit, an upper-case letter
     * or one of {@code + / = %} after the first character.
     */
    private static final Pattern AFTER_SCHEME = Pattern.compile("\\b((?i:basic|bearer))(\\s|%20|\\+)+"
            + "(?=[A-Za-z0-9+/=._~%-]{8,})(?=[A-Za-z0-9+/=._~%-][a-z._~-]*[A-Z0-9+/=%])[A-Za-z0-9+/=._~%-]+");

    private Redaction() {
    }

    /**
     * Replaces every occurrence of each secret, in every form a server might echo it (as sent, URL-encoded,
     * percent-encoded, base64 without its padding, JSON-escaped as usual and as Go writes it, HTML-escaped), by
     * {@link #REDACTED}. Secrets shorter than three
     * characters are not looked for: they would redact ordinary words. One pass over the text, the longest form first
     * at each position: a marker put in is never searched again (a secret such as {@code act}, which is part of the
     * marker, is still replaced).
     */
    public static String secrets(String text, Iterable<String> secrets) {
        java.util.Map<Character, java.util.List<String>> byFirst = new java.util.HashMap<>();
        for (String secret : secrets) {
            if (secret.length() < 3) {
                continue;
            }
            String[] forms = {secret, URLEncoder.encode(secret, StandardCharsets.UTF_8), percentEncoded(secret),
                    secret.replaceAll("=+$", ""), jsonEscaped(secret, false, false),
                    jsonEscaped(secret, true, false), jsonEscaped(secret, false, true),
                    htmlEscaped(secret, "&#34;", "&#39;"), htmlEscaped(secret, "&quot;", "&#x27;")};
            for (String form : forms) {
                if (form.length() >= 3) {
                    java.util.List<String> l = byFirst.computeIfAbsent(form.charAt(0), k -> new java.util.ArrayList<>());
                    if (!l.contains(form)) {
                        l.add(form);
                    }
                }
            }
        }
        if (byFirst.isEmpty()) {
            return text;
        }
        byFirst.values().forEach(l -> l.sort((a, b) -> Integer.compare(b.length(), a.length())));
        StringBuilder sb = null;
        int last = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            java.util.List<String> candidates = byFirst.get(text.charAt(i));
            String hit = null;
            if (candidates != null) {
                for (String form : candidates) {
                    if (text.startsWith(form, i)) {
                        hit = form;
                        break;
                    }
                }
            }
            if (hit == null) {
                i++;
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(n);
            }
            sb.append(text, last, i).append(REDACTED);
            i += hit.length();
            last = i;
        }
        return sb == null ? text : sb.append(text, last, n).toString();
    }

    /** Replaces anything that looks like a credential after {@code Basic} or {@code Bearer} (see the pattern). */
    public static String credentialLike(String text) {
        return AFTER_SCHEME.matcher(text).replaceAll("$1 " + REDACTED);
    }

    /**
     * Returns {@code text} on one line (runs of whitespace and control characters as one space, trimmed), cut to at
     * most {@code max} characters with {@code ...} after a cut.
     */
    public static String oneLine(String text, int max) {
        StringBuilder sb = new StringBuilder(Math.min(text.length(), max));
        boolean space = false;
        for (int i = 0; i < text.length() && sb.length() < max; i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                space = sb.length() > 0;
                continue;
            }
            if (space) {
                sb.append(' ');
                space = false;
            }
            sb.append(c);
        }
        return text.length() > sb.length() && sb.length() >= max ? sb + "..." : sb.toString();
    }

    /** Every byte but letters and digits as %XX (as some servers echo what they received). */
    private static String percentEncoded(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')) {
                sb.append((char) b);
            } else {
                sb.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    /** As an HTML page shows it: {@code & < > " '} as entities ({@code quot} and {@code apos} as given). */
    private static String htmlEscaped(String s, String quot, String apos) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", quot)
                .replace("'", apos);
    }

    /**
     * As in a JSON string: {@code "} and {@code \} escaped, {@code /} as {@code \/} when {@code slash} (as some
     * encoders write it), control characters as {@code \n}, {@code \t}... or {@code \}{@code uXXXX}; with
     * {@code go}, as Go's {@code encoding/json} writes by default (Alertmanager is written in Go): also {@code <},
     * {@code >}, {@code &}, U+2028 and U+2029 as {@code \}{@code u00XX}, and only {@code \n \r \t} in short form.
     */
    private static String jsonEscaped(String s, boolean slash, boolean go) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (go && (c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029')) {
                sb.append(String.format("\\u%04x", (int) c));
            } else if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c == '/' && slash) {
                sb.append("\\/");
            } else if (c < 0x20) {
                int k = "\b\f\n\r\t".indexOf(c);
                sb.append(k >= (go ? 2 : 0) ? "\\" + "bfnrt".charAt(k) : String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
