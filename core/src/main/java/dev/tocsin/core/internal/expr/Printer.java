package dev.tocsin.core.internal.expr;

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
import dev.tocsin.core.internal.expr.Node.VectorSelector;

import java.util.List;

/**
 * Prints an AST as PromQL text that parses back to the same AST (apart from parentheses it adds where precedence
 * requires them).
 */
public final class Printer {

    private Printer() {
    }

    /** Returns the PromQL text of {@code node}. */
    public static String print(Node node) {
        StringBuilder sb = new StringBuilder();
        print(node, sb);
        return sb.toString();
    }

    /** Returns {@code s} as a double-quoted PromQL string literal. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '\\': sb.append("\\\\"); break;
                case '"': sb.append("\\\""); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }

    /** Returns a number as PromQL text ({@code NaN}, {@code Inf}, {@code -Inf}, integers without fraction). */
    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15 && !(v == 0 && 1 / v < 0)) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    /** Returns a duration in milliseconds in Prometheus' form, e.g. {@code 1h30m} or {@code 500ms}. */
    public static String duration(long millis) {
        if (millis == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long[] units = {365L * 24 * 3600_000, 7L * 24 * 3600_000, 24L * 3600_000, 3600_000, 60_000, 1000, 1};
        String[] names = {"y", "w", "d", "h", "m", "s", "ms"};
        long rest = millis;
        for (int k = 0; k < units.length; k++) {
            if (rest >= units[k]) {
                sb.append(rest / units[k]).append(names[k]);
                rest %= units[k];
            }
        }
        return sb.toString();
    }

    private static void print(Node node, StringBuilder sb) {
        if (node instanceof NumberLiteral) {
            sb.append(number(((NumberLiteral) node).value()));
        } else if (node instanceof StringLiteral) {
            sb.append(quote(((StringLiteral) node).value()));
        } else if (node instanceof VectorSelector) {
            VectorSelector vs = (VectorSelector) node;
            sb.append(vs.metricName());
            if (!vs.matchers().isEmpty() || vs.metricName().isEmpty()) {
                sb.append('{');
                for (int k = 0; k < vs.matchers().size(); k++) {
                    sb.append(k > 0 ? ", " : "").append(vs.matchers().get(k));
                }
                sb.append('}');
            }
            modifiers(vs.modifiers(), sb);
        } else if (node instanceof MatrixSelector) {
            MatrixSelector ms = (MatrixSelector) node;
            print(ms.selector().withModifiers(Modifiers.NONE), sb);
            sb.append('[').append(duration(ms.rangeMillis())).append(']');
            modifiers(ms.selector().modifiers(), sb);
        } else if (node instanceof Subquery) {
            Subquery s = (Subquery) node;
            boolean wrap = !(s.expr() instanceof VectorSelector || s.expr() instanceof Call
                    || s.expr() instanceof Paren || s.expr() instanceof Aggregate);
            wrapped(s.expr(), wrap, sb);
            sb.append('[').append(duration(s.rangeMillis())).append(':');
            if (s.stepMillis() > 0) {
                sb.append(duration(s.stepMillis()));
            }
            sb.append(']');
            modifiers(s.modifiers(), sb);
        } else if (node instanceof Call) {
            Call c = (Call) node;
            sb.append(c.function());
            list(c.args(), sb);
        } else if (node instanceof Aggregate) {
            Aggregate a = (Aggregate) node;
            sb.append(a.op());
            if (a.without() || !a.grouping().isEmpty()) {
                sb.append(a.without() ? " without (" : " by (").append(String.join(", ", a.grouping())).append(") ");
            }
            List<Node> args = new java.util.ArrayList<>(a.params());
            args.add(a.expr());
            list(args, sb);
        } else if (node instanceof Binary) {
            Binary b = (Binary) node;
            int p = b.op().precedence();
            boolean right = b.op().rightAssociative();
            wrapped(b.lhs(), needsParens(b.lhs(), p, !right) || (right && negativeOrUnary(b.lhs())), sb);
            sb.append(' ').append(b.op().symbol()).append(' ');
            if (b.returnBool()) {
                sb.append("bool ");
            }
            if (b.matching() != null) {
                Node.VectorMatching m = b.matching();
                sb.append(m.on() ? "on(" : "ignoring(").append(String.join(", ", m.labels())).append(") ");
                if (!m.group().isEmpty()) {
                    sb.append("group_").append(m.group()).append('(')
                            .append(String.join(", ", m.include())).append(") ");
                }
            }
            wrapped(b.rhs(), needsParens(b.rhs(), p, right), sb);
        } else if (node instanceof Unary) {
            Unary u = (Unary) node;
            sb.append(u.negate() ? '-' : '+');
            Node e = u.expr();
            boolean wrap = e instanceof Binary || e instanceof Unary || e instanceof NumberLiteral;
            wrapped(e, wrap, sb);
        } else if (node instanceof Paren) {
            wrapped(((Paren) node).expr(), true, sb);
        } else {
            throw new IllegalArgumentException("unknown node " + node);
        }
    }

    private static boolean needsParens(Node child, int parentPrecedence, boolean equalAllowed) {
        if (!(child instanceof Binary)) {
            return false;
        }
        int cp = ((Binary) child).op().precedence();
        return cp < parentPrecedence || (cp == parentPrecedence && !equalAllowed);
    }

    private static boolean negativeOrUnary(Node n) {
        return n instanceof Unary || (n instanceof NumberLiteral && (((NumberLiteral) n).value() < 0
                || Double.doubleToRawLongBits(((NumberLiteral) n).value()) < 0));
    }

    private static void wrapped(Node n, boolean wrap, StringBuilder sb) {
        if (wrap) {
            sb.append('(');
        }
        print(n, sb);
        if (wrap) {
            sb.append(')');
        }
    }

    private static void list(List<Node> args, StringBuilder sb) {
        sb.append('(');
        for (int k = 0; k < args.size(); k++) {
            if (k > 0) {
                sb.append(", ");
            }
            print(args.get(k), sb);
        }
        sb.append(')');
    }

    private static void modifiers(Modifiers m, StringBuilder sb) {
        if (m.hasOffset()) {
            sb.append(" offset ").append(m.offsetMillis() < 0 ? "-" + duration(-m.offsetMillis())
                    : duration(m.offsetMillis()));
        }
        if (!m.at().isEmpty()) {
            sb.append(" @ ").append(m.at());
        }
    }
}
