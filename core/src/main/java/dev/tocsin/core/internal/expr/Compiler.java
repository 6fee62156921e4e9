package dev.tocsin.core.internal.expr;

import dev.tocsin.core.ExpressionException;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.expr.Node.Aggregate;
import dev.tocsin.core.internal.expr.Node.Binary;
import dev.tocsin.core.internal.expr.Node.Call;
import dev.tocsin.core.internal.expr.Node.NumberLiteral;
import dev.tocsin.core.internal.expr.Node.Paren;
import dev.tocsin.core.internal.expr.Node.StringLiteral;
import dev.tocsin.core.internal.expr.Node.Unary;
import dev.tocsin.core.internal.expr.Node.VectorSelector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a checked AST into an evaluation plan, once per expression. Constructs outside the implemented subset fail
 * here with an {@link ExpressionException} naming the construct and its position. Semantics follow Prometheus 2.42
 * ({@code promql/engine.go}, {@code functions.go}); see {@code docs/expressions.md}.
 */
final class Compiler {

    /** Receives the samples of a vector, one by one. */
    interface Sink {
        /** Accepts one output sample and whether it derives from held input. */
        void accept(Labels labels, double value, boolean held);

        /**
         * Accepts one output sample whose labels are {@code named} without the metric name (a range function's
         * result for a series). The set without the name is built only by a sink that reads it: one that groups
         * by other labels, or passes the sample on to one that does ({@link NamelessPassing}), is given the series'
         * own labels, which are the same object at every evaluation and need no allocation.
         */
        default void acceptWithoutName(Labels named, double value, boolean held) {
            accept(named.withoutMetricName(), value, held);
        }
    }

    /**
     * A sink that takes a sample given without its name ({@link Sink#acceptWithoutName}) in that form: a filter, a
     * vector/scalar operation or the duplicate check, which hand it on so; an aggregation, which groups it by the
     * series' own labels when the name does not matter to it; a collector into a {@link Vector}, which keeps the note.
     */
    @FunctionalInterface
    interface NamelessPassing extends Sink {
        /** Handles one sample; {@code nameless}: its labels are {@code labels} without the metric name. */
        void take(Labels labels, double value, boolean held, boolean nameless);

        @Override
        default void accept(Labels labels, double value, boolean held) {
            take(labels, value, held, false);
        }

        @Override
        default void acceptWithoutName(Labels named, double value, boolean held) {
            take(named, value, held, true);
        }
    }

    /** An evaluable instant-vector expression. */
    interface VectorPlan {
        /** Evaluates, passing every result sample to {@code sink}. */
        void eval(EvalContext ctx, Sink sink);
    }

    /** An evaluable scalar expression. */
    interface ScalarPlan {
        /** Evaluates; sets {@code held[0]} when the value derives from held input. */
        double eval(EvalContext ctx, boolean[] held);
    }

    private final Source source;
    private final Set<String> metricNames = new TreeSet<>();
    private boolean readsAllFamilies;
    private long lookbackMillis;
    /** The metric names read through the history, each with how far back it is read (range plus offset). */
    private final Map<String, Long> historyLookback = new TreeMap<>();
    private boolean historyAllFamilies;
    /** Inside a subquery: how much further back than its own window a selector must be readable. */
    private long subqueryLookback;
    private int subqueryDepth;
    /** The steps of the enclosing subqueries multiplied: a nested one runs once per step of each around it. */
    private long subquerySteps = 1;

    /** The most steps a subquery may evaluate per evaluation (as Prometheus' limit for range queries). */
    static final long MAX_SUBQUERY_STEPS = 11_000;

    /**
     * The step of a subquery without one ({@code x[1h:]}) when the context gives none (see
     * {@link EvalContext#defaultSubqueryStepMillis()}): Prometheus' default evaluation interval.
     */
    static final long DEFAULT_SUBQUERY_STEP_MILLIS = 60_000L;

    /** Prometheus' default lookback for instant selectors ({@code --query.lookback-delta}). */
    static final long LOOKBACK_DELTA_MILLIS = 5 * 60 * 1000L;

    /**
     * Whether the expression is a rule's: Prometheus evaluates a rule through its printed text, whose selectors list
     * their matchers sorted, and that order decides the labels of {@code absent} (see {@link #absentLabels}).
     */
    private final boolean ruleForm;

    private Compiler(String text, boolean ruleForm) {
        this.source = new Source(text);
        this.ruleForm = ruleForm;
    }

    /** The compiled form of an expression: exactly one of {@code vector} and {@code scalar} is set. */
    record Compiled(VectorPlan vector, ScalarPlan scalar, Set<String> metricNames, boolean readsAllFamilies,
                    long lookbackMillis, Map<String, Long> historyLookback, boolean historyAllFamilies) {

        /** Returns the metric names read through the history. */
        Set<String> historyNames() {
            return historyLookback.keySet();
        }
    }

    static Compiled compile(String text, Node root) {
        return compile(text, root, false);
    }

    /** Compiles a query ({@code ruleForm} false) or a rule's expression (see {@link #ruleForm}). */
    static Compiled compile(String text, Node root, boolean ruleForm) {
        Compiler c = new Compiler(text, ruleForm);
        if (root.type() == ValueType.SCALAR) {
            ScalarPlan s = c.scalar(root);
            return new Compiled(null, s, Set.copyOf(c.metricNames), c.readsAllFamilies, c.lookbackMillis,
                    Map.copyOf(c.historyLookback), c.historyAllFamilies);
        }
        VectorPlan plan = c.vector(root);
        return new Compiled(plan, null, Set.copyOf(c.metricNames), c.readsAllFamilies, c.lookbackMillis,
                Map.copyOf(c.historyLookback), c.historyAllFamilies);
    }

    private ExpressionException unsupported(Node n, String what) {
        return source.unsupported(n.pos().offset(), what + " is not supported yet");
    }

    /** An {@code @ <timestamp>} modifier of {@code n}, located at its {@code @}. */
    private ExpressionException unsupportedAt(Node n) {
        String t = source.text();
        int at = n.pos().offset();
        char quote = 0;
        for (int k = at; k < t.length(); k++) {
            char c = t.charAt(k);
            if (quote != 0) {
                if (c == '\\' && quote != '`') {
                    k++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'' || c == '`') {
                quote = c;
            } else if (c == '@') {
                at = k;
                break;
            }
        }
        return source.unsupported(at, "@ modifier with a timestamp is not supported yet");
    }

    private ExpressionException unsupportedConstruct(Node n) {
        if (n instanceof Call) {
            return unsupported(n, "function " + ((Call) n).function());
        }
        if (n instanceof Aggregate) {
            return unsupported(n, "aggregation " + ((Aggregate) n).op());
        }
        if (n instanceof Binary) {
            return unsupported(n, "binary operator '" + ((Binary) n).op().symbol() + "'");
        }
        if (n instanceof VectorSelector) {
            VectorSelector vs = (VectorSelector) n;
            return fixedAt(vs.modifiers()) ? unsupportedAt(n) : unsupported(n, "offset modifier");
        }
        if (n instanceof Node.MatrixSelector) {
            return unsupported(n, "range selector");
        }
        if (n instanceof Node.Subquery) {
            return unsupported(n, "subquery");
        }
        return unsupported(n, "this expression");
    }

    static ExpressionEvaluationException evalError(String message) {
        return new ExpressionEvaluationException(message);
    }

    // ---------------------------------------------------------------- scalars

    /** Returns the value of a constant scalar expression, or null when it depends on the evaluation. */
    private static Double constant(Node n) {
        if (n instanceof NumberLiteral) {
            return ((NumberLiteral) n).value();
        }
        if (n instanceof Paren) {
            return constant(((Paren) n).expr());
        }
        if (n instanceof Unary && n.type() == ValueType.SCALAR) {
            Double v = constant(((Unary) n).expr());
            return v == null ? null : ((Unary) n).negate() ? -v : v;
        }
        if (n instanceof Binary && n.type() == ValueType.SCALAR) {
            Binary b = (Binary) n;
            Double l = constant(b.lhs());
            Double r = constant(b.rhs());
            if (l == null || r == null) {
                return null;
            }
            return scalarBinop(b.op(), l, r);
        }
        return null;
    }

    private static double scalarBinop(BinaryOp op, double l, double r) {
        if (op.isComparison()) {
            return op.compare(l, r) ? 1 : 0; // only legal with bool between scalars
        }
        return Ops.arith(op, l, r);
    }

    private ScalarPlan scalar(Node n) {
        Double c = constant(n);
        if (c != null) {
            double v = c;
            return (ctx, held) -> v;
        }
        if (n instanceof Paren) {
            return scalar(((Paren) n).expr());
        }
        if (n instanceof Unary) {
            ScalarPlan inner = scalar(((Unary) n).expr());
            return ((Unary) n).negate() ? (ctx, held) -> -inner.eval(ctx, held) : inner;
        }
        if (n instanceof Binary) {
            Binary b = (Binary) n;
            ScalarPlan l = scalar(b.lhs());
            ScalarPlan r = scalar(b.rhs());
            BinaryOp op = b.op();
            return (ctx, held) -> scalarBinop(op, l.eval(ctx, held), r.eval(ctx, held));
        }
        if (n instanceof Call) {
            Call call = (Call) n;
            switch (call.function()) {
                case "time":
                    return (ctx, held) -> ctx.time().toEpochMilli() / 1000.0;
                case "pi":
                    return (ctx, held) -> Math.PI;
                case "scalar": {
                    VectorPlan v = vector(call.args().get(0));
                    return (ctx, held) -> {
                        Vector vec = collect(v, ctx);
                        if (vec.size() != 1) {
                            return Double.NaN;
                        }
                        held[0] |= vec.held(0);
                        return vec.value(0);
                    };
                }
                default:
                    break;
            }
        }
        throw unsupportedConstruct(n);
    }

    private static String string(Node n) {
        if (n instanceof Paren) {
            return string(((Paren) n).expr());
        }
        return ((StringLiteral) n).value();
    }

    static Vector collect(VectorPlan plan, EvalContext ctx) {
        Vector v = new Vector();
        plan.eval(ctx, into(v));
        return v;
    }

    /** A sink adding to {@code v}, samples given without their name in that form ({@link Vector#addWithoutName}). */
    private static Sink into(Vector v) {
        return (NamelessPassing) (labels, value, held, nameless) -> {
            if (nameless) {
                v.addWithoutName(labels, value, held);
            } else {
                v.add(labels, value, held);
            }
        };
    }

    /**
     * Collects into a vector sized by {@code sizeHint[0]}, the size of the call site's last result (then updated):
     * a result of tens of thousands of samples is not grown by doubling at every evaluation. A hint only: a racy
     * read by a concurrent evaluation of the same plan is harmless.
     */
    static Vector collect(VectorPlan plan, EvalContext ctx, int[] sizeHint) {
        int last = sizeHint[0];
        Vector v = new Vector(last + (last >> 3) + 8);
        plan.eval(ctx, into(v));
        sizeHint[0] = v.size();
        return v;
    }

    // ---------------------------------------------------------------- vectors

    private VectorPlan vector(Node n) {
        if (n instanceof Paren) {
            return vector(((Paren) n).expr());
        }
        if (n instanceof VectorSelector) {
            VectorSelector vs = (VectorSelector) n;
            if (fixedAt(vs.modifiers())) {
                throw unsupportedConstruct(n);
            }
            boolean pin = pinned(vs.modifiers());
            if (vs.modifiers().hasOffset()) {
                return pinnedIf(pin, offsetSelector(vs, false));
            }
            return pinnedIf(pin, selector(vs));
        }
        if (n instanceof Binary) {
            return binary((Binary) n);
        }
        if (n instanceof Unary) {
            Unary u = (Unary) n;
            VectorPlan inner = vector(u.expr());
            if (!u.negate()) {
                return inner;
            }
            return checkedUnlessOneMetric(u.expr(), (ctx, sink) -> inner.eval(ctx, (sl, sv, held) ->
                    sink.accept(sl.withoutMetricName(), -sv, held)));
        }
        if (n instanceof Aggregate) {
            return memoized(n, aggregate((Aggregate) n));
        }
        if (n instanceof Call) {
            return call((Call) n);
        }
        throw unsupportedConstruct(n);
    }

    /**
     * Shares the result of {@code plan} (an aggregation or a range function: pure functions of the context) between
     * every occurrence of the same PromQL text in one evaluation, through {@link EvalContext#memo()}. The printed
     * text is a lossless key: the printer round-trips every expression. An evaluation error is not kept: a second
     * occurrence fails the same way.
     */
    private VectorPlan memoized(Node n, VectorPlan plan) {
        // a rule's and a query's results of the same text may differ (absent's labels, see ruleForm): never shared
        String key = ruleForm ? "rule\0" + Printer.print(n) : Printer.print(n);
        int[] sizeHint = {0};
        return (ctx, sink) -> {
            Map<String, Vector> memo = ctx.memo();
            if (memo == null) {
                plan.eval(ctx, sink);
                return;
            }
            Vector v = memo.get(key);
            if (v == null) {
                v = collect(plan, ctx, sizeHint);
                memo.put(key, v);
            }
            for (int i = 0; i < v.size(); i++) {
                v.replay(i, sink);
            }
        };
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
        if (subqueryDepth > 0) {
            // evaluated at past steps too: those read the history with the 5 minute lookback
            if (fixedName.isEmpty()) {
                historyAllFamilies = true;
            } else {
                historyLookback.merge(fixedName, subqueryLookback + LOOKBACK_DELTA_MILLIS, Math::max);
            }
            lookbackMillis = Math.max(lookbackMillis, subqueryLookback + LOOKBACK_DELTA_MILLIS);
        }
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
            sink.accept(labels, s.value(), f.held(k));
        }
    }

