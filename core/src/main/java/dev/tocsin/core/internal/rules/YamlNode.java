package dev.tocsin.core.internal.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value with the 1-based line and column where it starts: a mapping (keys in order, each with its own
 * position), a sequence, a scalar (its text as written) or null.
 */
public final class YamlNode {

    /** The node kinds. */
    public enum Kind {
        /** A mapping. */
        MAP,
        /** A sequence. */
        LIST,
        /** A scalar. */
        SCALAR,
        /** An explicit or empty null. */
        NULL
    }

    private final Kind kind;
    private final int line;
    private final int column;
    private final String text;
    private final Map<String, YamlNode> map;
    private final Map<String, int[]> keyPositions;
    private final List<YamlNode> list;

    YamlNode(Kind kind, int line, int column, String text, Map<String, YamlNode> map, Map<String, int[]> keyPositions,
             List<YamlNode> list) {
        this.kind = kind;
        this.line = line;
        this.column = column;
        this.text = text;
        this.map = map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
        this.keyPositions = keyPositions == null ? Map.of() : Collections.unmodifiableMap(keyPositions);
        this.list = list == null ? List.of() : List.copyOf(list);
    }

    /** Returns the kind. */
    public Kind kind() {
        return kind;
    }

    /** Returns the 1-based line where the node starts. */
    public int line() {
        return line;
    }

    /** Returns the 1-based column where the node starts. */
    public int column() {
        return column;
    }

    /** Returns a scalar's text ({@code ""} for other kinds). */
    public String text() {
        return text == null ? "" : text;
    }

    /** Returns a mapping's entries in order (empty for other kinds). */
    public Map<String, YamlNode> map() {
        return map;
    }

    /** Returns the {line, column} of a mapping key. */
    public int[] keyPosition(String key) {
        int[] p = keyPositions.get(key);
        return p == null ? new int[] {line, column} : p;
    }

    /** Returns a sequence's items (empty for other kinds). */
    public List<YamlNode> list() {
        return list;
    }

    /** Returns whether this is a null node. */
    public boolean isNull() {
        return kind == Kind.NULL;
    }

    /** The most characters of a scalar an error quotes. */
    static final int MAX_QUOTED = 40;

    /**
     * Returns {@code text} as an error may quote it: at most {@link #MAX_QUOTED} characters of its first line (a file
     * given by mistake, such as a private key, is not printed whole), marked when cut.
     */
    public static String excerpt(String text) {
        int nl = text.indexOf('\n');
        String line = nl >= 0 ? text.substring(0, nl) : text;
        boolean cut = nl >= 0 || line.length() > MAX_QUOTED;
        if (line.length() > MAX_QUOTED) {
            line = line.substring(0, MAX_QUOTED);
        }
        return cut ? line + "..." : line;
    }

    /** Returns a short name of the kind for error messages (a scalar quoted by {@link #excerpt}). */
    public String describe() {
        switch (kind) {
            case MAP:
                return "a mapping";
            case LIST:
                return "a sequence";
            case SCALAR:
                return "the scalar '" + excerpt(text) + "'";
            default:
                return "null";
        }
    }
}
