package dev.tocsin.core.internal.expr;

import dev.tocsin.core.ExpressionException;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.expr.Node.Aggregate;
import dev.tocsin.core.internal.expr.Node.Binary;
import dev.tocsin.core.internal.expr.Node.Call;
import dev.tocsin.core.internal.expr.Node.NumberLiteral;
import dev.tocsin.core.internal.expr.Node.Paren;
import dev.tocsin.core.internal.expr.Node.Unary;
import dev.tocsin.core.internal.expr.Node.VectorSelector;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a checked AST into an evaluation plan, once per expression. Constructs outside the implemented subset fail
 * here with an {@link ExpressionException} naming the construct and its position.
 *
 * <p>Implemented: instant vector selectors; comparisons between an instant vector and a constant scalar (filter
 * mode, either side); constant scalars ({@code 1}, {@code -(2)}), whose result is one sample with no labels.
 */
final class Compiler {

    /** Receives the samples of a vector, one by one. */
    interface Sink {
        /** Accepts one output sample and whether it derives from held input. */
        void accept(Sample sample, boolean held);
    }

    /** An evaluable instant-vector expression. */
    interface VectorPlan {
        /** Evaluates, passing every result sample to {@code sink}. */
        void eval(EvalContext ctx, Sink sink);
    }

    private final Source source;
    private final Set<String> metricNames = new TreeSet<>();
    private boolean readsAllFamilies;

    private Compiler(String text) {
        this.source = new Source(text);
    }

    /** The compiled form of an expression. */
    record Compiled(VectorPlan vector, double scalar, Set<String> metricNames, boolean readsAllFamilies) {
    }

    static Compiled compile(String text, Node root) {
        Compiler c = new Compiler(text);
        if (root.type() == ValueType.SCALAR) {
            double v = c.scalar(root);
            return new Compiled(null, v, Set.of(), false);
        }
        VectorPlan plan = c.vector(root);
        return new Compiled(plan, Double.NaN, Set.copyOf(c.metricNames), c.readsAllFamilies);
    }

    private ExpressionException unsupported(Node n, String what) {
        return source.error(n.pos().offset(), what + " is not supported yet");
    }

    private ExpressionException unsupportedConstruct(Node n) {
        if (n instanceof Call) {
            return unsupported(n, "function " + ((Call) n).function());
        }
        if (n instanceof Aggregate) {
            return unsupported(n, "aggregation " + ((Aggregate) n).op());
        }
        if (n instanceof Binary) {
            Binary b = (Binary) n;
            if (b.returnBool()) {
                return unsupported(n, "the bool modifier of '" + b.op().symbol() + "'");
            }
            if (b.op().isComparison() && b.lhs().type() == ValueType.INSTANT_VECTOR
                    && b.rhs().type() == ValueType.INSTANT_VECTOR) {
                return unsupported(n, "binary operator '" + b.op().symbol() + "' between two instant vectors");
            }
            return unsupported(n, "binary operator '" + b.op().symbol() + "'");
        }
        if (n instanceof Unary) {
            return unsupported(n, "unary operator '" + (((Unary) n).negate() ? "-" : "+") + "' on an "
                    + n.type().description());
        }
        if (n instanceof VectorSelector) {
            VectorSelector vs = (VectorSelector) n;
            return unsupported(n, vs.modifiers().hasOffset() ? "offset modifier" : "@ modifier");
        }
        if (n instanceof Node.MatrixSelector) {
            return unsupported(n, "range selector");
        }
        if (n instanceof Node.Subquery) {
            return unsupported(n, "subquery");
        }
        return unsupported(n, "this expression");
    }

    private double scalar(Node n) {
        if (n instanceof NumberLiteral) {
            return ((NumberLiteral) n).value();
        }
        if (n instanceof Paren) {
            return scalar(((Paren) n).expr());
        }
        if (n instanceof Unary && n.type() == ValueType.SCALAR) {
            double v = scalar(((Unary) n).expr());
            return ((Unary) n).negate() ? -v : v;
        }
        throw unsupportedConstruct(n);
    }

    private VectorPlan vector(Node n) {
        if (n instanceof Paren) {
            return vector(((Paren) n).expr());
        }
        if (n instanceof VectorSelector) {
            VectorSelector vs = (VectorSelector) n;
            if (vs.modifiers().any()) {
                throw unsupportedConstruct(n);
            }
            return selector(vs);
        }
        if (n instanceof Binary) {
            Binary b = (Binary) n;
            if (b.op().isComparison() && !b.returnBool() && b.matching() == null) {
                if (b.lhs().type() == ValueType.INSTANT_VECTOR && b.rhs().type() == ValueType.SCALAR) {
                    return filter(vector(b.lhs()), b.op(), scalar(b.rhs()), false);
                }
                if (b.lhs().type() == ValueType.SCALAR && b.rhs().type() == ValueType.INSTANT_VECTOR) {
                    double s = scalar(b.lhs());
                    return filter(vector(b.rhs()), b.op(), s, true);
                }
            }
        }
        throw unsupportedConstruct(n);
    }

    private VectorPlan selector(VectorSelector vs) {
        String fixedName = vs.metricName();
        List<LabelMatcher> rest = new ArrayList<>();
        for (LabelMatcher m : vs.matchers()) {
            if (fixedName.isEmpty() && m.name().equals(Labels.METRIC_NAME)
                    && m.op() == LabelMatcher.MatchOp.EQUAL) {
                fixedName = m.value();
            } else {
                rest.add(m);
            }
        }
        LabelMatcher[] matchers = rest.toArray(new LabelMatcher[0]);
        if (fixedName.isEmpty()) {
            readsAllFamilies = true;
            return (ctx, sink) -> {
                for (Family f : ctx.families()) {
                    select(f, matchers, sink);
                }
            };
        }
        String name = fixedName;
        metricNames.add(name);
        // Any further __name__ matchers stay in 'matchers' and are checked per sample.
        return (ctx, sink) -> select(ctx.family(name), matchers, sink);
    }

    private static void select(Family f, LabelMatcher[] matchers, Sink sink) {
        int n = f.size();
        outer:
        for (int k = 0; k < n; k++) {
            Sample s = f.sample(k);
            Labels labels = s.labels();
            for (LabelMatcher m : matchers) {
                if (!m.matches(labels.get(m.name()))) {
                    continue outer;
                }
            }
            sink.accept(s, f.held(k));
        }
    }

    /**
     * A comparison in filter mode: keeps the samples for which it holds, unchanged (value and labels, including the
     * metric name, exactly as Prometheus does without {@code bool}).
     */
    private static VectorPlan filter(VectorPlan inner, BinaryOp op, double scalar, boolean scalarOnLeft) {
        if (scalarOnLeft) {
            return (ctx, sink) -> inner.eval(ctx, (s, held) -> {
                if (op.compare(scalar, s.value())) {
                    sink.accept(s, held);
                }
            });
        }
        return (ctx, sink) -> inner.eval(ctx, (s, held) -> {
            if (op.compare(s.value(), scalar)) {
                sink.accept(s, held);
            }
        });
    }
}