    /**
     * Wraps a plan whose output labels may collide: Prometheus fails the evaluation with "vector cannot contain
     * metrics with the same labelset".
     */
    private static VectorPlan checked(VectorPlan plan) {
        return (ctx, sink) -> {
            Set<Labels> seen = new HashSet<>();
            plan.eval(ctx, (NamelessPassing) (sl, sv, held, nameless) -> {
                if (!seen.add(nameless ? sl.withoutMetricName() : sl)) {
                    throw evalError("vector cannot contain metrics with the same labelset");
                }
                pass(sink, sl, sv, held, nameless); // as given: an aggregation after it still sees the same objects
            });
        };
    }

    /**
     * Like {@link #checked}, but skips the check (and its set of every output label set) when the input is a
     * selector of one metric name: its series differ in labels other than the name, so dropping the name cannot
     * make two equal.
     */
    private static VectorPlan checkedUnlessOneMetric(Node input, VectorPlan plan) {
        if (distinctWithoutName(input)) {
            return plan;
        }
        Node n = unwrap(input);
        if (n instanceof VectorSelector) {
            VectorSelector vs = (VectorSelector) n;
            boolean fixed = !vs.metricName().isEmpty();
            for (LabelMatcher m : vs.matchers()) {
                fixed |= m.name().equals(Labels.METRIC_NAME) && m.op() == LabelMatcher.MatchOp.EQUAL;
            }
            if (fixed) {
                return plan;
            }
        }
        return checked(plan);
    }

    /**
     * Whether every result of {@code n} is known, from its form alone, to carry no metric name and a label set of
     * its own, so that dropping the name from its results cannot make two equal: an aggregation (one result per
     * group; not {@code topk}/{@code bottomk}, which return their input's samples), a range function over a range
     * selector (one result per series without the name, checked when the selector has no fixed name; not
     * {@code last_over_time}, which keeps it), and arithmetic or comparisons between such a vector and a scalar.
     */
    static boolean distinctWithoutName(Node input) {
        Node n = unwrap(input);
        if (n instanceof Aggregate) {
            Aggregate a = (Aggregate) n;
            if (a.op().equals("topk") || a.op().equals("bottomk")) {
                return false;
            }
            if (!a.without() && a.grouping().contains(Labels.METRIC_NAME)) {
                return false; // by (__name__) keeps the name
            }
            if (a.op().equals("count_values")) {
                // the value label may be __name__ itself (or not known from the form)
                Node label = unwrap(a.params().get(0));
                return label instanceof StringLiteral
                        && !((StringLiteral) label).value().equals(Labels.METRIC_NAME);
            }
            return true;
        }
        if (n instanceof Call) {
            Call c = (Call) n;
            if (RangeFunctions.code(c.function()) < 0 || c.function().equals("last_over_time")) {
                return false;
            }
            int rangeArg = c.function().equals("quantile_over_time") ? 1 : 0;
            return c.args().size() > rangeArg && unwrap(c.args().get(rangeArg)) instanceof Node.MatrixSelector;
        }
        if (n instanceof Binary) {
            Binary b = (Binary) n;
            boolean leftVector = b.lhs().type() == ValueType.INSTANT_VECTOR;
            boolean rightVector = b.rhs().type() == ValueType.INSTANT_VECTOR;
            if (leftVector == rightVector || b.op().isSet()) {
                return false; // vector-vector matching is checked on its own; scalar-scalar is no vector
            }
            return distinctWithoutName(leftVector ? b.lhs() : b.rhs());
        }
        return false;
    }

    // ---------------------------------------------------------------- binary operators

    private VectorPlan binary(Binary b) {
        ValueType lt = b.lhs().type();
        ValueType rt = b.rhs().type();
        BinaryOp op = b.op();
        boolean returnBool = b.returnBool();
        if (lt == ValueType.INSTANT_VECTOR && rt == ValueType.INSTANT_VECTOR) {
            VectorPlan l = vector(b.lhs());
            VectorPlan r = vector(b.rhs());
            Node.VectorMatching m = b.matching();
            boolean on = m != null && m.on();
            String[] names = m == null ? new String[0] : m.labels().toArray(new String[0]);
            if (op.isSet()) {
                return setOp(op, l, r, on, names);
            }
            String group = m == null ? "" : m.group();
            String[] include = m == null ? new String[0] : m.include().toArray(new String[0]);
            int[] leftSize = {0};
            int[] rightSize = {0};
            VectorPlan plan = (ctx, sink) -> vectorBinop(collect(l, ctx, leftSize), collect(r, ctx, rightSize), op,
                    on, names, group, include, returnBool, sink);
            // one-to-one: each result's labels are its match signature (plus the name a filter keeps), and a
            // signature matched twice already fails, so no two results can be equal; except when on(...) puts the
            // name into the signature and the operation drops it from the result
            boolean nameOnlyInSignature = on && java.util.Arrays.asList(names).contains(Labels.METRIC_NAME)
                    && (Ops.dropsName(op) || returnBool);
            return group.isEmpty() && !nameOnlyInSignature ? plan : checked(plan);
        }
        boolean scalarLeft = lt == ValueType.SCALAR;
        VectorPlan v = vector(scalarLeft ? b.rhs() : b.lhs());
        Node scalarNode = scalarLeft ? b.lhs() : b.rhs();
        Double c = constant(scalarNode);
        if (op.isComparison() && !returnBool && c != null) {
            return filter(v, op, c, scalarLeft);
        }
        ScalarPlan sp = scalar(scalarNode);
        // a name-free input (rate(x[1m]) * 100) has no name to drop: its label sets are passed on as they are
        boolean dropName = (Ops.dropsName(op) || returnBool) && !distinctWithoutName(scalarLeft ? b.rhs() : b.lhs());
        VectorPlan plan = (ctx, sink) -> {
            boolean[] sh = new boolean[1];
            double scalarValue = sp.eval(ctx, sh);
            boolean scalarHeld = sh[0];
            v.eval(ctx, (NamelessPassing) (sl, sv, held, nameless) -> {
                double lv = scalarLeft ? scalarValue : sv;
                double rv = scalarLeft ? sv : scalarValue;
                double value;
                boolean keep;
                if (op.isComparison()) {
                    keep = op.compare(lv, rv);
                    value = sv;
                } else {
                    keep = true;
                    value = Ops.arith(op, lv, rv);
                }
                if (returnBool) {
                    value = keep ? 1 : 0;
                    keep = true;
                }
                if (keep) {
                    if (nameless) {
                        // given without its name: it stays so, whether the operation drops the name or not
                        sink.acceptWithoutName(sl, value, held || scalarHeld);
                    } else {
                        sink.accept(dropName ? sl.withoutMetricName() : sl, value, held || scalarHeld);
                    }
                }
            });
        };
        return dropName ? checkedUnlessOneMetric(scalarLeft ? b.rhs() : b.lhs(), plan) : plan;
    }

