package dev.tocsin.core;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * An immutable, sorted set of label name/value pairs, as in Prometheus.
 *
 * <p>Names match {@code [a-zA-Z_][a-zA-Z0-9_]*}; values are any string. The metric name is held under the reserved
 * label {@value #METRIC_NAME}. A label whose value is empty is the same as an absent label (Prometheus semantics), so
 * empty values are dropped on construction. Equality and hash code are those of the sorted pairs; the hash is
 * computed once.
 */
public final class Labels implements Comparable<Labels> {

    /** The reserved label holding the metric name. */
    public static final String METRIC_NAME = "__name__";

    private static final Labels EMPTY = new Labels(null, new String[0]);
    private static final String NAME_PATTERN = "[a-zA-Z_][a-zA-Z0-9_]*";

    /**
     * The metric name when the set is held in the split form, else {@code null}. In the split form the set is
     * {@code __name__=metric} followed by {@link #pairs}, which then holds no {@code __name__} and only names that sort
     * after it; the array may be shared by the label sets of many metrics of one series' labels (e.g. all of an
     * HAProxy row's metrics), which is what makes the form worth having: ~400k samples of a large HAProxy need one
     * array per row instead of one per sample.
     */
    private final String metric;
    /** Alternating names and values, sorted by name, names unique; never modified (may be shared). */
    private final String[] pairs;
    private final int hash;

    private Labels(String metric, String[] pairs) {
        this.metric = metric;
        this.pairs = pairs;
        int h = 1;
        if (metric != null) {
            h = 31 * (31 + METRIC_NAME.hashCode()) + metric.hashCode();
        }
        for (String x : pairs) {
            h = 31 * h + x.hashCode();
        }
        this.hash = h; // Arrays.hashCode of the flat name/value sequence, in both forms
    }

    private Labels(String[] pairs) {
        this(null, pairs);
    }

    /** A set without a metric name whose hash is already known (see {@link #withoutMetricName}). */
    private Labels(String[] pairs, int hash) {
        this.metric = null;
        this.pairs = pairs;
        this.hash = hash;
    }

    /** 31 to the powers 0 to 63 (int arithmetic): the hash of a sequence's prefix is scaled by 31^length(rest). */
    private static final int[] POW31 = new int[64];

    static {
        int p = 1;
        for (int i = 0; i < POW31.length; i++) {
            POW31[i] = p;
            p *= 31;
        }
    }

    private static int pow31(int n) {
        if (n < POW31.length) {
            return POW31[n];
        }
        int p = POW31[POW31.length - 1];
        for (int i = POW31.length - 1; i < n; i++) {
            p *= 31;
        }
        return p;
    }

    /** Whether {@code rest} (sorted, without {@code __name__}) may follow {@code __name__} in the split form. */
    private static boolean splittable(String[] rest) {
        return rest.length == 0 || rest[0].compareTo(METRIC_NAME) > 0;
    }

    /** The alternating names and values of the whole set (a new array in the split form). */
    private String[] flat() {
        if (metric == null) {
            return pairs;
        }
        String[] f = new String[pairs.length + 2];
        f[0] = METRIC_NAME;
        f[1] = metric;
        System.arraycopy(pairs, 0, f, 2, pairs.length);
        return f;
    }

    /** The k-th element of the flat name/value sequence. */
    private String elem(int k) {
        if (metric == null) {
            return pairs[k];
        }
        if (k < 2) {
            return k == 0 ? METRIC_NAME : metric;
        }
        return pairs[k - 2];
    }

    private int flatLength() {
        return metric == null ? pairs.length : pairs.length + 2;
    }

    /**
     * Returns the empty label set.
     *
     * @return the empty label set
     */
    public static Labels empty() {
        return EMPTY;
    }

    /**
     * Returns a label set of the given alternating names and values, e.g. {@code Labels.of("backend", "app")}.
     *
     * @param namesAndValues names and values, alternating
     * @return the label set (labels with an empty value left out)
     * @throws IllegalArgumentException if the count is odd, a name is invalid or repeated
     */
    public static Labels of(String... namesAndValues) {
        Objects.requireNonNull(namesAndValues, "namesAndValues");
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Labels.of needs name/value pairs, got an odd count: "
                    + namesAndValues.length);
        }
        Builder b = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            int at = i;
            String name = Objects.requireNonNull(namesAndValues[i], () -> "label name at position " + at);
            if (b.map.containsKey(name)) {
                throw new IllegalArgumentException("label name repeated: " + name);
            }
            b.put(name, namesAndValues[i + 1]);
        }
        return b.build();
    }

    /**
     * Returns a label set holding the entries of the given map.
     *
     * @param labels label names to values
     * @return the label set (labels with an empty value left out)
     * @throws IllegalArgumentException if a name is invalid
     */
    public static Labels of(Map<String, String> labels) {
        Objects.requireNonNull(labels, "labels");
        Builder b = builder();
        labels.forEach(b::put);
        return b.build();
    }

    /**
     * Returns a new, empty builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this set's labels, to derive a changed copy.
     *
     * @return a new builder holding this set's labels
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        forEach(b.map::put);
        return b;
    }

    /**
     * Returns whether {@code name} is a valid label name.
     *
     * @param name the name to check; may be {@code null}
     * @return true when it matches {@code [a-zA-Z_][a-zA-Z0-9_]*}
     */
    public static boolean isValidName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        // hand-written check of NAME_PATTERN: this runs for every label of every new series
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns the number of labels.
     *
     * @return the number of labels
     */
    public int size() {
        return flatLength() / 2;
    }

    /**
     * Returns whether this set has no labels.
     *
     * @return true when there are no labels
     */
    public boolean isEmpty() {
        return metric == null && pairs.length == 0;
    }

    /**
     * Returns the name of the {@code index}-th label in sorted order.
     *
     * @param index the position in sorted order, from 0
     * @return the label name
     * @throws IndexOutOfBoundsException if {@code index} is negative or not less than {@link #size()}
     */
    public String name(int index) {
        Objects.checkIndex(index, size());
        return elem(2 * index);
    }

    /**
     * Returns the value of the {@code index}-th label in sorted order.
     *
     * @param index the position in sorted order, from 0
     * @return the label value
     * @throws IndexOutOfBoundsException if {@code index} is negative or not less than {@link #size()}
     */
    public String value(int index) {
        Objects.checkIndex(index, size());
        return elem(2 * index + 1);
    }

    /**
     * Returns the value of the label, or the empty string when absent (Prometheus semantics).
     *
     * @param name the label name
     * @return the value, or {@code ""}
     */
    public String get(String name) {
        int i = indexOf(Objects.requireNonNull(name, "name"));
        return i < 0 ? "" : elem(2 * i + 1);
    }

    /**
     * Returns whether the label is present.
     *
     * @param name the label name
     * @return true when the label is present
     */
    public boolean has(String name) {
        return indexOf(Objects.requireNonNull(name, "name")) >= 0;
    }

    /**
     * Returns the metric name ({@value #METRIC_NAME}), or the empty string.
     *
     * @return the metric name, or {@code ""}
     */
    public String metricName() {
        return metric != null ? metric : get(METRIC_NAME);
    }

    /**
     * Returns a copy without the named labels (this instance when none of them is present).
     *
     * @param names the names of the labels to remove
     * @return the label set without them
     */
    public Labels without(String... names) {
        Objects.requireNonNull(names, "names");
        boolean any = false;
        for (String n : names) {
            any |= has(n);
        }
        if (!any) {
            return this;
        }
        if (metric != null) {
            boolean onlyName = true;
            for (String n : names) {
                onlyName &= METRIC_NAME.equals(n) || indexIn(pairs, n) < 0;
            }
            if (onlyName) {
                return pairs.length == 0 ? EMPTY : new Labels(pairs); // shares the array
            }
        }
        String[] all = flat();
        int keep = 0;
        String[] tmp = new String[all.length];
        outer:
        for (int i = 0; i < all.length; i += 2) {
            for (String n : names) {
                if (all[i].equals(n)) {
                    continue outer;
                }
            }
            tmp[keep++] = all[i];
            tmp[keep++] = all[i + 1];
        }
        return keep == 0 ? EMPTY : new Labels(Arrays.copyOf(tmp, keep));
    }

    /**
     * Returns a copy without {@value #METRIC_NAME} (this instance when it has none).
     *
     * @return the label set without the metric name
     */
    public Labels withoutMetricName() {
        if (metric == null) {
            // names are interned on construction, so an identity scan finds __name__ if it is there: a set without
            // it (every result of a rate(), say) is returned as it is, without a search by value
            for (int i = 0; i < pairs.length; i += 2) {
                if (pairs[i] == METRIC_NAME) {
                    return without(METRIC_NAME);
                }
            }
            return this;
        }
        if (pairs.length == 0) {
            return EMPTY;
        }
        // the hash of the flat sequence is prefix * 31^n + rest, the prefix (1, __name__, metric) giving
        // 31 * (31 + hash(__name__)) + hash(metric) and the empty prefix 1: the rest's hash follows from this one's
        // without reading the values' strings (a rate() gives these labels for each of its series at each evaluation)
        int prefix = 31 * (31 + METRIC_NAME.hashCode()) + metric.hashCode();
        return new Labels(pairs, hash - (prefix - 1) * pow31(pairs.length)); // shares the array
    }

    /**
     * Returns a copy with {@code name} set to {@code value} (removed when {@code value} is empty).
     *
     * @param name the label name
     * @param value the value; empty to remove the label
     * @return the changed label set (this instance when nothing changes)
     * @throws IllegalArgumentException if the name is invalid
     */
    public Labels with(String name, String value) {
        Objects.requireNonNull(name, "name");
        if (Objects.requireNonNull(value, "value").isEmpty()) {
            return without(name);
        }
        boolean isMetricName = name == METRIC_NAME || METRIC_NAME.equals(name);
        if (isMetricName && metric != null) {
            return metric.equals(value) ? this : new Labels(value, pairs); // shares the array
        }
        if (isMetricName && splittable(pairs)) {
            return new Labels(value, pairs); // this set's array, shared, behind __name__
        }
        String[] all = flat();
        int i = indexIn(all, name);
        if (i >= 0) {
            if (all[2 * i + 1].equals(value)) {
                return this;
            }
            String[] copy = all == pairs ? pairs.clone() : all;
            copy[2 * i + 1] = value;
            return new Labels(copy);
        }
        if (!isValidName(name)) {
            throw new IllegalArgumentException("invalid label name: '" + name + "' (must match "
                    + NAME_PATTERN + ")");
        }
        int insert = -(insertionPoint(all, name)) - 1;
        String[] copy = new String[all.length + 2];
        System.arraycopy(all, 0, copy, 0, 2 * insert);
        copy[2 * insert] = name.intern();
        copy[2 * insert + 1] = value;
        System.arraycopy(all, 2 * insert, copy, 2 * insert + 2, all.length - 2 * insert);
        return new Labels(copy);
    }

    /**
     * Returns a copy to which every label of {@code defaults} that this set lacks is added; labels already present
     * keep their value. Returns this instance when nothing is added. This is how a scrape target's {@code instance}
     * and {@code job} are attached.
     *
     * @param defaults the labels to add where absent
     * @return the label set with the defaults added
     */
    public Labels withDefaults(Labels defaults) {
        Objects.requireNonNull(defaults, "defaults");
        int missing = 0;
        for (int j = 0; j < defaults.flatLength(); j += 2) {
            if (indexOf(defaults.elem(j)) < 0) {
                missing++;
            }
        }
        if (missing == 0) {
            return this;
        }
        String[] defaultPairs = defaults.flat();
        if (metric != null && defaults.indexOf(METRIC_NAME) < 0 && splittable(defaultPairs)) {
            return new Labels(metric, mergeDefaults(pairs, defaultPairs, missing)); // stays in the split form
        }
        return new Labels(mergeDefaults(flat(), defaultPairs, missing));
    }

    private static String[] mergeDefaults(String[] pairs, String[] defaultPairs, int missing) {
        String[] out = new String[pairs.length + 2 * missing];
        int a = 0;
        int b = 0;
        int o = 0;
        while (a < pairs.length || b < defaultPairs.length) {
            int c;
            if (a >= pairs.length) {
                c = 1;
            } else if (b >= defaultPairs.length) {
                c = -1;
            } else {
                c = pairs[a].compareTo(defaultPairs[b]);
            }
            if (c < 0) {
                out[o++] = pairs[a++];
                out[o++] = pairs[a++];
            } else if (c > 0) {
                out[o++] = defaultPairs[b++];
                out[o++] = defaultPairs[b++];
            } else {
                out[o++] = pairs[a++];
                out[o++] = pairs[a++];
                b += 2;
            }
        }
        return out;
    }

    /**
     * Calls {@code action} for every label in sorted order.
     *
     * @param action called with each name and value
     */
    public void forEach(BiConsumer<String, String> action) {
        if (metric != null) {
            action.accept(METRIC_NAME, metric);
        }
        for (int i = 0; i < pairs.length; i += 2) {
            action.accept(pairs[i], pairs[i + 1]);
        }
    }

    /**
     * Returns the labels as an unmodifiable sorted map.
     *
     * @return the labels, name to value
     */
    public Map<String, String> asMap() {
        TreeMap<String, String> m = new TreeMap<>();
        forEach(m::put);
        return Collections.unmodifiableMap(m);
    }

    /** Returns the label index in {@code pairs}, or {@code -(insertion point) - 1} when absent. */
    private static int insertionPoint(String[] pairs, String name) {
        int lo = 0;
        int hi = pairs.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = pairs[2 * mid].compareTo(name);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /** Returns the label's index in the whole set, or -1. */
    private int indexOf(String name) {
        if (metric == null) {
            return indexIn(pairs, name);
        }
        if (name == METRIC_NAME) {
            return 0;
        }
        // identity scan first (interned names), then by value
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i] == name) {
                return (i >> 1) + 1;
            }
        }
        if (METRIC_NAME.equals(name)) {
            return 0;
        }
        int i = insertionPoint(pairs, name);
        return i < 0 ? -1 : i + 1;
    }

    private static int indexIn(String[] pairs, String name) {
        // names are interned on construction, and so are the names callers usually pass (literals, parsed
        // matchers): an identity scan finds them without comparing characters
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i] == name) {
                return i >> 1;
            }
        }
        int i = insertionPoint(pairs, name);
        return i < 0 ? -1 : i;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Labels)) {
            return false;
        }
        Labels other = (Labels) o;
        if (hash != other.hash) {
            return false;
        }
        if ((metric == null) == (other.metric == null)) {
            return Objects.equals(metric, other.metric)
                    && (pairs == other.pairs || Arrays.equals(pairs, other.pairs));
        }
        int n = flatLength();
        if (n != other.flatLength()) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (!elem(k).equals(other.elem(k))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Orders label sets as Prometheus does: label by label, name first, then value; shorter first. */
    @Override
    public int compareTo(Labels o) {
        int len = flatLength();
        int olen = o.flatLength();
        int n = Math.min(len, olen);
        for (int i = 0; i < n; i++) {
            int c = elem(i).compareTo(o.elem(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(len, olen);
    }

    /** Returns the Prometheus form, e.g. {@code {backend="app", instance="lb1:8404"}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        int len = flatLength();
        for (int i = 0; i < len; i += 2) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(elem(i)).append("=\"");
            String v = elem(i + 1);
            for (int j = 0; j < v.length(); j++) {
                char c = v.charAt(j);
                switch (c) {
                    case '\\': sb.append("\\\\"); break;
                    case '"': sb.append("\\\""); break;
                    case '\n': sb.append("\\n"); break;
                    default: sb.append(c);
                }
            }
            sb.append('"');
        }
        return sb.append('}').toString();
    }

    /** A mutable builder of {@link Labels}; not thread-safe. */
    public static final class Builder {
        private final TreeMap<String, String> map = new TreeMap<>();

        private Builder() {
        }

        /**
         * Sets a label; an empty value removes it.
         *
         * @param name the label name
         * @param value the value; empty to remove the label
         * @return this builder
         * @throws IllegalArgumentException if the name is invalid
         */
        public Builder put(String name, String value) {
            if (!isValidName(name)) {
                throw new IllegalArgumentException("invalid label name: '" + name + "' (must match "
                        + NAME_PATTERN + ")");
            }
            Objects.requireNonNull(value, () -> "value of label " + name);
            if (value.isEmpty()) {
                map.remove(name);
            } else {
                map.put(name.intern(), value);
            }
            return this;
        }

        /**
         * Removes a label if present.
         *
         * @param name the label name
         * @return this builder
         */
        public Builder remove(String name) {
            map.remove(name);
            return this;
        }

        /**
         * Returns whether the label is set in this builder.
         *
         * @param name the label name
         * @return true when the label is set
         */
        public boolean has(String name) {
            return map.containsKey(name);
        }

        /**
         * Returns the immutable label set.
         *
         * @return the label set
         */
        public Labels build() {
            if (map.isEmpty()) {
                return EMPTY;
            }
            // the split form when __name__ sorts first (the usual case: label names are lower case)
            boolean split = map.firstKey().equals(METRIC_NAME);
            String[] pairs = new String[(map.size() - (split ? 1 : 0)) * 2];
            int i = 0;
            boolean skip = split;
            for (Map.Entry<String, String> e : map.entrySet()) {
                if (skip) {
                    skip = false; // __name__, held apart
                    continue;
                }
                pairs[i++] = e.getKey();
                pairs[i++] = e.getValue();
            }
            return new Labels(split ? map.get(METRIC_NAME) : null, pairs);
        }
    }
}
