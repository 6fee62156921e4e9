package dev.tocsin.core.internal.expr;

import dev.tocsin.core.ExpressionException;
import dev.tocsin.core.Labels;
import dev.tocsin.core.internal.expr.Node.Aggregate;
import dev.tocsin.core.internal.expr.Node.Binary;
import dev.tocsin.core.internal.expr.Node.Call;
import dev.tocsin.core.internal.expr.Node.MatrixSelector;
import dev.tocsin.core.internal.expr.Node.Modifiers;
import dev.tocsin.core.internal.expr.Node.NumberLiteral;
import dev.tocsin.core.internal.expr.Node.Paren;
import dev.tocsin.core.internal.expr.Node.StringLiteral;
import dev.tocsin.core.internal.expr.Node.Subquery;
import dev.tocsin.core.internal.expr.Node.Unary;
import dev.tocsin.core.internal.expr.Node.VectorMatching;
import dev.tocsin.core.internal.expr.Node.VectorSelector;
import dev.tocsin.core.internal.expr.Token.Type;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Recursive-descent PromQL parser with precedence climbing for binary operators ({@link BinaryOp}), producing the
 * full AST ({@link Node}) and applying Prometheus' parse-time checks (types, modifiers, selector rules). Every error
 * is an {@link ExpressionException} with line and column.
 */
public final class Parser {

    /** The deepest nesting of the AST (and of the parser's recursion) accepted. */
    public static final int MAX_DEPTH = 256;

    private static final Set<String> PARAM_AGGREGATORS =
            Set.of("topk", "bottomk", "count_values", "quantile");

    private final Source source;
    private final Lexer lexer;
    private final List<Token> lookahead = new ArrayList<>(4);
    private final Map<Node, Integer> heights = new IdentityHashMap<>();
    private int depth;

    private Parser(String text) {
        this.source = new Source(text);
        this.lexer = new Lexer(source);
    }

    /**
     * Parses a whole expression whose result is an instant vector or a scalar.
     *
     * @throws ExpressionException when the text is not valid PromQL
     */
    public static Node parse(String text) {
        Parser p = new Parser(text);
        Node root = p.parseExpr(0);
        Token t = p.peek();
        if (t.type() != Type.EOF) {
            throw p.unexpected(t, "a binary operator or end of input");
        }
        if (root.type() != ValueType.INSTANT_VECTOR && root.type() != ValueType.SCALAR) {
            throw p.error(root.pos(), "expression must evaluate to an instant vector or a scalar, got "
                    + root.type().description());
        }
        return root;
    }

    // ---- tokens ---------------------------------------------------------------------------------------------

    private Token peek() {
        return peek(0);
    }

    private Token peek(int ahead) {
        while (lookahead.size() <= ahead) {
            lookahead.add(lexer.next());
        }
        return lookahead.get(ahead);
    }

    private Token next() {
        Token t = peek();
        lookahead.remove(0);
        return t;
    }

    private Token expect(Type type, String context, String expected) {
        Token t = next();
        if (t.type() != type) {
            throw unexpected(t, context, expected);
        }
        return t;
    }

    private ExpressionException unexpected(Token t, String expected) {
        return source.error(t.offset(), "unexpected " + t.describe() + ", expected " + expected);
    }

    private ExpressionException unexpected(Token t, String context, String expected) {
        return source.error(t.offset(), "unexpected " + t.describe() + (context.isEmpty() ? "" : " in " + context)
                + ", expected " + expected);
    }

    private ExpressionException error(Pos pos, String detail) {
        return source.error(pos.offset(), detail);
    }

    private static Pos pos(Token t) {
        return new Pos(t.offset());
    }

    // ---- nesting ------------------------------------------------------------------------------------------------

    private void enter(Token at) {
        if (++depth > MAX_DEPTH) {
            throw source.error(at.offset(), "expression nests too deeply (more than " + MAX_DEPTH + " levels)");
        }
    }

    private void exit() {
        depth--;
    }

