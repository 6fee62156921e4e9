package dev.tocsin.core.internal.template;

import dev.tocsin.core.Labels;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The Go values a template works with, as Java objects: {@code String} (string), {@code Double} (float64),
 * {@code Long} (int), {@code Boolean} (bool), {@link Uint8} (uint8, a string's byte), {@link Labels}
 * (map[string]string), {@link AnyMap} (map[string]interface {}), {@link TemplateData} (the data struct),
 * {@link Html} (html/template.HTML), {@link GoTime} (*time.Time) and {@code null} (no value / nil).
 */
final class Values {

    static final String DATA_TYPE = "struct { Labels map[string]string; ExternalLabels map[string]string; "
            + "ExternalURL string; Value float64 }";

    private Values() {
    }

    /** A uint8 (what indexing a string yields). */
    record Uint8(int value) {
    }

    /** html/template.HTML, a string type. */
    record Html(String text) {
    }

    /** A *time.Time, in milliseconds since the epoch (Prometheus model time precision). */
    record GoTime(long epochMillis) {
        @Override
        public String toString() {
            ZonedDateTime t = Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC);
            StringBuilder sb = new StringBuilder(40);
            int y = t.getYear();
            if (y < 0) {
                sb.append('-');
                y = -y;
            }
            pad(sb, y, 4).append('-');
            pad(sb, t.getMonthValue(), 2).append('-');
            pad(sb, t.getDayOfMonth(), 2).append(' ');
            pad(sb, t.getHour(), 2).append(':');
            pad(sb, t.getMinute(), 2).append(':');
            pad(sb, t.getSecond(), 2);
            int nanos = t.getNano();
            if (nanos != 0) {
                String f = String.format("%09d", nanos);
                int end = f.length();
                while (f.charAt(end - 1) == '0') {
                    end--;
                }
                sb.append('.').append(f, 0, end);
            }
            return sb.append(" +0000 UTC").toString();
        }

        private static StringBuilder pad(StringBuilder sb, int v, int width) {
            String s = Integer.toString(v);
            for (int i = s.length(); i < width; i++) {
                sb.append('0');
            }
            return sb.append(s);
        }
    }

    /** Prometheus' {@code *template.sample}: one series of a {@code query} result. */
    record QuerySample(Labels labels, double value) {
    }

    /** Prometheus' {@code template.queryResult} ({@code []*sample}): what {@code query} returns. */
    record QueryResult(List<QuerySample> samples) {
    }

    /** A map[string]interface {} (what {@code args} returns), sorted by key. */
    record AnyMap(SortedMap<String, Object> map) {
    }

    /** Returns the Go type name of a value, as {@code reflect.Type.String()} prints it. */
    static String typeName(Object v) {
        if (v instanceof String) {
            return "string";
        } else if (v instanceof Double) {
            return "float64";
        } else if (v instanceof Long) {
            return "int";
        } else if (v instanceof Boolean) {
            return "bool";
        } else if (v instanceof Uint8) {
            return "uint8";
        } else if (v instanceof Labels) {
            return "map[string]string";
        } else if (v instanceof AnyMap) {
            return "map[string]interface {}";
        } else if (v instanceof TemplateData) {
            return DATA_TYPE;
        } else if (v instanceof Html) {
            return "template.HTML";
        } else if (v instanceof GoTime) {
            return "*time.Time";
        } else if (v instanceof QuerySample) {
            return "*template.sample";
        } else if (v instanceof QueryResult) {
            return "template.queryResult";
        }
        return "<nil>";
    }

    /** Whether the value's kind is string (string or template.HTML). */
    static boolean isStringKind(Object v) {
        return v instanceof String || v instanceof Html;
    }

    /** The string of a string-kind value. */
    static String str(Object v) {
        return v instanceof Html ? ((Html) v).text() : (String) v;
    }

    /** Go's template truth: non-zero numbers, non-empty strings and maps, true; nil is false. */
    static boolean truth(Object v) {
        if (v == null) {
            return false;
        } else if (v instanceof Boolean) {
            return (Boolean) v;
        } else if (v instanceof Double) {
            return (Double) v != 0;
        } else if (v instanceof Long) {
            return (Long) v != 0;
        } else if (v instanceof Uint8) {
            return ((Uint8) v).value() != 0;
        } else if (isStringKind(v)) {
            return !str(v).isEmpty();
        } else if (v instanceof Labels) {
            return !((Labels) v).isEmpty();
        } else if (v instanceof AnyMap) {
            return !((AnyMap) v).map().isEmpty();
        } else if (v instanceof QueryResult) {
            return !((QueryResult) v).samples().isEmpty();
        }
        return true; // structs and non-nil pointers
    }

    /** Length of a map in entries or of a string in UTF-8 bytes, or -1 when len does not apply. */
    static int len(Object v) {
        if (v instanceof Labels) {
            return ((Labels) v).size();
        } else if (v instanceof AnyMap) {
            return ((AnyMap) v).map().size();
        } else if (v instanceof QueryResult) {
            return ((QueryResult) v).samples().size();
        } else if (isStringKind(v)) {
            return utf8Length(str(v));
        }
        return -1;
    }

    static int utf8Length(CharSequence s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    static Map<String, ?> asMap(Object v) {
        return v instanceof Labels ? ((Labels) v).asMap() : ((AnyMap) v).map();
    }
}
