package dev.tocsin.core.internal.rules;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the first YAML document of a text into a {@link YamlNode} tree that keeps every node's line and column
 * (Jackson's streaming YAML parser, so positions are exact). Duplicate mapping keys are rejected, as Go's yaml.v3
 * does.
 */
public final class YamlTree {

    /** The longest line accepted. */
    static final int MAX_LINE_CHARS = 1 << 20;

    /** The deepest nesting accepted (rule and test files need fewer than ten levels). */
    static final int MAX_DEPTH = 64;

    private static final YAMLFactory FACTORY = new AnchoringFactory(YAMLFactory.builder()
            .loaderOptions(loaderOptions())
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL));

    /**
     * SnakeYAML's options: a document as large as a rule file may be ({@link dev.tocsin.core.rules.RuleFiles#MAX_FILE_BYTES};
     * its own default stops at 3 MiB, which generated rule sets pass), aliases bounded by {@link #MAX_EXPANDED_NODES}.
     */
    private static org.yaml.snakeyaml.LoaderOptions loaderOptions() {
        org.yaml.snakeyaml.LoaderOptions o = new org.yaml.snakeyaml.LoaderOptions();
        o.setCodePointLimit((int) dev.tocsin.core.rules.RuleFiles.MAX_FILE_BYTES);
        return o;
    }

    /** Creates {@link AnchoringParser}s. */
    private static final class AnchoringFactory extends YAMLFactory {
        private static final long serialVersionUID = 1L;

        AnchoringFactory(com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder b) {
            super(b);
        }

        @Override
        protected YAMLParser _createParser(java.io.Reader r, com.fasterxml.jackson.core.io.IOContext ctxt) {
            return new AnchoringParser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, r);
        }
    }

    /**
     * Jackson's YAML parser, telling the anchor of a scalar too: Jackson reports anchors on mappings and sequences
     * only, and {@code runbook_url: &rb https://...} followed by {@code runbook_url: *rb} (which Prometheus reads)
     * failed with an unknown anchor.
     */
    private static final class AnchoringParser extends YAMLParser {
        /** The anchor of the last scalar decoded, or null, and that scalar's event. */
        private String scalarAnchor;
        private org.yaml.snakeyaml.events.Event scalarEvent;

        AnchoringParser(com.fasterxml.jackson.core.io.IOContext ctxt, int parserFeatures, int yamlFeatures,
                        org.yaml.snakeyaml.LoaderOptions options, com.fasterxml.jackson.core.ObjectCodec codec,
                        java.io.Reader reader) {
            super(ctxt, parserFeatures, yamlFeatures, options, codec, reader);
        }

        @Override
        protected JsonToken _decodeScalar(org.yaml.snakeyaml.events.ScalarEvent scalar) throws IOException {
            scalarAnchor = scalar.getAnchor();
            scalarEvent = scalar;
            return super._decodeScalar(scalar);
        }

        /** Returns the anchor of the current node: a mapping's, a sequence's or a scalar value's. */
        String anchor(JsonToken t) throws IOException {
            String a = getObjectId();
            if (a == null && t != null && t.isScalarValue() && _lastEvent == scalarEvent) {
                return scalarAnchor; // the anchor of this very scalar, not of one decoded before (a key's)
            }
            return a;
        }
    }

    /** A syntax error with its 1-based position (0 when unknown). */
    public static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        private final int line;
        private final int column;

        SyntaxError(int line, int column, String message) {
            super(message);
            this.line = line;
            this.column = column;
        }

        /** Returns the 1-based line, 0 when unknown. */
        public int line() {
            return line;
        }

        /** Returns the 1-based column, 0 when unknown. */
        public int column() {
            return column;
        }
    }

    /** The most nodes a document may have once its aliases are expanded (guards against alias bombs). */
    static final long MAX_EXPANDED_NODES = 1_000_000;

    private final YAMLParser yaml;
    private final Map<String, YamlNode> anchors = new HashMap<>();
    private final java.util.IdentityHashMap<YamlNode, Long> sizes = new java.util.IdentityHashMap<>();

    private YamlTree(YAMLParser yaml) {
        this.yaml = yaml;
    }

    /**
     * Parses the first document of {@code yaml}.
     *
     * @return the root node; a NULL node at line 1 for an empty document
     * @throws SyntaxError on malformed YAML or a duplicate key
     */
    public static YamlNode parse(String yaml) throws SyntaxError {
        // SnakeYAML reads a long scalar in time quadratic in its length (15 MB: about a minute); no rule or test
        // file has a line of a mebibyte
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i <= yaml.length(); i++) {
            if (i == yaml.length() || yaml.charAt(i) == '\n') {
                if (i - lineStart > MAX_LINE_CHARS) {
                    return fail(line, 0, "line " + line + " is longer than " + MAX_LINE_CHARS + " characters");
                }
                line++;
                lineStart = i + 1;
            }
        }
        try (JsonParser p = FACTORY.createParser(yaml)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new YamlNode(YamlNode.Kind.NULL, 1, 1, null, null, null, null);
            }
            return new YamlTree((YAMLParser) p).read(p, t, 0);
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            String msg = summary(e.getOriginalMessage());
            return fail(l == null ? 0 : Math.max(0, l.getLineNr()), l == null ? 0 : Math.max(0, l.getColumnNr()),
                    "malformed YAML: " + msg);
        } catch (IOException | RuntimeException e) {
            // SnakeYAML errors that Jackson does not wrap, and anything else the parser may throw on bad input
            return fail(0, 0, "malformed YAML: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * SnakeYAML's messages quote the input around each mark on indented lines; keeps the unindented lines (what was
     * being parsed and what was found), joined.
     */
    static String summary(String message) {
        if (message == null) {
            return "unknown error";
        }
        StringBuilder sb = new StringBuilder();
        for (String line : message.split("\n")) {
            if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(": ");
            }
            sb.append(line.strip());
        }
        String m = sb.length() == 0 ? message.strip() : sb.toString();
        // the parser's internals in words
        m = m.replace("Expected a field name (Scalar value in YAML), got this instead: ", "a mapping key must be a"
                + " plain value, found ");
        java.util.regex.Matcher ev = EVENT.matcher(m);
        StringBuilder out = new StringBuilder();
        while (ev.find()) {
            ev.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(EVENT_WORDS.getOrDefault(ev.group(1),
                    "a " + ev.group(1).toLowerCase(java.util.Locale.ROOT))));
        }
        ev.appendTail(out);
        m = out.toString();
        java.util.regex.Matcher depth = DEPTH.matcher(m);
        if (depth.find()) {
            m = "nesting deeper than " + depth.group(1) + " levels";
        }
        return m;
    }

    private static final java.util.regex.Pattern EVENT =
            java.util.regex.Pattern.compile("<org\\.yaml\\.snakeyaml\\.events\\.(\\w+?)Event\\(.*?\\)>");
    private static final Map<String, String> EVENT_WORDS = Map.of("MappingStart", "a mapping", "SequenceStart",
            "a sequence", "Scalar", "a plain value", "Alias", "an alias", "MappingEnd", "the end of a mapping",
            "SequenceEnd", "the end of a sequence", "DocumentEnd", "the end of the document", "StreamEnd",
            "the end of the input");
    private static final java.util.regex.Pattern DEPTH =
            java.util.regex.Pattern.compile("nesting depth \\(\\d+\\) exceeds the maximum allowed \\((\\d+)");

    private static YamlNode fail(int line, int column, String message) throws SyntaxError {
        throw new SyntaxError(line, column, message);
    }

    private YamlNode read(JsonParser p, JsonToken t, int depth) throws IOException, SyntaxError {
        JsonLocation loc = p.currentTokenLocation();
        int line = Math.max(1, loc.getLineNr());
        int col = Math.max(1, loc.getColumnNr());
        if (depth > MAX_DEPTH) {
            throw new SyntaxError(line, col, "nesting deeper than " + MAX_DEPTH + " levels");
        }
        if (yaml.isCurrentAlias()) {
            YamlNode target = anchors.get(p.getText());
            if (target == null) {
                throw new SyntaxError(line, col, "unknown anchor '" + p.getText() + "' referenced");
            }
            count(sizes.get(target), line, col);
            return target;
        }
        String anchor = yaml instanceof AnchoringParser ? ((AnchoringParser) yaml).anchor(t) : yaml.getObjectId();
        long before = total;
        YamlNode n = readValue(p, t, depth, line, col);
        count(1, line, col);
        sizes.put(n, total - before);
        if (anchor != null) {
            anchors.put(anchor, n);
        }
        return n;
    }

    private long total;

    private void count(long n, int line, int col) throws SyntaxError {
        total += n;
        if (total > MAX_EXPANDED_NODES) {
            throw new SyntaxError(line, col, "more than " + MAX_EXPANDED_NODES + " values once aliases are expanded");
        }
    }

    /** The key of a YAML merge ({@code <<: *defaults}), which Prometheus' YAML libraries honour. */
    private static final String MERGE_KEY = "<<";

    /** Adds the mappings a merge key's value names: one mapping or a sequence of them. */
    private static void mergeSources(YamlNode value, int[] at, List<YamlNode> merged) throws SyntaxError {
        if (value.kind() == YamlNode.Kind.MAP) {
            merged.add(value);
            return;
        }
        if (value.kind() == YamlNode.Kind.LIST && value.list().stream().allMatch(x -> x.kind() == YamlNode.Kind.MAP)) {
            merged.addAll(value.list());
            return;
        }
        throw new SyntaxError(at[0], at[1], "map merge requires map or sequence of maps as the value");
    }

    private YamlNode readValue(JsonParser p, JsonToken t, int depth, int line, int col)
            throws IOException, SyntaxError {
        switch (t) {
            case START_OBJECT: {
                Map<String, YamlNode> map = new LinkedHashMap<>();
                Map<String, int[]> keys = new HashMap<>();
                List<YamlNode> merged = new ArrayList<>();
                JsonToken n;
                while ((n = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonLocation kl = p.currentTokenLocation();
                    int[] kp = {Math.max(1, kl.getLineNr()), Math.max(1, kl.getColumnNr())};
                    if (key.equals(MERGE_KEY)) {
                        JsonToken v = p.nextToken();
                        if (v == null) {
                            throw new SyntaxError(kp[0], kp[1], "unexpected end of input");
                        }
                        mergeSources(read(p, v, depth + 1), kp, merged);
                        continue;
                    }
                    if (map.containsKey(key)) {
                        int[] first = keys.get(key);
                        throw new SyntaxError(kp[0], kp[1], "mapping key \"" + key + "\" already defined at line "
                                + first[0]);
                    }
                    JsonToken v = p.nextToken();
                    if (v == null) {
                        throw new SyntaxError(kp[0], kp[1], "unexpected end of input");
                    }
                    keys.put(key, kp);
                    map.put(key, read(p, v, depth + 1));
                }
                if (n != JsonToken.END_OBJECT) {
                    throw new SyntaxError(line, col, "unexpected end of mapping");
                }
                // YAML merge keys: the keys of the merged mappings that the mapping does not set itself, the first
                // merged mapping first
                for (YamlNode m : merged) {
                    for (Map.Entry<String, YamlNode> e : m.map().entrySet()) {
                        if (!map.containsKey(e.getKey())) {
                            map.put(e.getKey(), e.getValue());
                            keys.put(e.getKey(), m.keyPosition(e.getKey()));
                        }
                    }
                }
                return new YamlNode(YamlNode.Kind.MAP, line, col, null, map, keys, null);
            }
            case START_ARRAY: {
                List<YamlNode> list = new ArrayList<>();
                JsonToken n;
                while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (n == null) {
                        throw new SyntaxError(line, col, "unexpected end of sequence");
                    }
                    list.add(read(p, n, depth + 1));
                }
                return new YamlNode(YamlNode.Kind.LIST, line, col, null, null, null, list);
            }
            case VALUE_NULL:
                return new YamlNode(YamlNode.Kind.NULL, line, col, null, null, null, null);
            case VALUE_STRING:
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new YamlNode(YamlNode.Kind.SCALAR, line, col, p.getText(), null, null, null);
            default:
                // e.g. embedded binary (!!binary): not something rule files use
                throw new SyntaxError(line, col, "unsupported YAML value (" + t + ")");
        }
    }
}
