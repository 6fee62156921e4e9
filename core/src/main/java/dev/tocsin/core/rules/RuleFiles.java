package dev.tocsin.core.rules;

import dev.tocsin.core.internal.rules.RuleFileParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Loads Prometheus rule files ({@code groups:} of alerting and recording rules) into Tocsin rules.
 *
 * <pre>{@code
 * RuleGroups file = RuleFiles.load(Path.of("haproxy-rules.yml"));
 * Evaluator evaluator = Evaluator.builder().source(lb).ruleGroups(file).build(); // alerting and recording rules
 * }</pre>
 *
 * <p>Files are checked as strictly as Prometheus checks them: unknown keys, duplicate keys, duplicate group names,
 * bad durations, label names and expressions are {@link RuleFileException}s naming the file, line, column, group and
 * rule. Group {@code labels} are merged into each rule's labels (the rule's own win).
 */
public final class RuleFiles {

    /** The largest rule file accepted (16 MiB). */
    public static final long MAX_FILE_BYTES = 16L << 20;

    private RuleFiles() {
    }

    /**
     * Loading options.
     *
     * @param skipUnsupported whether a rule that Tocsin cannot run yet (an expression construct not supported yet, or
     *     an alert name that is not a metric name) is left out and listed in {@link RuleGroups#skipped()} instead of
     *     failing the whole file
     */
    public record Options(boolean skipUnsupported) {

        /**
         * Returns the defaults: fail on any rule Tocsin cannot run.
         *
         * @return the default options
         */
        public static Options defaults() {
            return new Options(false);
        }

        /**
         * Returns options that skip the rules Tocsin cannot run instead of failing the file (they are listed in
         * {@link RuleGroups#skipped()}).
         *
         * @return the options
         */
        public static Options skippingUnsupported() {
            return new Options(true);
        }
    }

    /**
     * Loads a rule file with the default options.
     *
     * @param file the rule file
     * @return the file's groups
     * @throws RuleFileException if the file is invalid
     * @throws UncheckedIOException if it cannot be read
     */
    public static RuleGroups load(Path file) {
        return load(file, Options.defaults());
    }

    /**
     * Loads a rule file.
     *
     * @param file the rule file
     * @param options loading options
     * @return the file's groups
     * @throws RuleFileException if the file is invalid, or too large, or not UTF-8
     * @throws UncheckedIOException if it cannot be read
     */
    public static RuleGroups load(Path file, Options options) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        String name = file.toString();
        return parse(name, read(file, name), options);
    }

    /**
     * Parses rule-file text with the default options.
     *
     * @param name the file name used in messages
     * @param yaml the file's content
     * @return the file's groups
     * @throws RuleFileException if it is invalid
     */
    public static RuleGroups parse(String name, String yaml) {
        return parse(name, yaml, Options.defaults());
    }

    /**
     * Parses rule-file text.
     *
     * @param name the file name used in messages
     * @param yaml the file's content
     * @param options loading options
     * @return the file's groups
     * @throws RuleFileException if it is invalid
     */
    public static RuleGroups parse(String name, String yaml, Options options) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(options, "options");
        return RuleFileParser.parse(name, yaml, options.skipUnsupported());
    }

    static String read(Path file, String name) {
        try {
            byte[] bytes = dev.tocsin.core.internal.BoundedFiles.read(file, MAX_FILE_BYTES);
            if (bytes == null) {
                throw new RuleFileException(name, 0, 0, "", "", "file is larger than " + MAX_FILE_BYTES + " bytes");
            }
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new RuleFileException(name, 0, 0, "", "", "not valid UTF-8");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + ": "
                    + dev.tocsin.core.internal.rules.RuleTestRunner.ioReason(e), e);
        }
    }
}