    private int height(Node n) {
        return heights.getOrDefault(n, 1);
    }

    private <N extends Node> N mark(N n, Node... children) {
        int h = 0;
        for (Node c : children) {
            h = Math.max(h, height(c));
        }
        h++;
        if (h > MAX_DEPTH) {
            throw error(n.pos(), "expression nests too deeply (more than " + MAX_DEPTH + " levels)");
        }
        heights.put(n, h);
        return n;
    }

    // ---- expressions --------------------------------------------------------------------------------------------

    private Node parseExpr(int minPrecedence) {
        enter(peek());
        Node lhs = parseUnary();
        while (true) {
            Token opToken = peek();
            BinaryOp op = opToken.binaryOp();
            if (op == null || op.precedence() < minPrecedence) {
                break;
            }
            next();
            boolean returnBool = false;
            if (peek().type() == Type.BOOL) {
                next();
                returnBool = true;
            }
            VectorMatching matching = null;
            if (peek().type() == Type.ON || peek().type() == Type.IGNORING) {
                boolean on = next().type() == Type.ON;
                List<String> labels = groupingLabels();
                String group = "";
                List<String> include = List.of();
                if (peek().type() == Type.GROUP_LEFT || peek().type() == Type.GROUP_RIGHT) {
                    group = next().type() == Type.GROUP_LEFT ? "left" : "right";
                    if (peek().type() == Type.LEFT_PAREN) {
                        include = groupingLabels();
                    }
                }
                matching = new VectorMatching(on, labels, group, include);
            }
            int nextMin = op.rightAssociative() ? op.precedence() : op.precedence() + 1;
            Node rhs = parseExpr(nextMin);
            lhs = checkBinary(mark(new Binary(op, lhs, rhs, returnBool, matching, pos(opToken)), lhs, rhs));
        }
        exit();
        return lhs;
    }

    private Node checkBinary(Binary b) {
        ValueType lt = b.lhs().type();
        ValueType rt = b.rhs().type();
        String sym = b.op().symbol();
        if (b.returnBool() && !b.op().isComparison()) {
            throw error(b.pos(), "bool modifier can only be used on comparison operators");
        }
        if (b.op().isComparison() && !b.returnBool() && lt == ValueType.SCALAR && rt == ValueType.SCALAR) {
            throw error(b.pos(), "comparisons between scalars must use BOOL modifier");
        }
        if (!isScalarOrVector(lt) || !isScalarOrVector(rt)) {
            throw error(b.lhs().pos(), "binary expression must contain only scalar and instant vector types");
        }
        VectorMatching m = b.matching();
        if (m != null && (lt != ValueType.INSTANT_VECTOR || rt != ValueType.INSTANT_VECTOR)) {
            if (!m.labels().isEmpty() || !m.group().isEmpty()) {
                throw error(b.pos(), "vector matching only allowed between instant vectors");
            }
            Binary without = new Binary(b.op(), b.lhs(), b.rhs(), b.returnBool(), null, b.pos());
            heights.put(without, height(b));
            b = without;
            m = null;
        }
        if (b.op().isSet()) {
            if (lt == ValueType.SCALAR || rt == ValueType.SCALAR) {
                throw error(b.pos(), "set operator \"" + sym + "\" not allowed in binary scalar expression");
            }
            if (m != null && !m.group().isEmpty()) {
                throw error(b.pos(), "no grouping allowed for \"" + sym + "\" operation");
            }
        }
        if (m != null && m.on()) {
            for (String l : m.include()) {
                if (m.labels().contains(l)) {
                    throw error(b.pos(), "label \"" + l + "\" must not occur in ON and GROUP clause at once");
                }
            }
        }
        return b;
    }

    private static boolean isScalarOrVector(ValueType t) {
        return t == ValueType.SCALAR || t == ValueType.INSTANT_VECTOR;
    }

