package dev.tocsin.core.internal.template;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Go's {@code time.Time.Format} for a UTC time with millisecond precision (what Prometheus' {@code toTime} gives): the
 * reference-time layout ({@code "2006-01-02 15:04:05.000 MST"}), element by element as Go's {@code nextStdChunk}
 * reads it.
 */
final class GoTimeLayout {

    private static final String[] LONG_MONTHS = {"January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"};
    private static final String[] LONG_DAYS = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
        "Saturday"};

    private GoTimeLayout() {
    }

    /** The name of a month, 1 to 12, as Go's {@code time.Month.String}. */
    static String month(int m) {
        return LONG_MONTHS[m - 1];
    }

    /** The name of a day of the week, 0 (Sunday) to 6, as Go's {@code time.Weekday.String}. */
    static String weekday(int d) {
        return LONG_DAYS[d];
    }

    /** Go's weekday number (Sunday 0) of {@code t}. */
    static int weekdayOf(ZonedDateTime t) {
        return t.getDayOfWeek().getValue() % 7;
    }

    /** Formats {@code epochMillis} (UTC) with the Go layout {@code layout}. */
    static String format(long epochMillis, String layout) {
        ZonedDateTime t = Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC);
        int nanos = t.getNano();
        StringBuilder b = new StringBuilder(layout.length() + 10);
        int i = 0;
        int n = layout.length();
        while (i < n) {
            char c = layout.charAt(i);
            int used = 0;
            switch (c) {
                case 'J':
                    if (layout.startsWith("January", i)) {
                        b.append(month(t.getMonthValue()));
                        used = 7;
                    } else if (layout.startsWith("Jan", i) && !startsWithLower(layout, i + 3)) {
                        b.append(month(t.getMonthValue()), 0, 3);
                        used = 3;
                    }
                    break;
                case 'M':
                    if (layout.startsWith("Monday", i)) {
                        b.append(weekday(weekdayOf(t)));
                        used = 6;
                    } else if (layout.startsWith("Mon", i) && !startsWithLower(layout, i + 3)) {
                        b.append(weekday(weekdayOf(t)), 0, 3);
                        used = 3;
                    } else if (layout.startsWith("MST", i)) {
                        b.append("UTC");
                        used = 3;
                    }
                    break;
                case '0':
                    if (i + 1 < n && layout.charAt(i + 1) >= '1' && layout.charAt(i + 1) <= '6') {
                        switch (layout.charAt(i + 1)) {
                            case '1': pad(b, t.getMonthValue(), 2); break;
                            case '2': pad(b, t.getDayOfMonth(), 2); break;
                            case '3': pad(b, hour12(t.getHour()), 2); break;
                            case '4': pad(b, t.getMinute(), 2); break;
                            case '5': pad(b, t.getSecond(), 2); break;
                            default: pad(b, Math.floorMod(t.getYear(), 100), 2); break; // 06
                        }
                        used = 2;
                    } else if (layout.startsWith("002", i)) {
                        pad(b, t.getDayOfYear(), 3);
                        used = 3;
                    }
                    break;
                case '1':
                    if (i + 1 < n && layout.charAt(i + 1) == '5') {
                        pad(b, t.getHour(), 2);
                        used = 2;
                    } else {
                        b.append(t.getMonthValue());
                        used = 1;
                    }
                    break;
                case '2':
                    if (layout.startsWith("2006", i)) {
                        year(b, t.getYear());
                        used = 4;
                    } else {
                        b.append(t.getDayOfMonth());
                        used = 1;
                    }
                    break;
                case '_':
                    if (i + 1 < n && layout.charAt(i + 1) == '2') {
                        if (layout.startsWith("2006", i + 1)) {
                            b.append('_'); // "_2006" is a literal '_' and the year
                            year(b, t.getYear());
                            used = 5;
                        } else {
                            int d = t.getDayOfMonth();
                            b.append(d < 10 ? " " : "").append(d);
                            used = 2;
                        }
                    } else if (layout.startsWith("__2", i)) {
                        String d = Integer.toString(t.getDayOfYear());
                        b.append(" ".repeat(3 - d.length())).append(d);
                        used = 3;
                    }
                    break;
                case '3':
                    b.append(hour12(t.getHour()));
                    used = 1;
                    break;
                case '4':
                    b.append(t.getMinute());
                    used = 1;
                    break;
                case '5':
                    b.append(t.getSecond());
                    used = 1;
                    break;
                case 'P':
                    if (i + 1 < n && layout.charAt(i + 1) == 'M') {
                        b.append(t.getHour() >= 12 ? "PM" : "AM");
                        used = 2;
                    }
                    break;
                case 'p':
                    if (i + 1 < n && layout.charAt(i + 1) == 'm') {
                        b.append(t.getHour() >= 12 ? "pm" : "am");
                        used = 2;
                    }
                    break;
                case '-':
                    used = zone(b, layout, i, false);
                    break;
                case 'Z':
                    used = zone(b, layout, i, true);
                    break;
                case '.':
                case ',':
                    if (i + 1 < n && (layout.charAt(i + 1) == '0' || layout.charAt(i + 1) == '9')) {
                        char d = layout.charAt(i + 1);
                        int j = i + 1;
                        while (j < n && layout.charAt(j) == d) {
                            j++;
                        }
                        if (j >= n || !Character.isDigit(layout.charAt(j))) { // only digits of one kind
                            fraction(b, c, nanos, j - i - 1, d == '9');
                            used = j - i;
                        }
                    }
                    break;
                default:
                    break;
            }
            if (used == 0) {
                b.append(c);
                i++;
            } else {
                i += used;
            }
        }
        return b.toString();
    }

    private static boolean startsWithLower(String s, int at) {
        return at < s.length() && s.charAt(at) >= 'a' && s.charAt(at) <= 'z';
    }

    private static int hour12(int h) {
        int r = h % 12;
        return r == 0 ? 12 : r;
    }

    private static void year(StringBuilder b, int y) {
        if (y < 0) {
            b.append('-');
            y = -y;
        }
        pad(b, y, 4);
    }

    private static void pad(StringBuilder b, int v, int width) {
        String s = Integer.toString(v);
        for (int k = s.length(); k < width; k++) {
            b.append('0');
        }
        b.append(s);
    }

    /** A zone element at {@code i} ("-0700", "Z07:00", ...) for UTC; returns its length, 0 when none is there. */
    private static int zone(StringBuilder b, String layout, int i, boolean z) {
        String[] forms = {"070000", "07:00:00", "0700", "07:00", "07"};
        String[] utc = {"+000000", "+00:00:00", "+0000", "+00:00", "+00"};
        for (int k = 0; k < forms.length; k++) {
            if (layout.startsWith(forms[k], i + 1)) {
                b.append(z ? "Z" : utc[k]); // ISO 8601 forms give Z for UTC
                return forms[k].length() + 1;
            }
        }
        return 0;
    }

    /** A fractional second of {@code digits} digits; with {@code trim}, trailing zeros (and a zero fraction) dropped. */
    private static void fraction(StringBuilder b, char separator, int nanos, int digits, boolean trim) {
        String all = String.format("%09d", nanos).substring(0, Math.min(9, digits));
        if (trim) {
            int end = all.length();
            while (end > 0 && all.charAt(end - 1) == '0') {
                end--;
            }
            if (end == 0) {
                return;
            }
            all = all.substring(0, end);
        } else if (digits > 9) {
            all = all + "0".repeat(digits - 9);
        }
        b.append(separator).append(all);
    }
}
