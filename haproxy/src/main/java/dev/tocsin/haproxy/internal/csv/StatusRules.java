package dev.tocsin.haproxy.internal.csv;

import dev.tocsin.haproxy.StatusMapping;

/** HAProxy status strings to 0/1 ({@code *_up}) and to one-hot states ({@code *_status}). */
final class StatusRules {

    /** State indexes into {@link Columns#STATES}; {@link #NO_STATE} when the string is none of them. */
    static final int UP = 0;
    static final int DOWN = 1;
    static final int MAINT = 2;
    static final int DRAIN = 3;
    static final int NOLB = 4;
    static final int NO_STATE = -1;

    private StatusRules() {
    }

    /**
     * Returns the {@code haproxy_backend_up}/{@code haproxy_server_up} value of a status string.
     *
     * @param mapping the mode
     * @param s the status column, as HAProxy printed it
     * @return 1 or 0
     */
    static int up(StatusMapping mapping, String s) {
        if (mapping == StatusMapping.EXPORTER_STRICT) {
            switch (s) {
                case "UP": case "OPEN": case "no check": case "DRAIN": case "UP 1/3": case "UP 2/3":
                    return 1;
                default:
                    return 0;
            }
        }
        if (s.equals("OPEN") || s.equals("no check")) {
            return 1;
        }
        return wordWithSuffix(s, "UP") || wordWithSuffix(s, "DRAIN") ? 1 : 0;
    }

    /**
     * Returns the one-hot state of a status string: its first word when that is UP, DOWN, MAINT, DRAIN or NOLB
     * (followed by nothing or by a suffix such as {@code " 1/2"}, {@code " (via b/s)"}); {@code no check} is UP.
     */
    static int state(String s) {
        if (s.equals("no check") || wordWithSuffix(s, "UP")) {
            return UP;
        }
        if (wordWithSuffix(s, "DOWN")) {
            return DOWN;
        }
        if (wordWithSuffix(s, "MAINT")) {
            return MAINT;
        }
        if (wordWithSuffix(s, "DRAIN")) {
            return DRAIN;
        }
        if (wordWithSuffix(s, "NOLB")) {
            return NOLB;
        }
        return NO_STATE;
    }

    /** {@code s} is {@code word}, or {@code word} + space + a digit or '(' and more (e.g. "UP 1/2", "UP (UNPUB)"). */
    private static boolean wordWithSuffix(String s, String word) {
        if (!s.startsWith(word)) {
            return false;
        }
        int n = word.length();
        if (s.length() == n) {
            return true;
        }
        if (s.length() < n + 2 || s.charAt(n) != ' ') {
            return false;
        }
        char c = s.charAt(n + 1);
        return (c >= '0' && c <= '9') || c == '(';
    }
}