    private Node parseUnary() {
        Token t = peek();
        if (t.type() == Type.ADD || t.type() == Type.SUB) {
            next();
            Node operand = parseExpr(BinaryOp.UNARY_OPERAND_PRECEDENCE);
            boolean negate = t.type() == Type.SUB;
            if (operand instanceof NumberLiteral) {
                double v = ((NumberLiteral) operand).value();
                return mark(new NumberLiteral(negate ? -v : v, pos(t)), operand);
            }
            if (!isScalarOrVector(operand.type())) {
                throw error(pos(t), "unary expression only allowed on expressions of type scalar or instant vector, "
                        + "got " + operand.type().description());
            }
            return mark(new Unary(negate, operand, pos(t)), operand);
        }
        return parsePostfix(parsePrimary());
    }

    private Node parsePrimary() {
        Token t = next();
        switch (t.type()) {
            case NUMBER:
                return mark(new NumberLiteral(parseNumber(t), pos(t)));
            case STRING:
                return mark(new StringLiteral(t.value(), pos(t)));
            case LEFT_PAREN: {
                Node inner = parseExpr(0);
                Token close = next();
                if (close.type() != Type.RIGHT_PAREN) {
                    throw unexpected(close, "\")\" or a binary operator");
                }
                return mark(new Paren(inner, pos(t)), inner);
            }
            case LEFT_BRACE:
                return selector("", t, true);
            case IDENTIFIER:
                if (peek().type() == Type.LEFT_PAREN) {
                    return call(t);
                }
                return selector(t.text(), t, false);
            case METRIC_IDENTIFIER:
                return selector(t.text(), t, false);
            case AGGREGATOR: {
                Type n = peek().type();
                if (n == Type.LEFT_PAREN || n == Type.BY || n == Type.WITHOUT) {
                    return aggregate(t);
                }
                return selector(t.text(), t, false);
            }
            case BY:
            case WITHOUT:
            case OFFSET:
            case LAND:
            case LOR:
            case LUNLESS:
            case START:
            case END:
                return selector(t.text(), t, false);
            default:
                throw unexpected(t, "an expression");
        }
    }

    private Node parsePostfix(Node e) {
        while (true) {
            Token t = peek();
            if (t.type() == Type.LEFT_BRACKET) {
                next();
                Token range = next();
                if (range.type() == Type.NUMBER) {
                    throw source.error(range.offset(), "missing unit character in duration");
                }
                if (range.type() != Type.DURATION) {
                    throw unexpected(range, "a duration");
                }
                long rangeMillis = parseDuration(range);
                Token after = next();
                if (after.type() == Type.COLON) {
                    long step = 0;
                    Token s = next();
                    if (s.type() == Type.DURATION) {
                        step = parseDuration(s);
                        s = next();
                    } else if (s.type() == Type.NUMBER) {
                        throw unexpected(s, "subquery selector", "duration or \"]\"");
                    }
                    if (s.type() != Type.RIGHT_BRACKET) {
                        throw unexpected(s, "\"]\"");
                    }
                    if (e.type() != ValueType.INSTANT_VECTOR) {
                        throw error(e.pos(), "subquery is only allowed on instant vector, got "
                                + e.type().description() + " instead");
                    }
                    e = mark(new Subquery(e, rangeMillis, step, Modifiers.NONE, e.pos()), e);
                } else if (after.type() == Type.RIGHT_BRACKET) {
                    if (!(e instanceof VectorSelector)) {
                        throw error(pos(t), "ranges only allowed for vector selectors");
                    }
                    VectorSelector vs = (VectorSelector) e;
                    if (vs.modifiers().any()) {
                        throw error(pos(t), "no offset modifiers allowed before range");
                    }
                    e = mark(new MatrixSelector(vs, rangeMillis, vs.pos()), vs);
                } else {
                    throw unexpected(after, "\":\" or \"]\"");
                }
            } else if (t.type() == Type.OFFSET) {
                next();
                Token sign = peek();
                boolean negative = false;
                if (sign.type() == Type.SUB || sign.type() == Type.ADD) {
                    next();
                    negative = sign.type() == Type.SUB;
                }
                Token d = next();
                if (d.type() != Type.DURATION) {
                    throw unexpected(d, "offset", "duration");
                }
                long millis = parseDuration(d);
                Modifiers old = modifiersOf(e, t, "offset modifier");
                if (old.hasOffset()) {
                    throw error(e.pos(), "offset may not be set multiple times");
                }
                e = withModifiers(e, old.withOffset(negative ? -millis : millis));
            } else if (t.type() == Type.AT) {
                next();
                Token v = next();
                String at;
                if (v.type() == Type.START || v.type() == Type.END) {
                    expect(Type.LEFT_PAREN, "", "\"(\"");
                    expect(Type.RIGHT_PAREN, "", "\")\"");
                    at = v.text().toLowerCase(Locale.ROOT) + "()";
                } else {
                    boolean negative = false;
                    if (v.type() == Type.SUB || v.type() == Type.ADD) {
                        negative = v.type() == Type.SUB;
                        v = next();
                    }
                    if (v.type() != Type.NUMBER) {
                        throw unexpected(v, "a timestamp, start() or end()");
                    }
                    double ts = parseNumber(v) * (negative ? -1 : 1);
                    if (Double.isNaN(ts) || Double.isInfinite(ts)) {
                        throw source.error(v.offset(), "timestamp out of bounds for @ modifier: " + ts);
                    }
                    at = Printer.number(ts);
                }
                Modifiers old = modifiersOf(e, t, "@ modifier");
                if (!old.at().isEmpty()) {
                    throw error(e.pos(), "@ <timestamp> may not be set multiple times");
                }
                e = withModifiers(e, old.withAt(at));
            } else {
                return e;
            }
        }
    }

