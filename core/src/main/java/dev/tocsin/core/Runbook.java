package dev.tocsin.core;

import dev.tocsin.core.internal.runbook.RunbookMarkdownParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an on-call engineer reads when an alert fires: what it means, its impact, how to diagnose it and how to
 * mitigate it, in ordered steps.
 *
 * <p>Build one with {@link #builder(String)} or parse the Markdown runbook format (front matter, an {@code # Title}, a
 * summary line, an optional {@code <details>} block holding the rule, and {@code ## Meaning}, {@code ## Impact},
 * {@code ## Diagnosis}, {@code ## Mitigation} sections with numbered steps) with {@link #parseMarkdown(String)}.
 */
public final class Runbook {

    private final String title;
    private final String summary;
    private final String meaning;
    private final String impact;
    private final List<String> impactPoints;
    private final List<String> diagnosis;
    private final List<String> mitigation;
    private final String notes;
    private final URI url;
    private final String ruleDefinition;

    private Runbook(Builder b) {
        this.title = b.title;
        this.summary = b.summary;
        this.meaning = b.meaning;
        this.impact = b.impact;
        this.impactPoints = List.copyOf(b.impactPoints);
        this.diagnosis = List.copyOf(b.diagnosis);
        this.mitigation = List.copyOf(b.mitigation);
        this.notes = b.notes;
        this.url = b.url;
        this.ruleDefinition = b.ruleDefinition;
    }

    /**
     * Parses a runbook in the Markdown format described above.
     *
     * @param markdown the Markdown document
     * @return the runbook
     * @throws RunbookFormatException with the line number when the document does not follow the format
     */
    public static Runbook parseMarkdown(String markdown) {
        Objects.requireNonNull(markdown, "markdown");
        return RunbookMarkdownParser.parse(markdown);
    }

    /**
     * Parses a runbook from a UTF-8 classpath resource.
     *
     * @param anchor the class the resource name is resolved against ({@link Class#getResourceAsStream(String)})
     * @param resource the resource name: relative to {@code anchor}'s package, or absolute with a leading {@code /}
     *     ({@code "/runbooks/X.md"} for {@code src/main/resources/runbooks/X.md})
     * @return the runbook
     * @throws IllegalArgumentException if the resource does not exist
     * @throws RunbookFormatException if it does not follow the format
     */
    public static Runbook fromResource(Class<?> anchor, String resource) {
        Objects.requireNonNull(anchor, "anchor");
        Objects.requireNonNull(resource, "resource");
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("runbook resource not found: " + resource + " (looked up as "
                        + resolvedName(anchor, resource) + " on the class path of " + anchor.getName()
                        + (resource.startsWith("/") ? ")" : "; a name without a leading '/' is relative to the"
                        + " anchor's package)"));
            }
            try {
                return parseMarkdown(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (RunbookFormatException e) {
                RunbookFormatException named = new RunbookFormatException("runbook " + resource, e.line(),
                        e.detail());
                named.initCause(e);
                throw named;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read runbook resource " + resource, e);
        }
    }

    /** The absolute resource name {@link Class#getResourceAsStream(String)} looks for, as {@code /a/b/c.md}. */
    private static String resolvedName(Class<?> anchor, String resource) {
        if (resource.startsWith("/")) {
            return resource;
        }
        Class<?> c = anchor;
        while (c.isArray()) {
            c = c.getComponentType();
        }
        String pkg = c.getPackageName();
        return "/" + (pkg.isEmpty() ? "" : pkg.replace('.', '/') + "/") + resource;
    }

    /**
     * Returns a builder for a runbook with the given title.
     *
     * @param title the title, usually the alert name
     * @return a new builder
     */
    public static Builder builder(String title) {
        return new Builder(title);
    }

    /**
     * Returns the title, usually the alert name.
     *
     * @return the title
     */
    public String title() {
        return title;
    }

    /**
     * Returns the one-line summary (may be empty).
     *
     * @return the summary, or {@code ""}
     */
    public String summary() {
        return summary;
    }

    /**
     * Returns the Meaning section's text.
     *
     * @return the Meaning text
     */
    public String meaning() {
        return meaning;
    }

    /**
     * Returns the Impact section's prose (without its bullet points).
     *
     * @return the Impact prose
     */
    public String impact() {
        return impact;
    }

    /**
     * Returns the Impact section's bullet points, in order.
     *
     * @return the Impact points (immutable)
     */
    public List<String> impactPoints() {
        return impactPoints;
    }

    /**
     * Returns the Diagnosis steps, in order.
     *
     * @return the Diagnosis steps (immutable)
     */
    public List<String> diagnosis() {
        return diagnosis;
    }

    /**
     * Returns the Mitigation steps, in order.
     *
     * @return the Mitigation steps (immutable)
     */
    public List<String> mitigation() {
        return mitigation;
    }

    /**
     * Returns closing remarks that follow the sections (may be empty).
     *
     * @return the notes, or {@code ""}
     */
    public String notes() {
        return notes;
    }

    /**
     * Returns where the runbook is published, if known.
     *
     * @return the URL, or empty
     */
    public Optional<URI> url() {
        return Optional.ofNullable(url);
    }

    /**
     * Returns the alert rule the runbook documents (YAML, as in its {@code <details>} block), if present.
     *
     * @return the rule's YAML, or empty
     */
    public Optional<String> ruleDefinition() {
        return Optional.ofNullable(ruleDefinition);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Runbook)) {
            return false;
        }
        Runbook r = (Runbook) o;
        return title.equals(r.title) && summary.equals(r.summary) && meaning.equals(r.meaning)
                && impact.equals(r.impact) && impactPoints.equals(r.impactPoints) && diagnosis.equals(r.diagnosis)
                && mitigation.equals(r.mitigation) && notes.equals(r.notes) && Objects.equals(url, r.url)
                && Objects.equals(ruleDefinition, r.ruleDefinition);
    }

    @Override
    public int hashCode() {
        return Objects.hash(title, summary, meaning, impact, impactPoints, diagnosis, mitigation, notes, url,
                ruleDefinition);
    }

    /**
     * Returns the runbook as plain text, for a log, a terminal or a chat message: the title on the first line, then
     * each part that is not empty, one paragraph per line ({@code Summary:}, {@code Meaning:}, {@code Impact:} with its
     * points as {@code "  - "} lines, {@code Diagnosis:} and {@code Mitigation:} with numbered steps indented by two
     * spaces, {@code Notes:}, and {@code More:} with the URL without its user info). Lines are not wrapped.
     *
     * @return the text, each line ending with a newline
     */
    public String toText() {
        StringBuilder sb = new StringBuilder(oneLine(title)).append('\n');
        paragraph(sb, "Summary", summary);
        paragraph(sb, "Meaning", meaning);
        if (!impact.isBlank() || !impactPoints.isEmpty()) {
            sb.append("Impact:");
            sb.append(impact.isBlank() ? "" : " " + oneLine(impact)).append('\n');
            for (String p : impactPoints) {
                sb.append("  - ").append(oneLine(p)).append('\n');
            }
        }
        steps(sb, "Diagnosis", diagnosis);
        steps(sb, "Mitigation", mitigation);
        paragraph(sb, "Notes", notes);
        if (url != null) {
            sb.append("More: ").append(shownUrl()).append('\n');
        }
        return sb.toString();
    }

    private static void paragraph(StringBuilder sb, String name, String text) {
        if (!text.isBlank()) {
            sb.append(name).append(": ").append(oneLine(text)).append('\n');
        }
    }

    private static void steps(StringBuilder sb, String name, List<String> steps) {
        if (steps.isEmpty()) {
            return;
        }
        sb.append(name).append(":\n");
        for (int i = 0; i < steps.size(); i++) {
            sb.append("  ").append(i + 1).append(". ").append(oneLine(steps.get(i))).append('\n');
        }
    }

    /** The text on one line: line breaks and the spaces around them become one space. */
    private static String oneLine(String text) {
        return dev.tocsin.core.internal.LineBreaks.join(text);
    }

    /** The URL without its user info, so credentials embedded in it never reach a log. */
    private String shownUrl() {
        return dev.tocsin.core.internal.Urls.withoutUserInfo(url);
    }

    @Override
    public String toString() {
        String shown = url == null ? "" : ", " + shownUrl();
        return "Runbook[" + title + shown + ", " + diagnosis.size() + " diagnosis steps, "
                + mitigation.size() + " mitigation steps]";
    }

    /** Builds a {@link Runbook}; every text defaults to empty and every list to no steps. */
    public static final class Builder {
        private final String title;
        private String summary = "";
        private String meaning = "";
        private String impact = "";
        private final List<String> impactPoints = new ArrayList<>();
        private final List<String> diagnosis = new ArrayList<>();
        private final List<String> mitigation = new ArrayList<>();
        private String notes = "";
        private URI url;
        private String ruleDefinition;

        private Builder(String title) {
            this.title = Objects.requireNonNull(title, "title");
        }

        /**
         * Sets the one-line summary.
         *
         * @param summary the summary
         * @return this builder
         */
        public Builder summary(String summary) {
            this.summary = Objects.requireNonNull(summary, "summary");
            return this;
        }

        /**
         * Sets the Meaning text.
         *
         * @param meaning the Meaning text
         * @return this builder
         */
        public Builder meaning(String meaning) {
            this.meaning = Objects.requireNonNull(meaning, "meaning");
            return this;
        }

        /**
         * Sets the Impact prose.
         *
         * @param impact the Impact prose
         * @return this builder
         */
        public Builder impact(String impact) {
            this.impact = Objects.requireNonNull(impact, "impact");
            return this;
        }

        /**
         * Appends an Impact bullet point.
         *
         * @param point the bullet point
         * @return this builder
         */
        public Builder impactPoint(String point) {
            impactPoints.add(Objects.requireNonNull(point, "point"));
            return this;
        }

        /**
         * Appends a Diagnosis step.
         *
         * @param step the step
         * @return this builder
         */
        public Builder diagnosisStep(String step) {
            diagnosis.add(Objects.requireNonNull(step, "step"));
            return this;
        }

        /**
         * Appends a Mitigation step.
         *
         * @param step the step
         * @return this builder
         */
        public Builder mitigationStep(String step) {
            mitigation.add(Objects.requireNonNull(step, "step"));
            return this;
        }

        /**
         * Sets the closing notes.
         *
         * @param notes the notes
         * @return this builder
         */
        public Builder notes(String notes) {
            this.notes = Objects.requireNonNull(notes, "notes");
            return this;
        }

        /**
         * Sets where the runbook is published.
         *
         * @param url the URL
         * @return this builder
         */
        public Builder url(URI url) {
            this.url = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * Sets the documented rule (YAML).
         *
         * @param yaml the rule, as YAML
         * @return this builder
         */
        public Builder ruleDefinition(String yaml) {
            this.ruleDefinition = Objects.requireNonNull(yaml, "yaml");
            return this;
        }

        /**
         * Returns the runbook.
         *
         * @return the runbook
         */
        public Runbook build() {
            return new Runbook(this);
        }
    }
}