    /**
     * A comparison with a constant in filter mode: keeps the samples for which it holds, unchanged (value and
     * labels, including the metric name, exactly as Prometheus does without {@code bool}).
     */
    private static VectorPlan filter(VectorPlan inner, BinaryOp op, double scalar, boolean scalarOnLeft) {
        if (scalarOnLeft) {
            return (ctx, sink) -> inner.eval(ctx, (NamelessPassing) (sl, sv, held, nameless) -> {
                if (op.compare(scalar, sv)) {
                    pass(sink, sl, sv, held, nameless);
                }
            });
        }
        return (ctx, sink) -> inner.eval(ctx, (NamelessPassing) (sl, sv, held, nameless) -> {
            if (op.compare(sv, scalar)) {
                pass(sink, sl, sv, held, nameless);
            }
        });
    }

    /** Hands a sample on: {@code nameless}, its labels are {@code labels} without the metric name. */
    private static void pass(Sink sink, Labels labels, double value, boolean held, boolean nameless) {
        if (nameless) {
            sink.acceptWithoutName(labels, value, held);
        } else {
            sink.accept(labels, value, held);
        }
    }

    private static VectorPlan setOp(BinaryOp op, VectorPlan l, VectorPlan r, boolean on, String[] names) {
        int[] leftSize = {0};
        int[] rightSize = {0};
        return (ctx, sink) -> {
            Vector lhs = collect(l, ctx, leftSize);
            Vector rhs = collect(r, ctx, rightSize);
            lhs.resolveNames(); // read label by label, some more than once
            rhs.resolveNames();
            switch (op) {
                case AND: {
                    Map<Object, Boolean> right = new HashMap<>(rhs.size() * 4 / 3 + 1);
                    for (int i = 0; i < rhs.size(); i++) {
                        right.merge(Ops.matchKey(rhs.labels(i), on, names), rhs.held(i), Boolean::logicalOr);
                    }
                    for (int i = 0; i < lhs.size(); i++) {
                        Boolean h = right.get(Ops.matchKey(lhs.labels(i), on, names));
                        if (h != null) {
                            sink.accept(lhs.labels(i), lhs.value(i), lhs.held(i) || h);
                        }
                    }
                    break;
                }
                case OR: {
                    Set<Object> left = new HashSet<>(lhs.size() * 4 / 3 + 1);
                    for (int i = 0; i < lhs.size(); i++) {
                        left.add(Ops.matchKey(lhs.labels(i), on, names));
                        sink.accept(lhs.labels(i), lhs.value(i), lhs.held(i));
                    }
                    for (int i = 0; i < rhs.size(); i++) {
                        if (!left.contains(Ops.matchKey(rhs.labels(i), on, names))) {
                            sink.accept(rhs.labels(i), rhs.value(i), rhs.held(i));
                        }
                    }
                    break;
                }
                default: { // UNLESS
                    Map<Object, Boolean> right = new HashMap<>(rhs.size() * 4 / 3 + 1);
                    for (int i = 0; i < rhs.size(); i++) {
                        right.merge(Ops.matchKey(rhs.labels(i), on, names), rhs.held(i), Boolean::logicalOr);
                    }
                    for (int i = 0; i < lhs.size(); i++) {
                        if (!right.containsKey(Ops.matchKey(lhs.labels(i), on, names))) {
                            sink.accept(lhs.labels(i), lhs.value(i), lhs.held(i));
                        }
                    }
                    break;
                }
            }
        };
    }

    /** Prometheus' {@code convertibleToInt64}: false for NaN and outside [-2^63, the largest double below 2^63]. */
    static boolean convertibleToInt64(double v) {
        return v >= -0x1p63 && v <= 0x1.fffffffffffffp62;
    }

    /**
     * The k of {@code topk} / {@code bottomk}, as Prometheus converts it: an evaluation error for NaN and values
     * outside what converts to an int64 ({@code Scalar value NaN overflows int64}; Prometheus' bound is the largest
     * double below 2^63), else truncated towards zero.
     */
    static long topkParameter(double v) {
        if (!convertibleToInt64(v)) {
            throw evalError("Scalar value " + dev.tocsin.core.internal.template.GoFloat.formatV(v)
                    + " overflows int64");
        }
        return (long) v;
    }

    /** Prometheus' {@code VectorBinop}: one-to-one, many-to-one ({@code group_left}), one-to-many. */
    private static void vectorBinop(Vector lhs, Vector rhs, BinaryOp op, boolean on, String[] names, String group,
                                    String[] include, boolean returnBool, Sink sink) {
        lhs.resolveNames(); // read label by label, some more than once: each name-free set made once
        rhs.resolveNames();
        if (lhs.size() == 0 || rhs.size() == 0) {
            return; // nothing can match: no duplicate or cardinality error either, as in Prometheus
        }
        boolean oneToMany = group.equals("right");
        boolean oneToOne = group.isEmpty();
        if (oneToMany) {
            Vector t = lhs;
            lhs = rhs;
            rhs = t;
        }
        Map<Object, Integer> rightSigs = new HashMap<>(rhs.size() * 4 / 3 + 1);
        for (int i = 0; i < rhs.size(); i++) {
            Labels rl = rhs.labels(i);
            Object sig = Ops.matchKey(rl, on, names);
            Integer dupl = rightSigs.put(sig, i);
            if (dupl != null) {
                throw evalError("found duplicate series for the match group " + matchedLabels(rl, on, names)
                        + " on the " + (oneToMany ? "left" : "right") + " hand-side of the operation: [" + rl + ", "
                        + rhs.labels(dupl) + "];many-to-many matching not allowed: matching labels must "
                        + "be unique on one side");
            }
        }
        Map<Object, Set<Labels>> matched = new HashMap<>(lhs.size() * 4 / 3 + 1);
        boolean dropName = Ops.dropsName(op);
        for (int i = 0; i < lhs.size(); i++) {
            Sample ls = lhs.sample(i);
            Object sig = Ops.matchKey(ls.labels(), on, names);
            Integer ri = rightSigs.get(sig);
            if (ri == null) {
                continue;
            }
            Sample rs = rhs.sample(ri);
            double vl = ls.value();
            double vr = rs.value();
            if (oneToMany) {
                double t = vl;
                vl = vr;
                vr = t;
            }
            double value;
            boolean keep;
            if (op.isComparison()) {
                keep = op.compare(vl, vr);
                value = vl;
            } else {
                keep = true;
                value = Ops.arith(op, vl, vr);
            }
            if (returnBool) {
                value = keep ? 1 : 0;
            } else if (!keep) {
                continue;
            }
            Labels metric = ls.labels();
            if (dropName) {
                metric = metric.withoutMetricName();
            }
            if (oneToOne) {
                metric = on ? Ops.keep(metric, names) : metric.without(names);
            }
            for (String ln : include) {
                metric = Ops.set(metric, ln, rs.labels().get(ln));
            }
            if (returnBool) {
                metric = metric.withoutMetricName();
            }
            Set<Labels> inserted = matched.get(sig);
            if (oneToOne) {
                if (inserted != null) {
                    throw evalError("multiple matches for labels: many-to-one matching must be explicit "
                            + "(group_left/group_right)");
                }
                matched.put(sig, Set.of());
            } else {
                if (inserted == null) {
                    inserted = new HashSet<>();
                    matched.put(sig, inserted);
                } else if (inserted.contains(metric)) {
                    throw evalError("multiple matches for labels: grouping labels must ensure unique matches");
                }
                inserted.add(metric);
            }
            sink.accept(metric, value, lhs.held(i) || rhs.held(ri));
        }
    }

    private static String matchedLabels(Labels l, boolean on, String[] names) {
        return on ? Ops.keep(l, names).toString() : l.without(names).withoutMetricName().toString();
    }

    // ---------------------------------------------------------------- aggregations

    /** One group of an aggregation. */
    private static final class Group {
        final Labels labels;
        /** The group's position in the order the evaluation created the groups. */
        int ordinal;
        double value;
        double mean;
        long count;
        boolean held;
        List<Sample> samples;
        List<Boolean> helds;

        Group(Labels labels) {
            this.labels = labels;
        }
    }

    /**
     * What an aggregation saw at each position of its input in its last evaluation: the label set object and the
     * ordinal of the group it went to. While an evaluation's input repeats the last one's label set objects position
     * by position (a history's series give the same objects in the same order every time), the groups are created in
     * the same order, so each sample's group is known from its position, without reading its labels or hashing them.
     * Taken by one evaluation at a time (see {@link #take}): a concurrent evaluation of the same plan builds its own.
     */
    static final class GroupLayout {
        /** Evaluations in a row without one remembered position before the layout pauses. */
        static final int MISSES_BEFORE_PAUSE = 3;
        /** Evaluations the layout then sits out (holding nothing), before it tries again. */
        static final int PAUSE_EVALUATIONS = 64;

        Labels[] inputs = new Labels[16];
        int[] groups = new int[16];
        /** The number of positions recorded by the last complete evaluation. */
        int size;
        /** Recorded evaluations in a row whose input repeated none of the remembered label set objects. */
        int misses;
        /** Evaluations left to sit out: an input rebuilt at every evaluation ({@code sum(x * 2)}) never matches. */
        int paused;

        /** Starts an evaluation: whether it uses and records the layout (false while paused, counting down). */
        boolean use() {
            if (paused > 0) {
                paused--;
                return false;
            }
            return true;
        }

