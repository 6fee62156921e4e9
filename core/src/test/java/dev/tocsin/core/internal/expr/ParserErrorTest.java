package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tocsin.core.ExpressionException;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed expressions: each fails with an ExpressionException at the right line and column. */
class ParserErrorTest {

    static Stream<Arguments> cases() {
        return Stream.of(
            // expression, line, column, message fragment
            Arguments.of("", 1, 1, "unexpected end of input, expected an expression"),
            Arguments.of("   ", 1, 4, "unexpected end of input, expected an expression"),
            Arguments.of("up{", 1, 4, "unexpected end of input inside braces"),
            Arguments.of("up{a=\"b\"", 1, 9, "unexpected end of input inside braces"),
            Arguments.of("up{a=\"b\"}}", 1, 10, "unexpected character: '}'"),
            Arguments.of("up{,}", 1, 4, "unexpected \",\" in label matching, expected identifier or \"}\""),
            Arguments.of("up{a}", 1, 5, "unexpected \"}\" in label matching, expected label matching operator"),
            Arguments.of("up{a=}", 1, 6, "unexpected \"}\" in label matching, expected string"),
            Arguments.of("up{a=\"b\" c=\"d\"}", 1, 10,
                    "unexpected identifier \"c\" in label matching, expected \",\" or \"}\""),
            Arguments.of("up{a==\"b\"}", 1, 6, "unexpected \"=\" in label matching, expected string"),
            Arguments.of("up{\"a\"=\"b\"}", 1, 4, "quoted label names of Prometheus 3 are not supported"),
            Arguments.of("up{a:b=\"c\"}", 1, 5, "unexpected character inside braces: ':'"),
            Arguments.of("up{a=\"\\q\"}", 1, 6, "unknown escape sequence U+0071 'q'"),
            Arguments.of("up{a=\"\\400\"}", 1, 6, "escape sequence is an invalid Unicode code point"),
            Arguments.of("up{a=\"\\uD800\"}", 1, 6, "escape sequence is an invalid Unicode code point"),
            Arguments.of("up{a=\"\\xZZ\"}", 1, 6, "illegal character U+005A 'Z' in escape sequence"),
            Arguments.of("up{a=\"abc}", 1, 6, "unterminated quoted string"),
            Arguments.of("up{a=\"a\nb\"}", 1, 6, "unterminated quoted string"),
            Arguments.of("up{a=`abc}", 1, 6, "unterminated raw string"),
            Arguments.of("up{a=\"\\\"}", 1, 6, "unterminated quoted string"),
            Arguments.of("up{a='\\\"'}", 1, 6, "unknown escape sequence U+0022"),
            Arguments.of("up{a=~\"(\"}", 1, 7, "error parsing regexp"),
            Arguments.of("up{a=~\"a++\"}", 1, 7, "invalid nested repetition operator"),
            Arguments.of("up{a=~\"(?<n>x)\"}", 1, 7, "invalid or unsupported Perl syntax"),
            Arguments.of("up{a=~\"x{1001}\"}", 1, 7, "invalid repeat count"),
            Arguments.of("up{a=~\"\\\\Z\"}", 1, 7, "invalid escape sequence"),
            Arguments.of("up{a=~\"(?U)a*\"}", 1, 7, "ungreedy"),
            Arguments.of("{}", 1, 1, "vector selector must contain at least one non-empty matcher"),
            Arguments.of("{x=\"\"}", 1, 1, "vector selector must contain at least one non-empty matcher"),
            Arguments.of("{x=~\".*\"}", 1, 1, "vector selector must contain at least one non-empty matcher"),
            Arguments.of("{x!~\".+\"}", 1, 1, "vector selector must contain at least one non-empty matcher"),
            Arguments.of("up{__name__=\"x\"}", 1, 1, "metric name must not be set twice: \"up\" or \"x\""),
            Arguments.of("x{a=\"b\"}{c=\"d\"}", 1, 9, "unexpected \"{\", expected a binary operator or end of input"),
            Arguments.of("(up", 1, 4, "unclosed left parenthesis"),
            Arguments.of("up)", 1, 3, "unexpected right parenthesis ')'"),
            Arguments.of("(up up)", 1, 5, "unexpected identifier \"up\", expected \")\" or a binary operator"),
            Arguments.of("up up", 1, 4, "unexpected identifier \"up\", expected a binary operator or end of input"),
            Arguments.of("up ==", 1, 6, "unexpected end of input, expected an expression"),
            Arguments.of("up > > 1", 1, 6, "unexpected \">\", expected an expression"),
            Arguments.of("== 1", 1, 1, "unexpected \"==\", expected an expression"),
            Arguments.of("up\n  == \n  on", 3, 5, "unexpected end of input in grouping opts, expected \"(\""),
            Arguments.of("1 == 1", 1, 3, "comparisons between scalars must use BOOL modifier"),
            Arguments.of("up + bool 1", 1, 4, "bool modifier can only be used on comparison operators"),
            Arguments.of("1 and up", 1, 3, "set operator \"and\" not allowed in binary scalar expression"),
            Arguments.of("up > on(a) 1", 1, 4, "vector matching only allowed between instant vectors"),
            Arguments.of("a and on(x) group_left b", 1, 3, "no grouping allowed for \"and\" operation"),
            Arguments.of("x[5m] > 1", 1, 1, "binary expression must contain only scalar and instant vector types"),
            Arguments.of("x[5m]", 1, 1, "expression must evaluate to an instant vector or a scalar, got range vector"),
            Arguments.of("\"foo\"", 1, 1, "expression must evaluate to an instant vector or a scalar, got string"),
            Arguments.of("x[5]", 1, 3, "missing unit character in duration"),
            Arguments.of("x[5m", 1, 5, "unclosed left bracket"),
            Arguments.of("x]", 1, 2, "unexpected right bracket ']'"),
            Arguments.of("x[5m] offset 1m offset 2m", 1, 1, "offset may not be set multiple times"),
            Arguments.of("x offset 5", 1, 10, "unexpected number \"5\" in offset, expected duration"),
            Arguments.of("x offset 0s", 1, 10, "duration must be greater than 0"),
            // unknown to Prometheus 2.42, as the functions later versions added behind a feature flag
            Arguments.of("1 + mad_over_time(x[5m])", 1, 5, "unknown function with name \"mad_over_time\""),
            Arguments.of("sort_by_label(x, \"a\")", 1, 1, "unknown function with name \"sort_by_label\""),
            Arguments.of("limitk(1, x)", 1, 1, "unknown function with name \"limitk\""),
            Arguments.of("rate(x[0s])", 1, 8, "duration must be greater than 0"),
            Arguments.of("max_over_time(x[5m:0s])", 1, 20, "duration must be greater than 0"),
            Arguments.of("max_over_time(x[5m:5])", 1, 20,
                    "unexpected number \"5\" in subquery selector, expected duration or \"]\""),
            Arguments.of("rate(x[293y])", 1, 8, "duration out of range"),
            Arguments.of("x offset 292y52w", 1, 10, "duration out of range"),
            Arguments.of("rate(x[9223372036854775807ms])", 1, 8, "duration out of range"),
            Arguments.of("rate(x[99999999999999999999ms])", 1, 8, "duration out of range"),
            Arguments.of("x offset 5m [5m]", 1, 13, "no offset modifiers allowed before range"),
            Arguments.of("rate(x[5m])[5m]", 1, 12, "ranges only allowed for vector selectors"),
            Arguments.of("rate(x[5m]) offset 5m", 1, 13, "offset modifier must be preceded by"),
            Arguments.of("x[5m:1m:1m]", 1, 8, "unexpected colon ':'"),
            Arguments.of("x[1x]", 1, 3, "bad duration syntax: \"1\""),
            Arguments.of("x[1y2y]", 1, 3, "bad duration syntax: \"1y2\""),
            Arguments.of("x offset 1y2y", 1, 10, "bad number or duration syntax: \"1y2\""),
            Arguments.of("5m", 1, 1, "unexpected duration \"5m\", expected an expression"),
            Arguments.of("1e", 1, 1, "error parsing number: \"1e\": invalid syntax"),
            Arguments.of("1e999", 1, 1, "value out of range"),
            Arguments.of("0x1.2", 1, 1, "error parsing number"),
            Arguments.of("0b1", 1, 1, "bad number or duration syntax"),
            Arguments.of("1_000", 1, 1, "bad number or duration syntax"),
            Arguments.of("foo(bar)", 1, 1, "unknown function with name \"foo\""),
            Arguments.of("rate(x)", 1, 6, "expected type range vector in call to function \"rate\", got instant vector"),
            Arguments.of("rate(x[1m], y)", 1, 1, "expected 1 argument(s) in call to function \"rate\", got 2"),
            Arguments.of("round(x, 1, 2)", 1, 1, "expected at most 2 argument(s)"),
            Arguments.of("label_join(x)", 1, 1, "expected at least 3 argument(s)"),
            Arguments.of("abs(x,)", 1, 6, "trailing commas not allowed in function call args"),
            Arguments.of("sum()", 1, 1, "no arguments for aggregate expression provided"),
            Arguments.of("topk(x)", 1, 1, "wrong number of arguments for aggregate expression provided, expected 2, got 1"),
            Arguments.of("sum(1)", 1, 5, "expected type instant vector in aggregation expression, got scalar"),
            Arguments.of("count_values(1, x)", 1, 14, "expected type string in aggregation parameter, got scalar"),
            Arguments.of("sum by (a:b) (x)", 1, 9, "in grouping opts, expected label"),
            Arguments.of("sum by (a) (x) by (b)", 1, 16, "unexpected <by>"),
            Arguments.of("on", 1, 1, "unexpected <on>, expected an expression"),
            Arguments.of("bool", 1, 1, "unexpected <bool>, expected an expression"),
            Arguments.of("atan2", 1, 1, "unexpected <atan2>, expected an expression"),
            Arguments.of("up ! 1", 1, 4, "unexpected character after '!': ' '"),
            Arguments.of("up =~ 1", 1, 4, "unexpected character after '=': '~'"),
            Arguments.of("up $ 1", 1, 4, "unexpected character: '$'"),
            Arguments.of("-\"a\"", 1, 1, "unary expression only allowed on expressions of type scalar or instant vector"),
            Arguments.of("x @ foo", 1, 5, "expected a timestamp, start() or end()"),
            Arguments.of("up\n> 1\nand\n  )", 4, 3, "unexpected right parenthesis"),
            Arguments.of("up{a=\"é\"} > \"\\q\"", 1, 13, "unknown escape sequence")
        );
    }

    @ParameterizedTest(name = "[{index}] <{0}>")
    @MethodSource("cases")
    void malformedInputFailsWithPosition(String expr, int line, int column, String fragment) {
        assertThatThrownBy(() -> Expression.parse(expr))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.detail()).contains(fragment);
                    assertThat(e.line()).as("line of " + e.getMessage()).isEqualTo(line);
                    assertThat(e.column()).as("column of " + e.getMessage()).isEqualTo(column);
                    assertThat(e.getMessage()).startsWith("expression at line " + line + ", column " + column);
                });
    }
}
