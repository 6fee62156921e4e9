package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.expr.Node.Aggregate;
import dev.tocsin.core.internal.expr.Node.Binary;
import dev.tocsin.core.internal.expr.Node.Call;
import dev.tocsin.core.internal.expr.Node.MatrixSelector;
import dev.tocsin.core.internal.expr.Node.Modifiers;
import dev.tocsin.core.internal.expr.Node.NumberLiteral;
import dev.tocsin.core.internal.expr.Node.Paren;
import dev.tocsin.core.internal.expr.Node.Subquery;
import dev.tocsin.core.internal.expr.Node.Unary;
import dev.tocsin.core.internal.expr.Node.VectorMatching;
import dev.tocsin.core.internal.expr.Node.VectorSelector;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ExpressionPropertiesTest {

    @Test
    void printingARandomAstAndParsingItGivesTheSameAst() {
        qt().withExamples(2000).forAll(longs().all()).checkAssert(seed -> {
            Node ast = new AstGen(new Random(seed)).vector(4);
            String text = Printer.print(ast);
            Node parsed = Parser.parse(text);
            assertThat(stripParens(parsed)).as(text).isEqualTo(ast);
        });
    }

    @Test
    void filterKeepsExactlyTheInputSamplesForWhichTheComparisonHolds() {
        BinaryOp[] ops = {BinaryOp.EQL, BinaryOp.NEQ, BinaryOp.GTR, BinaryOp.LSS, BinaryOp.GTE, BinaryOp.LTE};
        double[] values = {0, 1, -1, 0.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 42};
        qt().withExamples(500).forAll(longs().all(), integers().between(0, 5), integers().between(0, 7))
                .checkAssert((seed, opIndex, thresholdIndex) -> {
                    Random r = new Random(seed);
                    TestContext ctx = new TestContext();
                    List<Sample> input = new ArrayList<>();
                    List<Boolean> held = new ArrayList<>();
                    int n = r.nextInt(20);
                    for (int i = 0; i < n; i++) {
                        Sample s = Sample.of("m", values[r.nextInt(values.length)], "i", Integer.toString(i),
                                "j", r.nextBoolean() ? "x" : "");
                        boolean h = r.nextBoolean();
                        input.add(s);
                        held.add(h);
                        ctx.add(s, h);
                    }
                    BinaryOp op = ops[opIndex];
                    double t = values[thresholdIndex];
                    boolean scalarLeft = r.nextBoolean();
                    String expr = scalarLeft ? Printer.number(t) + " " + op.symbol() + " m{j=\"\"}"
                            : "m{j=\"\"} " + op.symbol() + " " + Printer.number(t);
                    Vector out = Expression.parse(expr).evaluate(ctx);
                    List<Sample> want = new ArrayList<>();
                    List<Boolean> wantHeld = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        Sample s = input.get(i);
                        boolean keep = s.labels().get("j").isEmpty()
                                && (scalarLeft ? op.compare(t, s.value()) : op.compare(s.value(), t));
                        if (keep) {
                            want.add(s);
                            wantHeld.add(held.get(i));
                        }
                    }
                    assertThat(out.samples()).as(expr).containsExactlyElementsOf(want);
                    for (int i = 0; i < out.size(); i++) {
                        assertThat(out.held(i)).isEqualTo(wantHeld.get(i));
                    }
                });
    }

    /** Removes the parentheses the printer adds, so that parsed and generated ASTs compare. */
    static Node stripParens(Node n) {
        if (n instanceof Paren) {
            return stripParens(((Paren) n).expr());
        }
        if (n instanceof Binary) {
            Binary b = (Binary) n;
            return new Binary(b.op(), stripParens(b.lhs()), stripParens(b.rhs()), b.returnBool(), b.matching(),
                    b.pos());
        }
        if (n instanceof Unary) {
            return new Unary(((Unary) n).negate(), stripParens(((Unary) n).expr()), n.pos());
        }
        if (n instanceof Call) {
            List<Node> args = new ArrayList<>();
            ((Call) n).args().forEach(a -> args.add(stripParens(a)));
            return new Call(((Call) n).function(), args, n.pos());
        }
        if (n instanceof Aggregate) {
            Aggregate a = (Aggregate) n;
            List<Node> params = new ArrayList<>();
            a.params().forEach(p -> params.add(stripParens(p)));
            return new Aggregate(a.op(), params, stripParens(a.expr()), a.grouping(), a.without(), a.pos());
        }
        if (n instanceof Subquery) {
            Subquery s = (Subquery) n;
            return new Subquery(stripParens(s.expr()), s.rangeMillis(), s.stepMillis(), s.modifiers(), s.pos());
        }
        return n;
    }

    /** Generates random, type-correct ASTs (without parentheses; the printer adds the needed ones). */
    static final class AstGen {
        private static final String[] NAMES = {"up", "http_requests:rate5m", "a_b", "sum", "and", "offset"};
        private static final String[] LABELS = {"job", "instance", "code", "_x1"};
        private static final String[] VALUES = {"a", "", "5xx", "with \"quotes\"", "back\\slash", "new\nline",
            "tab\t", "é€😀", "'single'", "`raw`"};
        private static final String[] REGEXES = {".*", ".+", "a|b", "(?i)ab", "[[:alpha:]]+", "x{2,3}", "\\d+"};
        private static final BinaryOp[] COMPARISONS = {BinaryOp.EQL, BinaryOp.NEQ, BinaryOp.GTR, BinaryOp.LSS,
            BinaryOp.GTE, BinaryOp.LTE};
        private static final BinaryOp[] ARITHMETIC = {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV,
            BinaryOp.MOD, BinaryOp.POW, BinaryOp.ATAN2};
        private static final BinaryOp[] SET = {BinaryOp.AND, BinaryOp.OR, BinaryOp.UNLESS};

        private final Random r;

        AstGen(Random r) {
            this.r = r;
        }

        private <T> T pick(T[] a) {
            return a[r.nextInt(a.length)];
        }

        Node vector(int depth) {
            int choice = depth <= 0 ? 0 : r.nextInt(8);
            switch (choice) {
                case 0:
                case 1:
                    return selector();
                case 2:
                    return r.nextBoolean()
                            ? new Binary(pick(COMPARISONS), vector(depth - 1), scalar(depth - 1), r.nextInt(4) == 0,
                                    null, Pos.NONE)
                            : new Binary(pick(COMPARISONS), scalar(depth - 1), vector(depth - 1), r.nextInt(4) == 0,
                                    null, Pos.NONE);
                case 3: {
                    BinaryOp op = r.nextBoolean() ? pick(SET) : pick(ARITHMETIC);
                    VectorMatching m = r.nextBoolean() ? null
                            : new VectorMatching(r.nextBoolean(), List.of(pick(LABELS)), "", List.of());
                    return new Binary(op, vector(depth - 1), vector(depth - 1), false, m, Pos.NONE);
                }
                case 4: {
                    Node v = vector(depth - 1);
                    return new Unary(r.nextBoolean(), v, Pos.NONE);
                }
                case 5:
                    return r.nextBoolean() ? new Call("abs", List.of(vector(depth - 1)), Pos.NONE)
                            : new Call("rate", List.of(new MatrixSelector(selector(), 60_000L * (1 + r.nextInt(10)),
                                    Pos.NONE)), Pos.NONE);
                case 6:
                    return r.nextBoolean()
                            ? new Aggregate("sum", List.of(), vector(depth - 1),
                                    r.nextBoolean() ? List.of() : List.of(pick(LABELS), "by"), r.nextBoolean(),
                                    Pos.NONE)
                            : new Aggregate("topk", List.of(scalar(depth - 1)), vector(depth - 1), List.of(), false,
                                    Pos.NONE);
                default:
                    return new Call("max_over_time", List.of(new Subquery(vector(depth - 1), 300_000, 
                            r.nextBoolean() ? 0 : 30_000, Modifiers.NONE, Pos.NONE)), Pos.NONE);
            }
        }

        Node scalar(int depth) {
            int choice = depth <= 0 ? 0 : r.nextInt(5);
            switch (choice) {
                case 0:
                case 1:
                    return number();
                case 2:
                    return new Binary(pick(ARITHMETIC), scalar(depth - 1), scalar(depth - 1), false, null, Pos.NONE);
                case 3:
                    return new Binary(pick(COMPARISONS), scalar(depth - 1), scalar(depth - 1), true, null, Pos.NONE);
                default: {
                    Node s = scalar(depth - 1);
                    return s instanceof NumberLiteral ? s : new Unary(r.nextBoolean(), s, Pos.NONE);
                }
            }
        }

        NumberLiteral number() {
            double[] special = {0, 1, -1, 0.5, -0.0, 1e-300, 1e300, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, 123456789012345678.0};
            double v = r.nextBoolean() ? special[r.nextInt(special.length)]
                    : (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(20) - 10);
            return new NumberLiteral(v, Pos.NONE);
        }

        VectorSelector selector() {
            String name = r.nextInt(4) == 0 ? "" : pick(NAMES);
            List<LabelMatcher> matchers = new ArrayList<>();
            int n = r.nextInt(3);
            try {
                if (name.isEmpty()) {
                    matchers.add(LabelMatcher.of(r.nextBoolean() ? Labels.METRIC_NAME : pick(LABELS),
                            LabelMatcher.MatchOp.EQUAL, "v", Pos.NONE));
                }
                for (int i = 0; i < n; i++) {
                    LabelMatcher.MatchOp op = pick(LabelMatcher.MatchOp.values());
                    String value = op.isRegex() ? pick(REGEXES) : pick(VALUES);
                    matchers.add(LabelMatcher.of(pick(LABELS), op, value, Pos.NONE));
                }
            } catch (RegexTranslator.RegexException e) {
                throw new AssertionError(e);
            }
            Modifiers m = Modifiers.NONE;
            if (r.nextInt(4) == 0) {
                m = m.withOffset((r.nextBoolean() ? 1 : -1) * (1 + (long) r.nextInt(100_000_000)));
            }
            if (r.nextInt(5) == 0) {
                m = m.withAt(r.nextBoolean() ? "start()" : "end()");
            }
            return new VectorSelector(name, matchers, m, Pos.NONE);
        }
    }
}
