package dev.tocsin.core.internal.expr;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.tocsin.core.ExpressionException;

import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link Expression#parse(String)}: whatever the input, only {@link ExpressionException} may escape, and a
 * parsed expression prints to text that parses again. The committed seeds replay on every build; real fuzzing runs
 * with {@code JAZZER_FUZZ=1}.
 */
class ExpressionFuzzTest {

    @FuzzTest(maxDuration = "3m")
    void parse(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        Node ast;
        try {
            ast = Parser.parse(text);
        } catch (ExpressionException e) {
            if (e.line() < 1 || e.column() < 1) {
                throw new AssertionError("exception without position: " + e.getMessage(), e);
            }
            return;
        }
        String printed = Printer.print(ast);
        Node again;
        try {
            again = Parser.parse(printed);
        } catch (ExpressionException e) {
            // the printer adds parentheses (e.g. around nested unary minus), so an input close to the nesting limit
            // may print to text that crosses it; anything else is a printer or parser bug
            if (e.detail().contains("nests too deeply")) {
                return;
            }
            throw new AssertionError("printed form does not parse: " + text + " -> " + printed, e);
        }
        if (!Printer.print(again).equals(printed)) {
            throw new AssertionError("printing is not stable: " + text + " -> " + printed + " -> "
                    + Printer.print(again));
        }
        try {
            Expression.parse(text).evaluate(new TestContext());
        } catch (ExpressionException e) {
            // besides unsupported constructs (and subqueries of too many steps), the compiler checks the constant string arguments of label_replace,
            // label_join and count_values (a regular expression, label names), which the parser does not
            if (!e.detail().contains("is not supported") && !e.detail().startsWith("invalid ")) {
                throw new AssertionError("parser accepted what the compiler rejected: " + e.getMessage(), e);
            }
        } catch (ExpressionEvaluationException e) {
            // a legitimate evaluation failure (e.g. duplicate series), reported to the rule
            return;
        }
    }
}