        /**
         * Records that the input at {@code position} was {@code labels} ({@code nameless}: given without its name, see
         * {@link Sink#acceptWithoutName}) and went to group {@code ordinal}; the form is kept in the sign of the entry.
         */
        void record(int position, Labels labels, boolean nameless, int ordinal) {
            if (position == inputs.length) {
                int n = Math.max(16, position + (position >> 1));
                inputs = java.util.Arrays.copyOf(inputs, n);
                groups = java.util.Arrays.copyOf(groups, n);
            }
            inputs[position] = labels;
            groups[position] = nameless ? ~ordinal : ordinal;
        }

        /** The group ordinal of an entry of {@link #groups} (negative: the input came without its name). */
        static int ordinal(int entry) {
            return entry < 0 ? ~entry : entry;
        }

        /**
         * Ends an evaluation that saw {@code n} inputs, {@code hits} of them at a remembered position: drops references
         * past them, shrinks if mostly unused, and after {@link #MISSES_BEFORE_PAUSE} evaluations without a hit over a
         * remembered input drops everything and pauses for {@link #PAUSE_EVALUATIONS}.
         */
        void finish(int n, int hits) {
            if (hits > 0 || size == 0 || n == 0) {
                misses = 0;
            } else if (++misses >= MISSES_BEFORE_PAUSE) {
                inputs = new Labels[16];
                groups = new int[16];
                size = 0;
                misses = 0;
                paused = PAUSE_EVALUATIONS;
                return;
            }
            if (n < size) {
                java.util.Arrays.fill(inputs, n, size, null);
            }
            size = n;
            if (inputs.length > 64 && n * 4 < inputs.length) {
                inputs = java.util.Arrays.copyOf(inputs, Math.max(16, n * 2));
                groups = java.util.Arrays.copyOf(groups, Math.max(16, n * 2));
            }
        }

        /** Takes the layout from {@code ref} for one evaluation (a fresh one when another evaluation holds it). */
        static GroupLayout take(java.util.concurrent.atomic.AtomicReference<GroupLayout> ref) {
            GroupLayout l = ref.getAndSet(null);
            return l != null ? l : new GroupLayout();
        }
    }

    /** The code of an aggregation operator for the per-sample step. */
    private static int opc(String op) {
        return switch (op) {
            case "sum" -> AGG_SUM;
            case "avg" -> AGG_AVG;
            case "max" -> AGG_MAX;
            case "min" -> AGG_MIN;
            case "count", "count_values" -> AGG_COUNT;
            case "stddev", "stdvar" -> AGG_STD;
            case "topk", "bottomk", "quantile" -> AGG_KEEP;
            default -> AGG_NONE;
        };
    }

    private VectorPlan aggregate(Aggregate a) {
        String op = a.op();
        VectorPlan inner = vector(a.expr());
        boolean without = a.without();
        String[] grouping = a.grouping().toArray(new String[0]);
        for (int i = 0; i < grouping.length; i++) {
            grouping[i] = grouping[i].intern(); // Labels finds interned names by identity
        }
        ScalarPlan param = null;
        String valueLabel = null;
        switch (op) {
            case "sum": case "avg": case "min": case "max": case "count": case "stddev": case "stdvar": case "group":
                break;
            case "topk": case "bottomk": case "quantile":
                param = scalar(a.params().get(0));
                break;
            case "count_values":
                valueLabel = string(a.params().get(0));
                if (!Labels.isValidName(valueLabel)) {
                    throw source.error(a.params().get(0).pos().offset(), "invalid label name \"" + valueLabel + "\"");
                }
                if (!without) {
                    String[] g = new String[grouping.length + 1];
                    System.arraycopy(grouping, 0, g, 0, grouping.length);
                    g[grouping.length] = valueLabel;
                    grouping = g;
                }
                break;
            default:
                throw unsupportedConstruct(a);
        }
        String[] withoutNames;
        if (without) {
            withoutNames = new String[grouping.length + 1];
            System.arraycopy(grouping, 0, withoutNames, 0, grouping.length);
            withoutNames[grouping.length] = Labels.METRIC_NAME;
        } else {
            withoutNames = null;
        }
        String[] by = grouping;
        // whether a sample's group, and all the aggregation keeps of it, are the same with and without its name
        boolean nameIgnored = valueLabel == null && !op.equals("topk") && !op.equals("bottomk")
                && (without || !java.util.Arrays.asList(grouping).contains(Labels.METRIC_NAME));
        String single = !without && valueLabel == null && grouping.length == 1 ? grouping[0] : null;
        ScalarPlan p = param;
        String vl = valueLabel;
        // the per-sample step dispatches on a small code, not on the operator's name
        int opc = opc(op);
        // the number of groups of the last evaluation, to size the maps (a hint: a racy read is harmless)
        int[] lastGroups = {16};
        // count_values groups by value too: a label set object does not tell its group
        java.util.concurrent.atomic.AtomicReference<GroupLayout> layoutRef =
                valueLabel == null ? new java.util.concurrent.atomic.AtomicReference<>() : null;
        return (ctx, sink) -> {
            boolean[] ph = new boolean[1];
            double pv = p == null ? Double.NaN : p.eval(ctx, ph);
            long k = 0;
            if (op.equals("topk") || op.equals("bottomk")) {
                if (!convertibleToInt64(pv) || (long) pv < 1) {
                    // Prometheus evaluates the operand before it looks at k: its errors come first
                    inner.eval(ctx, (sl, sv, held) -> { });
                }
                k = topkParameter(pv);
                if (k < 1) {
                    return;
                }
            }
            int capacity = lastGroups[0] * 4 / 3 + 1;
            Map<Labels, Group> groups = new LinkedHashMap<>(capacity);
            // by one label (the common case): find the group by that label's value, without building a label set
            // per sample; a value identifies the group as its label set does
            Map<String, Group> byValue = single != null ? new HashMap<>(capacity) : null;
            long kk = k;
            List<Group> created = new ArrayList<>(capacity);
            GroupLayout taken = layoutRef != null ? GroupLayout.take(layoutRef) : null;
            GroupLayout layout = taken != null && taken.use() ? taken : null;
            // position in the input, whether every position so far repeated the last evaluation's label sets, and
            // how many did
            int[] at = {0, layout != null ? 1 : 0, 0};
            inner.eval(ctx, (NamelessPassing) (given, sv, held, nameless) -> {
                // a sample given without its name: its group is the same with the name (not grouped by), and the
                // series' own labels are the same object at each evaluation (the layout's positions hold)
                Labels sl = nameless && !nameIgnored ? given.withoutMetricName() : given;
                Labels metric = sl;
                int position = at[0]++;
                Group g = null;
                boolean known = false;
                if (at[1] != 0) {
                    // the layout remembers the object given (the same at each evaluation even when the name-free
                    // set is made anew) and the form it came in
                    if (position < layout.size && layout.inputs[position] == given
                            && layout.groups[position] < 0 == nameless) {
                        int ordinal = GroupLayout.ordinal(layout.groups[position]);
                        g = ordinal < created.size() ? created.get(ordinal) : null; // else: a new group, as last time
                        known = true;
                        at[2]++;
                    } else {
                        at[1] = 0; // from here on, by labels
                    }
                }
                if (vl != null) {
                    metric = metric.with(vl, Ops.formatGoFloat(sv));
                }
                String value1 = null;
                if (byValue != null && g == null) {
                    value1 = metric.get(single);
                    if (!known) {
                        g = byValue.get(value1);
                    }
                }
                Labels key = g != null ? g.labels
                        : withoutNames != null ? metric.without(withoutNames) : Ops.keep(metric, by);
                if (g == null && byValue == null && !known) {
                    g = groups.get(key);
                }
                double v = sv;
                if (g == null) {
                    g = new Group(key);
                    g.ordinal = created.size();
                    created.add(g);
                    groups.put(key, g);
                    if (byValue != null) {
                        byValue.put(value1, g);
                    }
                    if (layout != null && !known) {
                        layout.record(position, given, nameless, g.ordinal);
                    }
                    g.value = v;
                    g.mean = v;
                    g.count = 1;
                    g.held = held;
                    if (opc == AGG_STD) {
                        g.value = 0;
                    }
                    if (opc == AGG_KEEP) {
                        g.samples = new ArrayList<>();
                        g.helds = new ArrayList<>();
                        g.samples.add(new Sample(sl, sv));
                        g.helds.add(held);
                    }
                    return;
                }
                if (layout != null && !known) {
                    layout.record(position, given, nameless, g.ordinal);
                }
                g.held |= held;
                switch (opc) {
                    case AGG_SUM:
                        g.value += v;
                        break;
                    case AGG_AVG:
                        g.count++;
                        if (Double.isInfinite(g.mean)) {
                            if (Double.isInfinite(v) && (g.mean > 0) == (v > 0)) {
                                break;
                            }
                            if (!Double.isInfinite(v) && !Double.isNaN(v)) {
                                break;
                            }
                        }
                        g.mean += v / g.count - g.mean / g.count;
                        break;
                    case AGG_MAX:
                        if (g.value < v || Double.isNaN(g.value)) {
                            g.value = v;
                        }
                        break;
                    case AGG_MIN:
                        if (g.value > v || Double.isNaN(g.value)) {
                            g.value = v;
                        }
                        break;
                    case AGG_COUNT:
                        g.count++;
                        break;
                    case AGG_STD: {
                        g.count++;
                        double delta = v - g.mean;
                        g.mean += delta / g.count;
                        g.value += delta * (v - g.mean);
                        break;
                    }
                    case AGG_KEEP:
                        g.samples.add(new Sample(sl, sv));
                        g.helds.add(held);
                        break;
                    default:
                        break;
                }
            });
            lastGroups[0] = groups.size();
            if (layout != null) {
                layout.finish(at[0], at[2]);
            }
            if (taken != null) {
                layoutRef.set(taken);
            }
            for (Group g : groups.values()) {
                boolean held = g.held || ph[0];
                double v;
                switch (op) {
                    case "avg": v = g.mean; break;
                    case "count": case "count_values": v = g.count; break;
                    case "stdvar": v = g.value / g.count; break;
                    case "stddev": v = Math.sqrt(g.value / g.count); break;
                    case "group": v = 1; break;
                    case "quantile": {
                        double[] vals = new double[g.samples.size()];
                        for (int i = 0; i < vals.length; i++) {
                            vals[i] = g.samples.get(i).value();
                        }
                        v = quantile(pv, vals);
                        break;
                    }
                    case "topk": case "bottomk": {
                        List<Sample> ss = g.samples;
                        double[] vals = new double[ss.size()];
                        for (int i = 0; i < vals.length; i++) {
                            vals[i] = ss.get(i).value();
                        }
                        for (int i : heapSelect(vals, kk, op.equals("topk"))) {
                            Sample kept = ss.get(i);
                            sink.accept(kept.labels(), kept.value(), g.helds.get(i) || ph[0]);
                        }
                        continue;
                    }
                    default: v = g.value; break;
                }
                sink.accept(g.labels, v, held);
            }
        };
    }