    private Modifiers modifiersOf(Node e, Token at, String what) {
        if (e instanceof VectorSelector) {
            return ((VectorSelector) e).modifiers();
        }
        if (e instanceof MatrixSelector) {
            return ((MatrixSelector) e).selector().modifiers();
        }
        if (e instanceof Subquery) {
            return ((Subquery) e).modifiers();
        }
        throw source.error(at.offset(), what + " must be preceded by an instant vector selector or range vector "
                + "selector or a subquery");
    }

    private Node withModifiers(Node e, Modifiers m) {
        Node result;
        if (e instanceof VectorSelector) {
            result = ((VectorSelector) e).withModifiers(m);
        } else if (e instanceof MatrixSelector) {
            MatrixSelector ms = (MatrixSelector) e;
            result = new MatrixSelector(ms.selector().withModifiers(m), ms.rangeMillis(), ms.pos());
        } else {
            Subquery s = (Subquery) e;
            result = new Subquery(s.expr(), s.rangeMillis(), s.stepMillis(), m, s.pos());
        }
        heights.put(result, height(e));
        return result;
    }

    // ---- selectors ----------------------------------------------------------------------------------------------

    private Node selector(String metricName, Token start, boolean braceConsumed) {
        List<LabelMatcher> matchers = new ArrayList<>();
        if (braceConsumed || peek().type() == Type.LEFT_BRACE) {
            if (!braceConsumed) {
                next();
            }
            while (true) {
                Token name = next();
                if (name.type() == Type.RIGHT_BRACE) {
                    break;
                }
                if (name.type() == Type.STRING) {
                    // valid in Prometheus 3
                    throw source.unsupported(name.offset(), "unexpected " + name.describe() + " in label matching,"
                            + " expected identifier or \"}\" (quoted label names of Prometheus 3 are not supported)");
                }
                if (name.type() != Type.IDENTIFIER) {
                    throw unexpected(name, "label matching", "identifier or \"}\"");
                }
                Token op = next();
                LabelMatcher.MatchOp mop;
                switch (op.type()) {
                    case EQL: mop = LabelMatcher.MatchOp.EQUAL; break;
                    case NEQ: mop = LabelMatcher.MatchOp.NOT_EQUAL; break;
                    case EQL_REGEX: mop = LabelMatcher.MatchOp.REGEX; break;
                    case NEQ_REGEX: mop = LabelMatcher.MatchOp.NOT_REGEX; break;
                    default: throw unexpected(op, "label matching", "label matching operator");
                }
                Token value = expect(Type.STRING, "label matching", "string");
                try {
                    matchers.add(LabelMatcher.of(name.text(), mop, value.value(), pos(name)));
                } catch (RegexTranslator.RegexException ex) {
                    throw ex.unsupported() ? source.unsupported(value.offset(), ex.getMessage())
                            : source.error(value.offset(), ex.getMessage());
                }
                Token sep = next();
                if (sep.type() == Type.RIGHT_BRACE) {
                    break;
                }
                if (sep.type() != Type.COMMA) {
                    throw unexpected(sep, "label matching", "\",\" or \"}\"");
                }
            }
        }
        boolean nonEmpty = !metricName.isEmpty();
        for (LabelMatcher m : matchers) {
            if (!metricName.isEmpty() && m.name().equals(Labels.METRIC_NAME)) {
                throw error(pos(start), "metric name must not be set twice: \"" + metricName + "\" or "
                        + Printer.quote(m.value()));
            }
            nonEmpty |= !m.matches("");
        }
        if (!nonEmpty) {
            throw error(pos(start), "vector selector must contain at least one non-empty matcher");
        }
        return mark(new VectorSelector(metricName, matchers, Modifiers.NONE, pos(start)));
    }

