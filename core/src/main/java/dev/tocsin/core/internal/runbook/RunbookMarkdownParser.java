package dev.tocsin.core.internal.runbook;

import dev.tocsin.core.Runbook;
import dev.tocsin.core.RunbookFormatException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Parses the Markdown runbook format (see {@code docs/runbooks.md}).
 *
 * <p>A document is, in order: optional front matter between {@code ---} lines; blank lines; the {@code # Title}
 * heading; a preamble holding the summary paragraph, an optional {@code <details>} block with the alert rule in a
 * fenced block, and any intro text; then {@code ## } sections. Known sections (matched case-insensitively) are
 * {@code Meaning}, {@code Impact}, {@code Diagnosis}, {@code Mitigation} and {@code Notes}; others are skipped.
 *
 * <p>The parser is a single forward pass without recursion; it only ever throws {@link RunbookFormatException}
 * (plus {@link NullPointerException} for a {@code null} argument).
 */
public final class RunbookMarkdownParser {

    private static final int MAX_SHOWN = 40;

    private RunbookMarkdownParser() {
    }

    /**
     * Parses a runbook.
     *
     * @param markdown the document; line ends may be LF, CRLF or CR; a leading byte order mark is ignored
     * @return the runbook
     * @throws RunbookFormatException with the 1-based line number when the document does not follow the format
     */
    public static Runbook parse(String markdown) {
        Objects.requireNonNull(markdown, "markdown");
        return new Parser(splitLines(markdown)).parse();
    }

    static List<String> splitLines(String text) {
        String s = text.startsWith("\uFEFF") ? text.substring(1) : text;
        List<String> lines = new ArrayList<>();
        int start = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(s.substring(start, i));
                if (c == '\r' && i + 1 < n && s.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < n) {
            lines.add(s.substring(start));
        }
        return lines;
    }

    /** Which known section a {@code ## } heading opens. */
    private enum Section {
        MEANING, IMPACT, DIAGNOSIS, MITIGATION, NOTES, UNKNOWN;

        static Section of(String name) {
            switch (name.toLowerCase(Locale.ROOT)) {
                case "meaning":
                    return MEANING;
                case "impact":
                    return IMPACT;
                case "diagnosis":
                    return DIAGNOSIS;
                case "mitigation":
                    return MITIGATION;
                case "notes":
                    return NOTES;
                default:
                    return UNKNOWN;
            }
        }

        String title() {
            String n = name().toLowerCase(Locale.ROOT);
            return Character.toUpperCase(n.charAt(0)) + n.substring(1);
        }
    }

    /** A paragraph or a list item inside a section. */
    private static final class Block {
        final int line;
        final String marker; // null for a paragraph; "*", "-", "+", "3." or "3)" for a list item
        final boolean ordered;
        final long number;
        final int contentIndent;
        final StringBuilder text = new StringBuilder();
        boolean blankSince;

        Block(int line, String marker, boolean ordered, long number, int contentIndent) {
            this.line = line;
            this.marker = marker;
            this.ordered = ordered;
            this.number = number;
            this.contentIndent = contentIndent;
        }

        boolean isItem() {
            return marker != null;
        }

        String render() {
            return marker == null ? text.toString() : marker + " " + text;
        }
    }

    /** A recognised list marker on a line. */
    private static final class Marker {
        final String marker;
        final boolean ordered;
        final long number;
        final int contentIndent;
        final String rest;

        Marker(String marker, boolean ordered, long number, int contentIndent, String rest) {
            this.marker = marker;
            this.ordered = ordered;
            this.number = number;
            this.contentIndent = contentIndent;
            this.rest = rest;
        }
    }

    private static final class Parser {
        private final List<String> lines;
        private int pos; // 0-based index of the next line

        private final Map<String, Integer> frontMatter = new HashMap<>();
        private final Map<String, String> frontMatterValues = new HashMap<>();
        private String title;
        private String summary = "";
        private String ruleDefinition;
        private int ruleLine;
        private URI url;

        private final Map<Section, Integer> seen = new HashMap<>();
        private String meaning = "";
        private final List<String> impactProse = new ArrayList<>();
        private final List<String> impactPoints = new ArrayList<>();
        private final List<String> diagnosis = new ArrayList<>();
        private final List<String> mitigation = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();

        Parser(List<String> lines) {
            this.lines = lines;
        }

        Runbook parse() {
            parseFrontMatter();
            parseTitle();
            parsePreamble();
            parseSections();
            resolveUrl();
            Runbook.Builder b = Runbook.builder(title).summary(summary).meaning(meaning)
                    .impact(String.join("\n\n", impactProse)).notes(String.join("\n\n", notes));
            impactPoints.forEach(b::impactPoint);
            diagnosis.forEach(b::diagnosisStep);
            mitigation.forEach(b::mitigationStep);
            if (ruleDefinition != null) {
                b.ruleDefinition(ruleDefinition);
            }
            if (url != null) {
                b.url(url);
            }
            return b.build();
        }

        // ---------------------------------------------------------------- front matter

        private void parseFrontMatter() {
            if (lines.isEmpty() || !lines.get(0).strip().equals("---")) {
                return;
            }
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i);
                String stripped = line.strip();
                if (stripped.equals("---") || stripped.equals("...")) {
                    pos = i + 1;
                    return;
                }
                if (stripped.isEmpty() || stripped.startsWith("#") || Character.isWhitespace(line.charAt(0))
                        || line.startsWith("-")) {
                    continue; // blank, comment, list item or nested value of the previous key
                }
                int colon = line.indexOf(':');
                String key = colon < 0 ? "" : line.substring(0, colon).strip();
                if (colon < 0 || key.isEmpty() || !isKey(key)) {
                    throw error(i + 1, "front matter line must be 'key: value', found " + show(line));
                }
                Integer previous = frontMatter.putIfAbsent(key, i + 1);
                if (previous != null) {
                    throw error(i + 1, "front matter key '" + key + "' repeats the one at line " + previous);
                }
                frontMatterValues.put(key, unquote(stripComment(line.substring(colon + 1).strip())));
            }
            throw error(1, "front matter opened here is not closed by a '---' line");
        }

        private static boolean isKey(String key) {
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.')) {
                    return false;
                }
            }
            return true;
        }

        // ---------------------------------------------------------------- title

        private void parseTitle() {
            while (pos < lines.size() && lines.get(pos).isBlank()) {
                pos++;
            }
            if (pos >= lines.size()) {
                throw error(Math.max(1, lines.size()), "expected the '# <title>' heading, found the end of the document");
            }
            String line = lines.get(pos);
            String heading = headingText(line, 1);
            heading = heading == null ? null : stripClosingHashes(heading);
            if (heading == null) {
                throw error(pos + 1, "expected the '# <title>' heading, found " + show(line));
            }
            if (heading.isEmpty()) {
                throw error(pos + 1, "the '# ' title heading is empty");
            }
            title = heading;
            pos++;
        }

        /**
         * Returns the text of an ATX heading of exactly {@code level} hashes (indent up to 3 spaces, then a space,
         * tab or end of line), or null if the line is not such a heading.
         */
        private static String headingText(String line, int level) {
            int indent = 0;
            while (indent < line.length() && indent < 4 && line.charAt(indent) == ' ') {
                indent++;
            }
            if (indent > 3) {
                return null;
            }
            int i = indent;
            int hashes = 0;
            while (i < line.length() && line.charAt(i) == '#') {
                hashes++;
                i++;
            }
            if (hashes != level) {
                return null;
            }
            if (i < line.length() && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                return null;
            }
            return line.substring(i).strip();
        }

        // ---------------------------------------------------------------- preamble

        private void parsePreamble() {
            List<String> paragraph = new ArrayList<>();
            boolean summaryDone = false;
            while (pos < lines.size()) {
                String line = lines.get(pos);
                if (headingText(line, 2) != null) {
                    break;
                }
                if (headingText(line, 1) != null) {
                    throw error(pos + 1, "a document has a single '# ' title; found a second one");
                }
                String stripped = line.strip();
                if (isOpeningFence(stripped)) {
                    summaryDone = endSummary(paragraph, summaryDone);
                    skipFence(pos);
                    continue;
                }
                if (isDetailsOpen(stripped)) {
                    summaryDone = true;
                    if (!paragraph.isEmpty()) {
                        summary = String.join(" ", paragraph);
                        paragraph.clear();
                    }
                    parseDetails();
                    continue;
                }
                if (stripped.isEmpty() || isShortcode(stripped) || isThematicBreak(stripped)) {
                    summaryDone = endSummary(paragraph, summaryDone);
                } else if (!summaryDone) {
                    paragraph.add(stripped);
                }
                pos++;
            }
            endSummary(paragraph, summaryDone);
        }

        private boolean endSummary(List<String> paragraph, boolean summaryDone) {
            if (!paragraph.isEmpty()) {
                summary = String.join(" ", paragraph);
                paragraph.clear();
                return true;
            }
            return summaryDone;
        }

        private static boolean isDetailsOpen(String stripped) {
            if (stripped.length() < 8 || !stripped.regionMatches(true, 0, "<details", 0, 8)) {
                return false;
            }
            return stripped.length() == 8 || stripped.charAt(8) == '>' || Character.isWhitespace(stripped.charAt(8));
        }

        private static boolean containsDetailsClose(String stripped) {
            return stripped.toLowerCase(Locale.ROOT).contains("</details>");
        }

        private static boolean isShortcode(String stripped) {
            return (stripped.startsWith("{{%") && stripped.endsWith("%}}"))
                    || (stripped.startsWith("{{<") && stripped.endsWith(">}}"))
                    || COMMENT.matcher(stripped).matches();
        }

        /**
         * Markdown's comment idiom, a link reference definition to {@code #} that renders as nothing:
         * {@code [//]: # "text"} (the srerun runbook template puts one under every heading).
         */
        private static final java.util.regex.Pattern COMMENT =
                java.util.regex.Pattern.compile("\\[[^\\]\\n]{0,200}\\]:[ \\t]*#"
                        + "(?:[ \\t]+(?:\"[^\"]*\"|'[^']*'|\\([^)]*\\)))?[ \\t]*");

        /** A thematic break ({@code ---}, {@code * * *}, {@code ___}): it ends the paragraph or item before it. */
        private static boolean isThematicBreak(String stripped) {
            if (stripped.length() < 3) {
                return false;
            }
            char c = stripped.charAt(0);
            if (c != '-' && c != '*' && c != '_') {
                return false;
            }
            int count = 0;
            for (int i = 0; i < stripped.length(); i++) {
                char x = stripped.charAt(i);
                if (x == c) {
                    count++;
                } else if (x != ' ' && x != '\t') {
                    return false;
                }
            }
            return count >= 3;
        }

        /** Parses the {@code <details>} block starting at {@code pos}; leaves {@code pos} after its closing line. */
        private void parseDetails() {
            int open = pos;
            String first = lines.get(pos).strip();
            pos++;
            if (containsDetailsClose(first.substring(8))) {
                return;
            }
            while (pos < lines.size()) {
                String stripped = lines.get(pos).strip();
                if (isOpeningFence(stripped)) {
                    int fenceLine = pos;
                    String content = skipFence(pos);
                    if (ruleDefinition != null) {
                        throw error(fenceLine + 1, "only one fenced rule block is allowed; the first is at line "
                                + ruleLine);
                    }
                    if (content.isEmpty()) {
                        throw error(fenceLine + 1, "the fenced rule block is empty");
                    }
                    ruleDefinition = content;
                    ruleLine = fenceLine + 1;
                    continue;
                }
                pos++;
                if (containsDetailsClose(stripped)) {
                    return;
                }
            }
            throw error(open + 1, "<details> opened here is not closed by </details>");
        }

        // ---------------------------------------------------------------- fences

        private static boolean isOpeningFence(String stripped) {
            if (stripped.startsWith("```")) {
                int n = fenceLength(stripped, '`');
                return stripped.indexOf('`', n) < 0; // an info string may not contain backticks
            }
            return stripped.startsWith("~~~");
        }

        private static int fenceLength(String stripped, char c) {
            int n = 0;
            while (n < stripped.length() && stripped.charAt(n) == c) {
                n++;
            }
            return n;
        }

        private static int indentOf(String line) {
            int columns = 0;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == ' ') {
                    columns++;
                } else if (c == '\t') {
                    columns += 4 - columns % 4;
                } else {
                    break;
                }
            }
            return columns;
        }

        private static String removeIndent(String line, int columns) {
            int removed = 0;
            int i = 0;
            while (i < line.length() && removed < columns) {
                char c = line.charAt(i);
                if (c == ' ') {
                    removed++;
                } else if (c == '\t') {
                    removed += 4 - removed % 4;
                } else {
                    break;
                }
                i++;
            }
            return line.substring(i);
        }

        /**
         * Skips the fenced block opening at line index {@code open}; leaves {@code pos} after its closing fence and
         * returns its content: every line, less the fence's own indentation, followed by a newline, with trailing
         * blank lines removed.
         */
        private String skipFence(int open) {
            String opening = lines.get(open);
            String stripped = opening.strip();
            char c = stripped.charAt(0);
            int length = fenceLength(stripped, c);
            int indent = indentOf(opening);
            List<String> content = new ArrayList<>();
            for (int i = open + 1; i < lines.size(); i++) {
                String s = lines.get(i).strip();
                if (s.length() >= length && fenceLength(s, c) == s.length()) {
                    pos = i + 1;
                    int end = content.size();
                    while (end > 0 && content.get(end - 1).isBlank()) {
                        end--;
                    }
                    StringBuilder sb = new StringBuilder();
                    for (int k = 0; k < end; k++) {
                        sb.append(content.get(k)).append('\n');
                    }
                    return sb.toString();
                }
                content.add(removeIndent(lines.get(i), indent));
            }
            throw error(open + 1, "fenced block opened here with " + show(stripped) + " is never closed");
        }

        // ---------------------------------------------------------------- sections

        private void parseSections() {
            while (pos < lines.size()) {
                int headingLine = pos + 1;
                String name = headingText(lines.get(pos), 2);
                // Strip optional closing hashes: "## Meaning ##".
                String trimmed = stripClosingHashes(name == null ? "" : name);
                Section section = Section.of(trimmed);
                pos++;
                List<Block> blocks = parseBlocks(section != Section.UNKNOWN);
                if (section == Section.UNKNOWN) {
                    continue;
                }
                Integer first = seen.putIfAbsent(section, headingLine);
                if (first != null) {
                    throw error(headingLine, "section '" + section.title() + "' repeats the one at line " + first);
                }
                interpret(section, headingLine, blocks);
            }
        }

        private static String stripClosingHashes(String s) {
            int end = s.length();
            while (end > 0 && s.charAt(end - 1) == '#') {
                end--;
            }
            if (end == s.length()) {
                return s;
            }
            if (end == 0 || s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t') {
                return s.substring(0, end).strip();
            }
            return s;
        }

        /** Reads blocks up to the next {@code ## } heading (or the end), leaving {@code pos} on it. */
        private List<Block> parseBlocks(boolean known) {
            List<Block> blocks = new ArrayList<>();
            Block current = null;
            while (pos < lines.size()) {
                String line = lines.get(pos);
                if (headingText(line, 2) != null) {
                    break;
                }
                if (headingText(line, 1) != null) {
                    throw error(pos + 1, "a document has a single '# ' title; found a second one");
                }
                String stripped = line.strip();
                int indent = indentOf(line);
                if (isOpeningFence(stripped)) {
                    int open = pos;
                    String content = skipFence(pos);
                    if (!known) {
                        continue;
                    }
                    String fenced = stripped + "\n" + content + stripped.substring(0,
                            fenceLength(stripped, stripped.charAt(0)));
                    if (current != null && current.isItem() && (!current.blankSince || indent >= current.contentIndent)) {
                        current.text.append('\n').append(fenced);
                        current.blankSince = false;
                    } else {
                        current = new Block(open + 1, null, false, 0, 0);
                        current.text.append(fenced);
                        blocks.add(current);
                        current = null;
                    }
                    continue;
                }
                pos++;
                if (stripped.isEmpty()) {
                    if (current != null) {
                        if (current.isItem()) {
                            current.blankSince = true;
                        } else {
                            current = null;
                        }
                    }
                    continue;
                }
                if (isShortcode(stripped) || !known) {
                    continue;
                }
                if (stripped.startsWith("#") && headingText(line, fenceLength(stripped, '#')) != null) {
                    // A ### (or deeper) heading: a paragraph of its own.
                    Block b = new Block(pos, null, false, 0, 0);
                    b.text.append(stripped);
                    blocks.add(b);
                    current = null;
                    continue;
                }
                if (isThematicBreak(stripped)) {
                    if (current != null && current.isItem() && indent >= current.contentIndent && indent >= 2) {
                        continue; // a rule inside a step's own content: not text, the step goes on
                    }
                    if (indent <= 3) {
                        current = null; // a rule between blocks: not text of the step or paragraph before it
                        continue;
                    }
                }
                Marker m = indent <= 3 ? marker(line) : null;
                if (current != null && current.isItem() && indent >= current.contentIndent && indent >= 2) {
                    // Nested content of the open item: a nested list line keeps its own line.
                    boolean nestedItem = marker(line.strip()) != null;
                    current.text.append(current.blankSince ? "\n\n" : nestedItem ? "\n" : " ").append(stripped);
                    current.blankSince = false;
                    continue;
                }
                if (m != null) {
                    if (m.rest.isEmpty()) {
                        throw error(pos, "list item " + show(m.marker) + " is empty");
                    }
                    current = new Block(pos, m.marker, m.ordered, m.number, m.contentIndent);
                    current.text.append(m.rest);
                    blocks.add(current);
                    continue;
                }
                if (current != null && !current.blankSince) {
                    current.text.append(' ').append(stripped); // lazy continuation line
                    continue;
                }
                current = new Block(pos, null, false, 0, 0);
                current.text.append(stripped);
                blocks.add(current);
            }
            return blocks;
        }

        /** Recognises a list marker at the start of {@code line} (after at most 3 spaces of indentation). */
        private static Marker marker(String line) {
            int indent = indentOf(line);
            String s = line.strip();
            if (s.isEmpty()) {
                return null;
            }
            char c = s.charAt(0);
            if (c == '*' || c == '-' || c == '+') {
                if (s.length() == 1) {
                    return new Marker(String.valueOf(c), false, 0, indent + 2, "");
                }
                if (s.charAt(1) == ' ' || s.charAt(1) == '\t') {
                    return new Marker(String.valueOf(c), false, 0, indent + 2, s.substring(2).strip());
                }
                return null;
            }
            int digits = 0;
            while (digits < s.length() && digits < 10 && s.charAt(digits) >= '0' && s.charAt(digits) <= '9') {
                digits++;
            }
            if (digits == 0 || digits > 9 || digits >= s.length()) {
                return null;
            }
            char delimiter = s.charAt(digits);
            if (delimiter != '.' && delimiter != ')') {
                return null;
            }
            if (digits + 1 < s.length() && s.charAt(digits + 1) != ' ' && s.charAt(digits + 1) != '\t') {
                return null;
            }
            long number = Long.parseLong(s.substring(0, digits));
            String rest = digits + 1 < s.length() ? s.substring(digits + 2).strip() : "";
            return new Marker(s.substring(0, digits + 1), true, number, indent + digits + 2, rest);
        }

        private void interpret(Section section, int headingLine, List<Block> blocks) {
            switch (section) {
                case MEANING:
                    meaning = renderAll(blocks);
                    break;
                case IMPACT:
                    for (Block b : blocks) {
                        if (b.isItem()) {
                            impactPoints.add(b.text.toString());
                        } else {
                            impactProse.add(b.text.toString());
                        }
                    }
                    break;
                case DIAGNOSIS:
                    steps(section, headingLine, blocks, diagnosis);
                    break;
                case MITIGATION:
                    steps(section, headingLine, blocks, mitigation);
                    break;
                case NOTES:
                    String text = renderAll(blocks);
                    if (!text.isEmpty()) {
                        notes.add(text);
                    }
                    break;
                default:
                    break;
            }
        }

        /**
         * Steps are the numbered items of one list: text before it is an ignored introduction, text after it is
         * kept as notes. Numbers must run 1, 2, 3, ... or all be 1.
         */
        private void steps(Section section, int headingLine, List<Block> blocks, List<String> out) {
            int firstItem;
            int i = 0;
            while (i < blocks.size() && !(blocks.get(i).isItem() && blocks.get(i).ordered)) {
                i++;
            }
            if (i == blocks.size()) {
                throw error(headingLine, "section '" + section.title() + "' has no numbered steps ('1. ...')");
            }
            firstItem = i;
            boolean allOnes = true;
            for (int k = i; k < blocks.size() && blocks.get(k).isItem() && blocks.get(k).ordered; k++) {
                allOnes &= blocks.get(k).number == 1;
            }
            long expected = 1;
            for (; i < blocks.size() && blocks.get(i).isItem() && blocks.get(i).ordered; i++) {
                Block b = blocks.get(i);
                if (i == firstItem && b.number != 1) {
                    throw error(b.line, "the first step of '" + section.title() + "' must be numbered 1, found "
                            + show(b.marker));
                }
                if (!allOnes && b.number != expected) {
                    throw error(b.line, "step " + show(b.marker) + " in '" + section.title()
                            + "' is out of order; expected " + expected);
                }
                out.add(b.text.toString());
                expected++;
            }
            List<Block> rest = blocks.subList(i, blocks.size());
            for (Block b : rest) {
                if (b.isItem() && b.ordered) {
                    throw error(b.line, "the steps of '" + section.title() + "' must form a single numbered list; "
                            + "this one restarts after text");
                }
            }
            String epilogue = renderAll(rest);
            if (!epilogue.isEmpty()) {
                notes.add(epilogue);
            }
        }

        private static String renderAll(List<Block> blocks) {
            StringBuilder sb = new StringBuilder();
            Block previous = null;
            for (Block b : blocks) {
                if (previous != null) {
                    sb.append(previous.isItem() && b.isItem() ? "\n" : "\n\n");
                }
                sb.append(b.render());
                previous = b;
            }
            return sb.toString();
        }

        // ---------------------------------------------------------------- url

        private void resolveUrl() {
            if (ruleDefinition != null) {
                url = annotationUrl();
            }
            if (url == null) {
                for (String key : new String[] {"runbook_url", "url"}) {
                    String value = frontMatterValues.get(key);
                    if (url == null && value != null && !value.isEmpty()) {
                        url = toUri(value, frontMatter.get(key), "front matter '" + key + "'");
                    }
                }
            }
        }

        /** Finds {@code runbook:} or {@code runbook_url:} under {@code annotations:} in the rule block. */
        private URI annotationUrl() {
            List<String> rule = splitLines(ruleDefinition);
            int annotationsIndent = -1;
            for (int i = 0; i < rule.size(); i++) {
                String line = rule.get(i);
                if (line.isBlank()) {
                    continue;
                }
                String s = line.strip();
                int indent = indentOf(line.startsWith("- ") ? "  " + line.substring(2) : line);
                if (annotationsIndent >= 0 && indent <= annotationsIndent) {
                    annotationsIndent = -1;
                }
                if (annotationsIndent < 0) {
                    if (s.startsWith("- ")) {
                        s = s.substring(2).strip();
                    }
                    if (s.equals("annotations:")) {
                        annotationsIndent = indent;
                    }
                    continue;
                }
                int colon = s.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = unquote(s.substring(0, colon).strip());
                if (!key.equals("runbook") && !key.equals("runbook_url")) {
                    continue;
                }
                String value = unquote(stripComment(s.substring(colon + 1).strip()));
                int line1 = ruleLine + 1 + i;
                if (value.contains("{{")) {
                    return null; // a template: only known once the alert fires
                }
                if (value.isEmpty() || value.startsWith("|") || value.startsWith(">")) {
                    throw error(line1, "the rule's '" + key + "' annotation must be a single-line URL");
                }
                return toUri(value, line1, "the rule's '" + key + "' annotation");
            }
            return null;
        }

        private URI toUri(String value, Integer line, String what) {
            int l = line == null ? 0 : line;
            try {
                URI uri = new URI(value);
                if (!uri.isAbsolute() || uri.getScheme() == null) {
                    throw error(l, what + " is not an absolute URL");
                }
                return uri;
            } catch (URISyntaxException e) {
                throw error(l, what + " is not a valid URL (at character " + (e.getIndex() + 1) + ")");
            }
        }

        private static String stripComment(String value) {
            if (value.startsWith("\"") || value.startsWith("'")) {
                int close = value.indexOf(value.charAt(0), 1);
                return close < 0 ? value : value.substring(0, close + 1);
            }
            int hash = value.indexOf(" #");
            int tab = value.indexOf("\t#");
            int cut = hash < 0 ? tab : tab < 0 ? hash : Math.min(hash, tab);
            return (cut < 0 ? value : value.substring(0, cut)).strip();
        }

        private static String unquote(String value) {
            if (value.length() >= 2) {
                char q = value.charAt(0);
                if ((q == '"' || q == '\'') && value.charAt(value.length() - 1) == q) {
                    return value.substring(1, value.length() - 1);
                }
            }
            return value;
        }

        private static RunbookFormatException error(int line, String detail) {
            return new RunbookFormatException(line, detail);
        }
    }

    /** Quotes a fragment of the input for an error message: shortened, control characters escaped. */
    static String show(String text) {
        StringBuilder sb = new StringBuilder("'");
        int n = Math.min(text.length(), MAX_SHOWN);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (text.length() > MAX_SHOWN) {
            sb.append("...");
        }
        return sb.append('\'').toString();
    }
}