    // aggregation steps per sample (see aggregate)
    private static final int AGG_NONE = 0;
    private static final int AGG_SUM = 1;
    private static final int AGG_AVG = 2;
    private static final int AGG_MAX = 3;
    private static final int AGG_MIN = 4;
    private static final int AGG_COUNT = 5;
    private static final int AGG_STD = 6;
    private static final int AGG_KEEP = 7;

    /**
     * Which of {@code values} (a group's samples in input order) {@code topk} ({@code top}) or {@code bottomk} keeps,
     * as indexes in output order, chosen step for step as Prometheus does: a heap of at most {@code k} samples
     * (Go's {@code container/heap}) whose worst sample a later one replaces only when strictly better, NaN being
     * worse than any number; then the heap sorted best first (Go's insertion sort, which it uses up to 12 elements;
     * a stable sort beyond). Between equal values at the cut this keeps the samples Prometheus keeps for the same
     * input order, which a plain sort does not ({@code topk(2, ...)} over 1, 1, 2 keeps the second 1).
     */
    static int[] heapSelect(double[] values, long k, boolean top) {
        int n = values.length;
        int[] h = new int[(int) Math.min(k, n)];
        int len = 0;
        for (int i = 0; i < n; i++) {
            if (len > 0 && len == k) {
                double worst = values[h[0]];
                double s = values[i];
                if (!((top ? worst < s : worst > s) || Double.isNaN(worst))) {
                    continue;
                }
                if (k == 1) {
                    h[0] = i; // Prometheus replaces in place
                    continue;
                }
                // heap.Pop: the worst to the end, sifted down over the rest, removed
                swap(h, 0, len - 1);
                heapDown(h, values, top, 0, len - 1);
                len--;
            }
            // heap.Push: appended, sifted up
            h[len] = i;
            for (int j = len++; j > 0; ) {
                int parent = (j - 1) / 2;
                if (!heapLess(values, top, h[j], h[parent])) {
                    break;
                }
                swap(h, parent, j);
                j = parent;
            }
        }
        // sort.Sort(sort.Reverse(heap)): a before b when heapLess(b, a)
        if (len <= 12) {
            for (int i = 1; i < len; i++) {
                for (int j = i; j > 0 && heapLess(values, top, h[j - 1], h[j]); j--) {
                    swap(h, j, j - 1);
                }
            }
            return h;
        }
        Integer[] boxed = new Integer[len];
        for (int i = 0; i < len; i++) {
            boxed[i] = h[i];
        }
        java.util.Arrays.sort(boxed, (a, b) -> {
            boolean an = Double.isNaN(values[a]);
            boolean bn = Double.isNaN(values[b]);
            if (an || bn) {
                return Boolean.compare(an, bn); // NaN last
            }
            return top ? Double.compare(values[b], values[a]) : Double.compare(values[a], values[b]);
        });
        for (int i = 0; i < len; i++) {
            h[i] = boxed[i];
        }
        return h;
    }

    /** The heap's order ({@code vectorByValueHeap} / {@code vectorByReverseValueHeap}): NaN is less than anything. */
    private static boolean heapLess(double[] values, boolean top, int a, int b) {
        double x = values[a];
        if (Double.isNaN(x)) {
            return true;
        }
        return top ? x < values[b] : x > values[b];
    }

    /** Go's {@code heap.down} over the first {@code n} entries of {@code h}. */
    private static void heapDown(int[] h, double[] values, boolean top, int i, int n) {
        while (true) {
            int j = 2 * i + 1;
            if (j >= n) {
                return;
            }
            if (j + 1 < n && heapLess(values, top, h[j + 1], h[j])) {
                j++;
            }
            if (!heapLess(values, top, h[j], h[i])) {
                return;
            }
            swap(h, i, j);
            i = j;
        }
    }

    private static void swap(int[] h, int i, int j) {
        int t = h[i];
        h[i] = h[j];
        h[j] = t;
    }