    // ---- calls and aggregations ---------------------------------------------------------------------------------

    private List<Node> arguments(String what) {
        Token open = expect(Type.LEFT_PAREN, "", "\"(\"");
        List<Node> args = new ArrayList<>();
        if (peek().type() == Type.RIGHT_PAREN) {
            next();
            return args;
        }
        enter(open);
        while (true) {
            args.add(parseExpr(0));
            Token sep = next();
            if (sep.type() == Type.RIGHT_PAREN) {
                break;
            }
            if (sep.type() != Type.COMMA) {
                throw unexpected(sep, what, "\",\" or \")\"");
            }
            if (peek().type() == Type.RIGHT_PAREN) {
                throw source.error(sep.offset(), "trailing commas not allowed in function call args");
            }
        }
        exit();
        return args;
    }

    private Node call(Token nameToken) {
        String name = nameToken.text();
        Functions.Signature sig = Functions.get(name).orElseThrow(
                () -> source.error(nameToken.offset(), "unknown function with name \"" + name + "\""));
        List<Node> args = arguments("function call");
        int declared = sig.argTypes().size();
        String where = "call to function \"" + name + "\"";
        if (sig.variadic() == 0) {
            if (args.size() != declared) {
                throw error(pos(nameToken), "expected " + declared + " argument(s) in " + where + ", got "
                        + args.size());
            }
        } else {
            int min = declared - 1;
            if (args.size() < min) {
                throw error(pos(nameToken), "expected at least " + min + " argument(s) in " + where + ", got "
                        + args.size());
            }
            if (sig.variadic() > 0 && args.size() > min + sig.variadic()) {
                throw error(pos(nameToken), "expected at most " + (min + sig.variadic()) + " argument(s) in "
                        + where + ", got " + args.size());
            }
        }
        for (int k = 0; k < args.size(); k++) {
            ValueType want = sig.argTypes().get(Math.min(k, declared - 1));
            expectType(args.get(k), want, where);
        }
        return mark(new Call(name, args, pos(nameToken)), args.toArray(new Node[0]));
    }

    private void expectType(Node n, ValueType want, String where) {
        if (n.type() != want) {
            throw error(n.pos(), "expected type " + want.description() + " in " + where + ", got "
                    + n.type().description());
        }
    }

