/**
 * Prometheus rule files and promtool rule unit tests.
 *
 * <p>{@link dev.tocsin.core.rules.RuleFiles} loads the {@code groups:} of a Prometheus rule file into
 * {@link dev.tocsin.core.Rule}s and {@link dev.tocsin.core.rules.RecordingRule}s (register both, in file order, with
 * {@code Evaluator.Builder.ruleGroups}), checking the file as strictly as Prometheus does and reporting problems as
 * {@link dev.tocsin.core.rules.RuleFileException}s with file, line, column, group and rule.
 * {@link dev.tocsin.core.rules.RuleTests} runs {@code promtool test rules} files against a real
 * {@link dev.tocsin.core.Evaluator}, with promtool's output and exit code.
 */
package dev.tocsin.core.rules;