    /** Prometheus' {@code quantile}: linear interpolation between the closest ranks; sorts {@code values}. */
    static double quantile(double q, double[] values) {
        if (values.length == 0 || Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        sortNaNFirst(values);
        double n = values.length;
        double rank = q * (n - 1);
        double lower = Math.max(0, Math.floor(rank));
        double upper = Math.min(n - 1, lower + 1);
        double weight = rank - Math.floor(rank);
        return values[(int) lower] * (1 - weight) + values[(int) upper] * weight;
    }

    private static void sortNaNFirst(double[] values) {
        java.util.Arrays.sort(values); // NaN sorts last in Java; Go's heap order puts it first
        int nan = 0;
        for (int i = values.length - 1; i >= 0 && Double.isNaN(values[i]); i--) {
            nan++;
        }
        if (nan > 0 && nan < values.length) {
            System.arraycopy(values, 0, values, nan, values.length - nan);
            java.util.Arrays.fill(values, 0, nan, Double.NaN);
        }
    }

    // ---------------------------------------------------------------- functions

    /** Maps a value to a value, dropping the metric name (Prometheus' {@code simpleFunc}). */
    private interface ValueFn {
        double apply(double v, double a, double b);
    }

    private VectorPlan mapValues(Node arg, ScalarPlan pa, ScalarPlan pb, ValueFn fn) {
        VectorPlan in = vector(arg);
        return checkedUnlessOneMetric(arg, (ctx, sink) -> {
            boolean[] h = new boolean[1];
            double a = pa == null ? 0 : pa.eval(ctx, h);
            double b = pb == null ? 0 : pb.eval(ctx, h);
            boolean sh = h[0];
            in.eval(ctx, (sl, sv, held) -> sink.accept(sl.withoutMetricName(), fn.apply(sv, a, b), held || sh));
        });
    }

    private VectorPlan call(Call call) {
        String f = call.function();
        List<Node> args = call.args();
        switch (f) {
            case "abs":
                return mapValues(args.get(0), null, null, (v, a, b) -> Math.abs(v));
            case "ceil":
                return mapValues(args.get(0), null, null, (v, a, b) -> Math.ceil(v));
            case "floor":
                return mapValues(args.get(0), null, null, (v, a, b) -> Math.floor(v));
            case "sqrt":
                return mapValues(args.get(0), null, null, (v, a, b) -> Math.sqrt(v));
            case "sgn":
                return mapValues(args.get(0), null, null, (v, a, b) -> v < 0 ? -1 : v > 0 ? 1 : v);
            case "exp":
                return mapValues(args.get(0), null, null, (v, a, b) -> GoMath.exp(v));
            case "ln":
                return mapValues(args.get(0), null, null, (v, a, b) -> GoMath.log(v));
            case "log10":
                return mapValues(args.get(0), null, null, (v, a, b) -> GoMath.log10(v));
            case "log2":
                return mapValues(args.get(0), null, null, (v, a, b) -> GoMath.log2(v));
            case "deg":
                return mapValues(args.get(0), null, null, (v, a, b) -> v * 180 / Math.PI);
            case "rad":
                return mapValues(args.get(0), null, null, (v, a, b) -> v * Math.PI / 180);
            case "sin":
                return mapValues(args.get(0), null, null, (v, a, b) -> GoTrig.sin(v));
            case "cos":
                return mapValues(args.get(0), null, null, (v, a, b) -> GoTrig.cos(v));
            case "tan":
                return mapValues(args.get(0), null, null, (v, a, b) -> GoTrig.tan(v));
            case "asin":
                return mapValues(args.get(0), null, null, (v, a, b) -> GoTrig.asin(v));
            case "acos":
                return mapValues(args.get(0), null, null, (v, a, b) -> GoTrig.acos(v));
            case "atan":
                return mapValues(args.get(0), null, null, (v, a, b) -> GoTrig.atan(v));
            case "sinh":
                return mapValues(args.get(0), null, null, (v, a, b) -> GoTrig.sinh(v));
            case "cosh":
                return mapValues(args.get(0), null, null, (v, a, b) -> GoTrig.cosh(v));
            case "tanh":
                return mapValues(args.get(0), null, null, (v, a, b) -> GoTrig.tanh(v));
            case "asinh":
                return mapValues(args.get(0), null, null, (v, a, b) -> GoMath.asinh(v));
            case "acosh":
                return mapValues(args.get(0), null, null, (v, a, b) -> GoMath.acosh(v));
            case "atanh":
                return mapValues(args.get(0), null, null, (v, a, b) -> GoMath.atanh(v));
            case "day_of_month": case "day_of_week": case "day_of_year": case "days_in_month": case "hour":
            case "minute": case "month": case "year":
                return dateFunction(f, args);
            case "round": {
                ScalarPlan to = args.size() > 1 ? scalar(args.get(1)) : (ctx, h) -> 1;
                return mapValues(args.get(0), to, null, (v, a, b) -> {
                    double inv = 1.0 / a;
                    return Math.floor(v * inv + 0.5) / inv;
                });
            }
            case "clamp": {
                VectorPlan in = vector(args.get(0));
                ScalarPlan lo = scalar(args.get(1));
                ScalarPlan hi = scalar(args.get(2));
                return checkedUnlessOneMetric(args.get(0), (ctx, sink) -> {
                    boolean[] h = new boolean[1];
                    double min = lo.eval(ctx, h);
                    double max = hi.eval(ctx, h);
                    if (max < min) {
                        // nothing, but the operand is evaluated all the same, as Prometheus: its errors count (and
                        // its samples, never renamed, cannot collide)
                        in.eval(ctx, (sl, sv, held) -> { });
                        return;
                    }
                    boolean sh = h[0];
                    in.eval(ctx, (sl, sv, held) -> sink.accept(sl.withoutMetricName(),
                            Ops.goMax(min, Ops.goMin(max, sv)), held || sh));
                });
            }
            case "clamp_max":
                return mapValues(args.get(0), scalar(args.get(1)), null, (v, a, b) -> Ops.goMin(v, a));
            case "clamp_min":
                return mapValues(args.get(0), scalar(args.get(1)), null, (v, a, b) -> Ops.goMax(v, a));
            case "timestamp":
                if (unwrap(args.get(0)) instanceof VectorSelector) {
                    VectorSelector tv = (VectorSelector) unwrap(args.get(0));
                    boolean pin = pinned(tv.modifiers());
                    if (tv.modifiers().hasOffset() && !fixedAt(tv.modifiers())) {
                        // the timestamp of the sample found in the history, as Prometheus gives for selectors
                        return pinnedIf(pin, checked(offsetSelector(tv, true)));
                    }
                    // Prometheus gives a selector's samples their own timestamps (EvalContext#sampleTimeMillis)
                    VectorPlan in = vector(args.get(0));
                    return checkedUnlessOneMetric(args.get(0), pinnedIf(pin, (ctx, sink) -> in.eval(ctx,
                            (sl, sv, held) -> sink.accept(sl.withoutMetricName(), ctx.sampleTimeMillis(sl) / 1000.0,
                                    held))));
                }
                // any other expression's samples are computed at the evaluation time
                return mapValues(args.get(0), (ctx, h) -> ctx.time().toEpochMilli() / 1000.0, null,
                        (v, a, b) -> a);
            case "vector": {
                ScalarPlan s = scalar(args.get(0));
                return (ctx, sink) -> {
                    boolean[] h = new boolean[1];
                    double v = s.eval(ctx, h);
                    sink.accept(Labels.empty(), v, h[0]);
                };
            }
            case "sort": case "sort_desc": {
                VectorPlan in = vector(args.get(0));
                boolean desc = f.equals("sort_desc");
                return (ctx, sink) -> {
                    Vector v = collect(in, ctx);
                    Integer[] idx = new Integer[v.size()];
                    for (int i = 0; i < idx.length; i++) {
                        idx[i] = i;
                    }
                    java.util.Arrays.sort(idx, (x, y) -> {
                        double a1 = v.value(x);
                        double b1 = v.value(y);
                        boolean an = Double.isNaN(a1);
                        boolean bn = Double.isNaN(b1);
                        if (an || bn) {
                            return Boolean.compare(an, bn);
                        }
                        return desc ? Double.compare(b1, a1) : Double.compare(a1, b1);
                    });
                    for (Integer i : idx) {
                        sink.accept(v.labels(i), v.value(i), v.held(i));
                    }
                };
            }
            case "absent": {
                VectorPlan in = vector(args.get(0));
                Labels labels = absentLabels(args.get(0), ruleForm);
                return (ctx, sink) -> {
                    boolean[] any = new boolean[1];
                    in.eval(ctx, (sl, sv, held) -> any[0] = true);
                    if (!any[0]) {
                        sink.accept(labels, 1, false);
                    }
                };
            }
            case "label_replace":
                return labelReplace(call);
            case "label_join":
                return labelJoin(call);
            case "histogram_quantile":
                return histogramQuantile(scalar(args.get(0)), vector(args.get(1)));
            default:
                if (RangeFunctions.code(f) >= 0) {
                    return memoized(call, rangeFunction(call));
                }
                throw unsupportedConstruct(call);
        }
    }

    /**
     * Date functions: of the evaluation time without an argument, else of each sample's value (Unix seconds), UTC, as
     * Prometheus computes them (see {@link GoDate}: also for NaN, infinite and huge values).
     */
    private VectorPlan dateFunction(String f, List<Node> args) {
        if (args.isEmpty()) {
            // Go's enh.Ts / 1000: truncated towards zero
            return (ctx, sink) -> sink.accept(Labels.empty(), GoDate.of(f, ctx.time().toEpochMilli() / 1000L), false);
        }
        return mapValues(args.get(0), null, null, (v, a, b) -> GoDate.of(f, GoDate.goInt64(v)));
    }

    /**
     * The labels {@code absent} / {@code absent_over_time} give their argument when nothing matches, as Prometheus'
     * {@code createLabelsForAbsentFunction}: the matchers in order, an equality matcher setting its label the first
     * time the name comes, any other matcher of that name (a second equality one, {@code !=}, a regex) removing it
     * again; {@code __name__} ignored; nothing for any other argument. In {@code ruleForm} the matchers come sorted by
     * their text, as in the printed expression Prometheus' rule manager evaluates: {@code absent(x{job="a",
     * job!="b"})} gives {@code {}} as a query but {@code {job="a"}} in a rule ({@code job!="b"} sorts first).
     */
    static Labels absentLabels(Node arg, boolean ruleForm) {
        arg = unwrap(arg); // Prometheus unwraps a function's parenthesised arguments: absent((x{a="b"})) too
        List<LabelMatcher> lm;
        if (arg instanceof VectorSelector) {
            lm = ((VectorSelector) arg).matchers();
        } else if (arg instanceof Node.MatrixSelector) {
            lm = ((Node.MatrixSelector) arg).selector().matchers();
        } else {
            return Labels.empty();
        }
        if (ruleForm) {
            lm = new ArrayList<>(lm);
            lm.sort(java.util.Comparator.comparing(LabelMatcher::toString));
        }
        Map<String, String> set = new HashMap<>();
        Set<String> has = new HashSet<>();
        for (LabelMatcher m : lm) {
            if (m.name().equals(Labels.METRIC_NAME)) {
                continue;
            }
            if (m.op() == LabelMatcher.MatchOp.EQUAL && has.add(m.name())) {
                set.put(m.name(), m.value());
            } else {
                set.remove(m.name());
            }
        }
        Labels.Builder b = Labels.builder();
        set.forEach(b::put);
        return b.build();
    }

    private VectorPlan labelReplace(Call call) {
        List<Node> args = call.args();
        VectorPlan in = vector(args.get(0));
        String dst = string(args.get(1));
        String repl = string(args.get(2));
        String src = string(args.get(3));
        String re = string(args.get(4));
        RegexTranslator.Groups groups;
        try {
            groups = RegexTranslator.compileWithGroups(re, true);
        } catch (RegexTranslator.RegexException e) {
            if (e.unsupported()) {
                throw source.unsupported(args.get(4).pos().offset(), e.getMessage());
            }
            throw source.error(args.get(4).pos().offset(), "invalid regular expression in label_replace(): " + re);
        }
        Pattern p = groups.pattern();
        List<String> groupNames = groups.names();
        if (!Labels.isValidName(dst)) {
            throw source.error(args.get(1).pos().offset(), "invalid destination label name in label_replace(): "
                    + dst);
        }
        return checked((ctx, sink) -> {
            BoundedRegex bounded = new BoundedRegex(re, p);
            in.eval(ctx, (sl, sv, held) -> {
                String v = sl.get(src);
                String value;
                try {
                    Matcher m = bounded.start(v);
                    if (!m.matches()) {
                        value = null;
                    } else {
                        StringBuilder b = new StringBuilder();
                        dev.tocsin.core.internal.template.GoExpand.expand(b, repl, m, groupNames);
                        value = b.toString();
                    }
                } catch (BoundedRegex.Exhausted | StackOverflowError e) {
                    throw bounded.failure(e, v.length());
                } finally {
                    bounded.end();
                }
                sink.accept(value == null ? sl : Ops.set(sl.without(dst), dst, value), sv, held);
            });
        });
    }

    private VectorPlan labelJoin(Call call) {
        List<Node> args = call.args();
        VectorPlan in = vector(args.get(0));
        String dst = string(args.get(1));
        String sep = string(args.get(2));
        String[] srcs = new String[args.size() - 3];
        for (int i = 3; i < args.size(); i++) {
            srcs[i - 3] = string(args.get(i));
            if (!Labels.isValidName(srcs[i - 3])) {
                throw source.error(args.get(i).pos().offset(), "invalid source label name in label_join(): "
                        + srcs[i - 3]);
            }
        }
        if (!Labels.isValidName(dst)) {
            throw source.error(args.get(1).pos().offset(), "invalid destination label name in label_join(): "
                    + dst);
        }
        return checked((ctx, sink) -> in.eval(ctx, (sl, sv, held) -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < srcs.length; i++) {
                if (i > 0) {
                    sb.append(sep);
                }
                sb.append(sl.get(srcs[i]));
            }
            sink.accept(Ops.set(sl, dst, sb.toString()), sv, held);
        }));
    }

    /** One histogram of {@code histogram_quantile}: its output labels and its buckets. */
    private static final class Histogram {
        final Labels labels;
        double[] bounds = new double[8];
        double[] counts = new double[8];
        int n;
        boolean held;

        Histogram(Labels labels) {
            this.labels = labels;
        }

        void add(double bound, double count) {
            if (n == bounds.length) {
                bounds = java.util.Arrays.copyOf(bounds, n * 2);
                counts = java.util.Arrays.copyOf(counts, n * 2);
            }
            bounds[n] = bound;
            counts[n] = count;
            n++;
        }
    }

    private static VectorPlan histogramQuantile(ScalarPlan qp, VectorPlan in) {
        return checked((ctx, sink) -> {
            boolean[] qh = new boolean[1];
            double q = qp.eval(ctx, qh);
            Map<Labels, Histogram> hs = new LinkedHashMap<>();
            in.eval(ctx, (sl, sv, held) -> {
                String le = sl.get("le");
                double bound;
                try {
                    bound = dev.tocsin.core.internal.template.GoFloat.parse(le); // strconv.ParseFloat
                } catch (NumberFormatException e) {
                    return; // no, malformed or out-of-range bucket label: skipped, as in Prometheus
                }
                Labels key = sl.without("le");
                Histogram h = hs.get(key);
                if (h == null) {
                    h = new Histogram(key.withoutMetricName());
                    hs.put(key, h);
                }
                h.add(bound, sv);
                h.held |= held;
            });
            for (Histogram h : hs.values()) {
                sink.accept(h.labels, bucketQuantile(q, h.bounds, h.counts, h.n), h.held || qh[0]);
            }
        });
    }

    /** Prometheus 2.42's {@code bucketQuantile} for classic buckets, with its coalescing and monotonicity fix. */
    static double bucketQuantile(double q, double[] boundsIn, double[] countsIn, int nIn) {
        if (Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        Integer[] idx = new Integer[nIn];
        for (int i = 0; i < nIn; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> boundsIn[a] < boundsIn[b] ? -1 : boundsIn[b] < boundsIn[a] ? 1 : 0);
        double[] bounds = new double[nIn];
        double[] counts = new double[nIn];
        for (int i = 0; i < nIn; i++) {
            bounds[i] = boundsIn[idx[i]];
            counts[i] = countsIn[idx[i]];
        }
        if (bounds[nIn - 1] != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        // coalesce buckets with the same upper bound
        int n = 0;
        double lastBound = bounds[0];
        double lastCount = counts[0];
        for (int i = 1; i < nIn; i++) {
            if (bounds[i] == lastBound) {
                lastCount += counts[i];
            } else {
                bounds[n] = lastBound;
                counts[n] = lastCount;
                n++;
                lastBound = bounds[i];
                lastCount = counts[i];
            }
        }
        bounds[n] = lastBound;
        counts[n] = lastCount;
        n++;
        // ensure monotonic
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (counts[i] > max) {
                max = counts[i];
            } else if (counts[i] < max) {
                counts[i] = max;
            }
        }
        if (n < 2) {
            return Double.NaN;
        }
        double observations = counts[n - 1];
        if (observations == 0) {
            return Double.NaN;
        }
        double rank = q * observations;
        int b = n - 1;
        for (int i = 0; i < n - 1; i++) { // sort.Search over the first n-1 buckets
            if (counts[i] >= rank) {
                b = i;
                break;
            }
        }
        if (b == n - 1) {
            return bounds[n - 2];
        }
        if (b == 0 && bounds[0] <= 0) {
            return bounds[0];
        }
        double bucketStart = 0;
        double bucketEnd = bounds[b];
        double count = counts[b];
        if (b > 0) {
            bucketStart = bounds[b - 1];
            count -= counts[b - 1];
            rank -= counts[b - 1];
        }
        return bucketStart + (bucketEnd - bucketStart) * (rank / count);
    }

    // ---------------------------------------------------------------- history: offset and ranges

    /**
     * Whether a selector has {@code @ <timestamp>}, which is not supported. {@code @ start()} and {@code @ end()}
     * are the evaluation time in a rule (an instant query), so they change nothing outside subqueries (see
     * {@link #pinned}).
     */
    private static boolean fixedAt(Node.Modifiers m) {
        return !m.at().isEmpty() && !m.at().equals("start()") && !m.at().equals("end()");
    }

    /**
     * Whether a selector or subquery with these modifiers, compiled here, reads at the rule's evaluation time rather
     * than at the time it is evaluated at: {@code @ start()} or {@code @ end()} inside a subquery, whose every step
     * then sees the same samples (Prometheus pins both to the query's time, which for a rule is its evaluation time).
     */
    private boolean pinned(Node.Modifiers m) {
        return subqueryDepth > 0 && (m.at().equals("start()") || m.at().equals("end()"));
    }

    /** Evaluates {@code plan} at the rule's evaluation time when {@code pin}, else as it is (see {@link #pinned}). */
    private static VectorPlan pinnedIf(boolean pin, VectorPlan plan) {
        return pin ? (ctx, sink) -> plan.eval(ctx.queryContext(), sink) : plan;
    }

    /** What a parameterless range function's result depends on besides the series and time (History#memoStamp). */
    private record RangeKey(int code, long range, long offset) {
    }

    private static Node unwrap(Node n) {
        while (n instanceof Paren) {
            n = ((Paren) n).expr();
        }
        return n;
    }

    /**
     * The fixed metric name of a selector and its remaining matchers. With a name, the history remembers which of its
     * series match ({@link History#matching}) until a series of that name is added or removed: evaluations then
     * neither test labels nor walk the series that do not match.
     */
    private static final class HistorySelection {
        private final String name;
        private final LabelMatcher[] matchers;

        HistorySelection(String name, LabelMatcher[] matchers) {
            this.name = name;
            this.matchers = matchers;
        }

        String name() {
            return name;
        }

        /** Returns the stored series this selection matches (do not modify the array). */
        History.Series[] matching(History h) {
            if (name.isEmpty()) {
                List<History.Series> out = new ArrayList<>();
                for (History.Series s : h.allSeries()) {
                    if (matches(s.labels())) {
                        out.add(s);
                    }
                }
                return out.toArray(new History.Series[0]);
            }
            return h.matching(name, this, this::matches);
        }

        boolean matches(Labels labels) {
            for (LabelMatcher m : matchers) {
                if (!m.matches(labels.get(m.name()))) {
                    return false;
                }
            }
            return true;
        }
    }

    private HistorySelection historySelection(VectorSelector vs, long lookback) {
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
        if (fixedName.isEmpty()) {
            historyAllFamilies = true;
            readsAllFamilies = true;
        } else {
            // at least 1 ms: a name read through a range is kept (x[0s] reads the sample at the evaluation time)
            historyLookback.merge(fixedName, Math.max(1, lookback + subqueryLookback), Math::max);
            metricNames.add(fixedName);
        }
        lookbackMillis = Math.max(lookbackMillis, lookback + subqueryLookback);
        return new HistorySelection(fixedName, rest.toArray(new LabelMatcher[0]));
    }

    /**
     * An instant selector with {@code offset}: per series, the latest sample at or before {@code t - offset} and no
     * older than the 5 minute lookback, unless it is a staleness marker. With {@code timestamps}, the value is the
     * sample's timestamp in seconds and the metric name is dropped (for {@code timestamp()}).
     */
    private VectorPlan offsetSelector(VectorSelector vs, boolean timestamps) {
        long offset = vs.modifiers().offsetMillis();
        HistorySelection sel = historySelection(vs, Math.max(0, offset) + LOOKBACK_DELTA_MILLIS);
        return (ctx, sink) -> {
            long ref = ctx.time().toEpochMilli() - offset;
            for (History.Series s : sel.matching(ctx.history())) {
                int i = s.firstAtOrAfter(ref + 1) - 1;
                if (i < 0 || s.time(i) < ref - LOOKBACK_DELTA_MILLIS || s.isStale(i)) {
                    continue;
                }
                if (timestamps) {
                    sink.accept(s.labels().withoutMetricName(), s.time(i) / 1000.0, false);
                } else {
                    sink.accept(s.labels(), s.value(i), false);
                }
            }
        };
    }

    /** A function over a range vector, e.g. {@code rate(x[5m] offset 1m)}. */
    private VectorPlan rangeFunction(Call call) {
        String f = call.function();
        int code = RangeFunctions.code(f);
        List<Node> args = call.args();
        int rangeArg = f.equals("quantile_over_time") ? 1 : 0;
        Node arg = unwrap(args.get(rangeArg));
        if (arg instanceof Node.Subquery) {
            return subqueryFunction(call, code, (Node.Subquery) arg);
        }
        if (!(arg instanceof Node.MatrixSelector)) {
            throw unsupportedConstruct(arg);
        }
        Node.MatrixSelector ms = (Node.MatrixSelector) arg;
        VectorSelector vs = ms.selector();
        if (fixedAt(vs.modifiers())) {
            throw unsupportedConstruct(vs);
        }
        long range = ms.rangeMillis();
        long offset = vs.modifiers().offsetMillis();
        boolean pin = pinned(vs.modifiers());
        HistorySelection sel = historySelection(vs, range + Math.max(0, offset));
        ScalarPlan param = null;
        ScalarPlan param2 = null;
        if (f.equals("quantile_over_time")) {
            param = scalar(args.get(0));
        } else if (f.equals("predict_linear")) {
            param = scalar(args.get(1));
        } else if (f.equals("holt_winters")) {
            param = scalar(args.get(1));
            param2 = scalar(args.get(2));
        }
        ScalarPlan p = param;
        ScalarPlan p2 = param2;
        boolean keepName = f.equals("last_over_time");
        if (f.equals("absent_over_time")) {
            Labels absent = absentLabels(arg, ruleForm);
            return (ctx, sink) -> {
                long now = (pin ? ctx.queryContext() : ctx).time().toEpochMilli();
                long end = now - offset;
                for (History.Series s : sel.matching(ctx.history())) {
                    // held (its source failed): as of its last real sample, as the other range functions
                    long e = end - s.heldShift(now);
                    if (RangeFunctions.anyPoint(s, e - range, e)) {
                        return;
                    }
                }
                sink.accept(absent, 1, false);
            };
        }
        // without parameters, the result for a series depends only on the function, range, offset, time and the
        // series' samples: rules that share it (rate(x[1m]) and rate(x{code="5xx"}[1m])) usually compute it once
        // per evaluation (see History.Series#hasMemo)
        RangeKey memoKey = p == null && p2 == null ? new RangeKey(code, range, offset) : null;
        VectorPlan plan = (ctx, sink) -> {
            boolean[] ph = new boolean[1];
            double pv = p == null ? Double.NaN : p.eval(ctx, ph);
            double pv2 = p2 == null ? Double.NaN : p2.eval(ctx, ph);
            // the parameters are evaluated at this step, the range read at the rule's evaluation time when pinned
            long now = (pin ? ctx.queryContext() : ctx).time().toEpochMilli();
            long end = now - offset;
            RangeFunctions.Window w = new RangeFunctions.Window();
            History history = ctx.history();
            Object stamp = memoKey != null ? history.memoStamp(memoKey, now) : null;
            for (History.Series s : sel.matching(history)) {
                double v;
                boolean held = s.heldAt(now);
                // held (its source failed): the window, and the time, as at the evaluation of its last real sample,
                // so that the rule's result and its alerts hold instead of fading out (see holdOnSourceFailure)
                long shift = s.heldShift(now);
                long e = end - shift;
                long at = now - shift;
                if (stamp != null) {
                    if (!s.hasMemo(stamp)) {
                        boolean some = w.load(s, e - range, e);
                        double r = some ? RangeFunctions.apply(code, w, e - range, e, range, pv, pv2, at) : 0;
                        s.remember(stamp, some && w.ok, r);
                    }
                    if (!s.memoHasValue()) {
                        continue;
                    }
                    v = s.memoValue();
                } else {
                    if (!w.load(s, e - range, e)) {
                        continue;
                    }
                    v = RangeFunctions.apply(code, w, e - range, e, range, pv, pv2, at);
                    if (!w.ok) {
                        continue;
                    }
                }
                if (keepName) {
                    sink.accept(s.labels(), v, held || ph[0]);
                } else {
                    sink.acceptWithoutName(s.labels(), v, held || ph[0]);
                }
            }
        };
        // the series of one metric name differ in labels other than the name: dropping it cannot make two equal
        return keepName || !sel.name().isEmpty() ? plan : checked(plan);
    }

    /**
     * A range function over a subquery, e.g. {@code max_over_time(rate(x[5m])[1h:1m])}: the inner expression is
     * evaluated at every multiple of the step in {@code [t - offset - range, t - offset]}, each past step against the
     * history as Prometheus would see it then (the latest sample no older than 5 minutes), then the function is
     * applied to each resulting series.
     */
    private VectorPlan subqueryFunction(Call call, int code, Node.Subquery sq) {
        if (fixedAt(sq.modifiers())) {
            throw unsupportedAt(sq);
        }
        String f = call.function();
        long range = sq.rangeMillis();
        // without a step, the context's (the evaluation interval) at each evaluation; one minute to check and size
        long explicitStep = sq.stepMillis();
        long step = explicitStep > 0 ? explicitStep : DEFAULT_SUBQUERY_STEP_MILLIS;
        long offset = sq.modifiers().offsetMillis();
        boolean pin = pinned(sq.modifiers());
        long steps = range / step + 1;
        if (range / step > MAX_SUBQUERY_STEPS || (subquerySteps > 1 && steps > MAX_SUBQUERY_STEPS / subquerySteps)) {
            if (subquerySteps > 1) {
                throw source.unsupported(sq.pos().offset(), "nested subqueries of " + subquerySteps + " x " + steps
                        + " steps are not supported (at most " + MAX_SUBQUERY_STEPS + " steps per evaluation, the"
                        + " steps of nested subqueries multiplied)");
            }
            throw source.unsupported(sq.pos().offset(), "subquery of " + (range / step) + " steps is not supported (at "
                    + "most " + MAX_SUBQUERY_STEPS + " steps per evaluation)");
        }
        long savedLookback = subqueryLookback;
        long savedSteps = subquerySteps;
        subqueryLookback += range + Math.max(0, offset) + step;
        subquerySteps *= steps;
        subqueryDepth++;
        lookbackMillis = Math.max(lookbackMillis, subqueryLookback);
        VectorPlan inner;
        try {
            inner = vector(sq.expr());
        } finally {
            subqueryDepth--;
            subqueryLookback = savedLookback;
            subquerySteps = savedSteps;
        }
        ScalarPlan param = null;
        ScalarPlan param2 = null;
        if (f.equals("quantile_over_time")) {
            param = scalar(call.args().get(0));
        } else if (f.equals("predict_linear")) {
            param = scalar(call.args().get(1));
        } else if (f.equals("holt_winters")) {
            param = scalar(call.args().get(1));
            param2 = scalar(call.args().get(2));
        }
        ScalarPlan p = param;
        ScalarPlan p2 = param2;
        boolean keepName = f.equals("last_over_time");
        boolean absent = f.equals("absent_over_time");
        VectorPlan plan = (ctx, sink) -> {
            boolean[] ph = new boolean[1];
            double pv = p == null ? Double.NaN : p.eval(ctx, ph);
            double pv2 = p2 == null ? Double.NaN : p2.eval(ctx, ph);
            // the steps are taken back from the rule's evaluation time when pinned, else from this step's time
            EvalContext base = pin ? ctx.queryContext() : ctx;
            long stepNow = explicitStep > 0 ? explicitStep : Math.max(1, ctx.queryContext().defaultSubqueryStepMillis());
            if (range / stepNow > MAX_SUBQUERY_STEPS) {
                throw evalError("subquery of " + (range / stepNow) + " steps at the evaluation interval of "
                        + stepNow + "ms is not supported (at most " + MAX_SUBQUERY_STEPS + " steps per evaluation;"
                        + " give the subquery a step)");
            }
            long now = base.time().toEpochMilli();
            long end = now - offset;
            long start = end - range;
            long first = Math.floorDiv(start, stepNow) * stepNow;
            if (first < start) {
                first += stepNow;
            }
            // nested in other subqueries: this one runs at each of their steps (checked at build time with a
            // minute for a subquery without a step; here with the steps it takes)
            long around = ctx.subqueryStepsAround();
            long stepsHere = first > end ? 0 : (end - first) / stepNow + 1;
            if (around > 1 && stepsHere > MAX_SUBQUERY_STEPS / around) {
                throw evalError("nested subqueries of " + around + " x " + stepsHere + " steps at the evaluation"
                        + " interval are not supported (at most " + MAX_SUBQUERY_STEPS + " steps per evaluation, the"
                        + " steps of nested subqueries multiplied; give the subqueries a step)");
            }
            Map<Labels, SubquerySeries> series = new LinkedHashMap<>();
            for (long ti = first; ti <= end; ti += stepNow) {
                EvalContext at = ti == now ? base
                        : new PastContext(ctx.history(), ti, ctx.queryContext(), around * Math.max(1, stepsHere));
                long tt = ti;
                inner.eval(at, (sl, sv, held) -> {
                    SubquerySeries ss = series.get(sl);
                    if (ss == null) {
                        ss = new SubquerySeries();
                        series.put(sl, ss);
                    }
                    ss.add(tt, sv, held && tt == now);
                });
            }
            if (absent) {
                if (series.isEmpty()) {
                    sink.accept(Labels.empty(), 1, false);
                }
                return;
            }
            RangeFunctions.Window w = new RangeFunctions.Window();
            for (Map.Entry<Labels, SubquerySeries> e : series.entrySet()) {
                SubquerySeries ss = e.getValue();
                w.t = ss.t;
                w.v = ss.v;
                w.n = ss.n;
                double v = RangeFunctions.apply(code, w, start, end, range, pv, pv2, now);
                if (w.ok) {
                    Labels labels = keepName ? e.getKey() : e.getKey().withoutMetricName();
                    sink.accept(labels, v, ss.held || ph[0]);
                }
            }
        };
        return keepName ? plan : checked(plan);
    }

    /** The points of one series of a subquery. */
    private static final class SubquerySeries {
        long[] t = new long[8];
        double[] v = new double[8];
        int n;
        boolean held;

        void add(long time, double value, boolean isHeld) {
            if (n == t.length) {
                t = java.util.Arrays.copyOf(t, n * 2);
                v = java.util.Arrays.copyOf(v, n * 2);
            }
            t[n] = time;
            v[n] = value;
            n++;
            held |= isHeld;
        }
    }

    /**
     * The metrics as they were at a past time, from the history: per series the latest sample at or before that
     * time and at most 5 minutes older, unless it is a staleness marker (Prometheus' instant-selector lookback).
     */
    static final class PastContext implements EvalContext {
        private final History history;
        private final long time;
        private final EvalContext query;
        private final Map<String, Family> cache = new HashMap<>();
        /** The time of each sample the selectors found, for {@code timestamp()}. */
        private final Map<Labels, Long> sampleTimes = new HashMap<>();

        /** The steps of the subqueries around this one multiplied (see {@link EvalContext#subqueryStepsAround}). */
        private final long stepsAround;

        PastContext(History history, long time, EvalContext query, long stepsAround) {
            this.history = history;
            this.time = time;
            this.query = query;
            this.stepsAround = stepsAround;
        }

        @Override
        public long subqueryStepsAround() {
            return stepsAround;
        }

        @Override
        public EvalContext queryContext() {
            return query;
        }

        @Override
        public long sampleTimeMillis(Labels labels) {
            Long t = sampleTimes.get(labels);
            return t != null ? t : time;
        }

        @Override
        public java.time.Instant time() {
            return java.time.Instant.ofEpochMilli(time);
        }

        @Override
        public Family family(String metricName) {
            return cache.computeIfAbsent(metricName, n -> build(history.series(n)));
        }

        @Override
        public Iterable<Family> families() {
            Map<String, List<History.Series>> byName = new LinkedHashMap<>();
            for (History.Series s : history.allSeries()) {
                byName.computeIfAbsent(s.labels().metricName(), k -> new ArrayList<>()).add(s);
            }
            List<Family> out = new ArrayList<>();
            for (List<History.Series> l : byName.values()) {
                out.add(build(l));
            }
            return out;
        }

        private Family build(Iterable<History.Series> all) {
            List<Sample> samples = new ArrayList<>();
            for (History.Series s : all) {
                int i = s.firstAtOrAfter(time + 1) - 1;
                if (i >= 0 && s.time(i) >= time - LOOKBACK_DELTA_MILLIS && !s.isStale(i)) {
                    samples.add(new Sample(s.labels(), s.value(i)));
                    sampleTimes.put(s.labels(), s.time(i));
                }
            }
            return new Family(samples.toArray(new Sample[0]), new boolean[samples.size()]);
        }

        @Override
        public History history() {
            return history;
        }
    }
}