    private Node aggregate(Token opToken) {
        String op = opToken.text().toLowerCase(Locale.ROOT);
        List<String> grouping = List.of();
        boolean without = false;
        boolean modifier = false;
        if (peek().type() == Type.BY || peek().type() == Type.WITHOUT) {
            without = next().type() == Type.WITHOUT;
            grouping = groupingLabels();
            modifier = true;
        }
        List<Node> args = arguments("aggregation");
        if (!modifier && (peek().type() == Type.BY || peek().type() == Type.WITHOUT)) {
            without = next().type() == Type.WITHOUT;
            grouping = groupingLabels();
        }
        if (args.isEmpty()) {
            throw error(pos(opToken), "no arguments for aggregate expression provided");
        }
        int desired = PARAM_AGGREGATORS.contains(op) ? 2 : 1;
        if (args.size() != desired) {
            throw error(pos(opToken), "wrong number of arguments for aggregate expression provided, expected "
                    + desired + ", got " + args.size());
        }
        Node expr = args.get(args.size() - 1);
        if (expr.type() != ValueType.INSTANT_VECTOR) {
            throw error(expr.pos(), "expected type instant vector in aggregation expression, got "
                    + expr.type().description());
        }
        List<Node> params = args.subList(0, args.size() - 1);
        if (!params.isEmpty()) {
            ValueType want = op.equals("count_values") ? ValueType.STRING : ValueType.SCALAR;
            if (params.get(0).type() != want) {
                throw error(params.get(0).pos(), "expected type " + want.description()
                        + " in aggregation parameter, got " + params.get(0).type().description());
            }
        }
        return mark(new Aggregate(op, params, expr, grouping, without, pos(opToken)), args.toArray(new Node[0]));
    }

    private List<String> groupingLabels() {
        expect(Type.LEFT_PAREN, "grouping opts", "\"(\"");
        List<String> labels = new ArrayList<>();
        while (true) {
            Token t = next();
            if (t.type() == Type.RIGHT_PAREN) {
                return labels;
            }
            boolean labelLike = (t.type() == Type.IDENTIFIER || t.type().isKeyword()) && Labels.isValidName(t.text());
            if (!labelLike) {
                throw unexpected(t, "grouping opts", "label");
            }
            labels.add(t.text());
            Token sep = next();
            if (sep.type() == Type.RIGHT_PAREN) {
                return labels;
            }
            if (sep.type() != Type.COMMA) {
                throw unexpected(sep, "grouping opts", "\",\" or \")\"");
            }
        }
    }

    // ---- literals -----------------------------------------------------------------------------------------------

    private double parseNumber(Token t) {
        String s = t.text();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("inf")) {
            return Double.POSITIVE_INFINITY;
        }
        if (lower.equals("nan")) {
            return Double.NaN;
        }
        // As Go's strconv.ParseInt(s, 0, 64), then strconv.ParseFloat(s, 64).
        try {
            if (lower.startsWith("0x")) {
                BigInteger v = new BigInteger(lower.substring(2), 16);
                if (v.bitLength() < 64) {
                    return v.longValue();
                }
            } else if (lower.length() > 1 && lower.startsWith("0") && lower.chars().allMatch(c -> c >= '0'
                    && c <= '7')) {
                BigInteger v = new BigInteger(lower.substring(1), 8);
                if (v.bitLength() < 64) {
                    return v.longValue();
                }
            }
        } catch (NumberFormatException e) {
            // fall through to the float syntax, which rejects it
        }
        if (!lower.startsWith("0x") && lower.matches("(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) {
            double d = Double.parseDouble(lower);
            if (!Double.isInfinite(d)) {
                return d;
            }
            throw source.error(t.offset(), "error parsing number: \"" + s + "\": value out of range");
        }
        throw source.error(t.offset(), "error parsing number: \"" + s + "\": invalid syntax");
    }

    /** A duration of a range, an offset or a subquery: as Prometheus' parser, never 0 and at most about 292 years. */
    private long parseDuration(Token t) {
        long millis;
        try {
            millis = PromDuration.parseMillis(t.text());
        } catch (IllegalArgumentException e) {
            throw source.error(t.offset(), e.getMessage());
        }
        if (millis == 0) {
            throw source.error(t.offset(), "duration must be greater than 0");
        }
        return millis;
    }
}
