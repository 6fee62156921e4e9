package dev.tocsin.core.internal.template;

import dev.tocsin.core.Labels;
import dev.tocsin.core.internal.template.Node.ActionNode;
import dev.tocsin.core.internal.template.Node.BoolNode;
import dev.tocsin.core.internal.template.Node.BranchNode;
import dev.tocsin.core.internal.template.Node.BreakNode;
import dev.tocsin.core.internal.template.Node.ChainNode;
import dev.tocsin.core.internal.template.Node.CommandNode;
import dev.tocsin.core.internal.template.Node.ContinueNode;
import dev.tocsin.core.internal.template.Node.DotNode;
import dev.tocsin.core.internal.template.Node.FieldNode;
import dev.tocsin.core.internal.template.Node.IdentifierNode;
import dev.tocsin.core.internal.template.Node.ListNode;
import dev.tocsin.core.internal.template.Node.NilNode;
import dev.tocsin.core.internal.template.Node.NumberNode;
import dev.tocsin.core.internal.template.Node.PipeNode;
import dev.tocsin.core.internal.template.Node.StringNode;
import dev.tocsin.core.internal.template.Node.TemplateNode;
import dev.tocsin.core.internal.template.Node.TextNode;
import dev.tocsin.core.internal.template.Node.VariableNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Executes a parsed template (Go's text/template exec.go with missingkey=zero), one instance per expansion. */
final class Exec implements Funcs.Site {

    /** Prometheus's prefix length in bytes; positions in messages are relative to the prefixed text. */
    static final int PREFIX_LEN = ("{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
            + "{{$externalURL := .ExternalURL}}{{$value := .Value}}").length();
    static final int MAX_DEPTH = 1000;
    static final long MAX_STEPS = 1_000_000;
    static final int MAX_OUTPUT = 1 << 20;

    /** An execution error; the message is Go's, without the {@code template: NAME:L:C: executing} prefix. */
    static final class ExecError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final Node node;
        final String tmplName;

        ExecError(Node node, String tmplName, String msg) {
            super(msg, null, false, false);
            this.node = node;
            this.tmplName = tmplName;
        }
    }

    private static final class Signal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Signal() {
            super(null, null, false, false);
        }
    }

    private static final Signal BREAK = new Signal();
    private static final Signal CONTINUE = new Signal();

    private final Template tmpl;
    private final TemplateData data;
    private final StringBuilder out;
    private final List<String> varNames = new ArrayList<>();
    private final List<Object> varValues = new ArrayList<>();
    private String tmplName;
    private Node node;
    private int depth;
    private long steps;

    Exec(Template tmpl, TemplateData data, StringBuilder out) {
        this.tmpl = tmpl;
        this.data = data;
        this.out = out;
        this.tmplName = tmpl.name();
    }

    @Override
    public TemplateData data() {
        return data;
    }

    @Override
    public GoRegex.Compiled cachedRegex(String src) throws GoRegex.RegexError {
        CommandNode site = currentCommand;
        if (site != null) {
            GoRegex.Compiled c = site.regexCache;
            if (c != null && c.source().equals(src)) {
                return c;
            }
            c = GoRegex.compile(src);
            site.regexCache = c;
            return c;
        }
        return GoRegex.compile(src);
    }

    private CommandNode currentCommand;

    void run(ListNode root) {
        push("$", data);
        push("$labels", data.labels());
        push("$externalLabels", data.externalLabels());
        push("$externalURL", data.externalUrl());
        push("$value", data.value());
        walk(data, root);
    }

    private ExecError error(String msg) {
        return new ExecError(node, tmplName, msg);
    }

    private void push(String name, Object value) {
        varNames.add(name);
        varValues.add(value);
    }

    private void pop(int mark) {
        while (varNames.size() > mark) {
            varNames.remove(varNames.size() - 1);
            varValues.remove(varValues.size() - 1);
        }
    }

    private void setVar(String name, Object value) {
        for (int i = varNames.size() - 1; i >= 0; i--) {
            if (varNames.get(i).equals(name)) {
                varValues.set(i, value);
                return;
            }
        }
        throw error("undefined variable: " + name);
    }

    private Object varValue(String name) {
        for (int i = varNames.size() - 1; i >= 0; i--) {
            if (varNames.get(i).equals(name)) {
                return varValues.get(i);
            }
        }
        throw error("undefined variable: " + name);
    }

    private void step() {
        if (++steps > MAX_STEPS) {
            throw error("template execution exceeded " + MAX_STEPS + " steps");
        }
        if (out.length() > MAX_OUTPUT) {
            throw error("template output exceeded " + MAX_OUTPUT + " characters");
        }
    }

    private void walk(Object dot, Node n) {
        step();
        node = n;
        if (n instanceof TextNode) {
            out.append(((TextNode) n).text);
        } else if (n instanceof ActionNode) {
            PipeNode pipe = ((ActionNode) n).pipe;
            Object val = evalPipeline(dot, pipe);
            if (pipe.decl.isEmpty()) {
                printValue(n, val);
            }
        } else if (n instanceof ListNode) {
            for (Node c : ((ListNode) n).nodes) {
                walk(dot, c);
            }
        } else if (n instanceof BranchNode) {
            BranchNode b = (BranchNode) n;
            if (b.kind.equals("range")) {
                walkRange(dot, b);
            } else {
                walkIfOrWith(dot, b);
            }
        } else if (n instanceof TemplateNode) {
            walkTemplate(dot, (TemplateNode) n);
        } else if (n instanceof BreakNode) {
            throw BREAK;
        } else if (n instanceof ContinueNode) {
            throw CONTINUE;
        } else {
            throw error("unknown node: " + n);
        }
    }

    private void printValue(Node n, Object v) {
        node = n;
        if (v == null) {
            out.append("<no value>");
        } else {
            GoFmt.printValue(out, v);
        }
    }

    private void walkIfOrWith(Object dot, BranchNode b) {
        int mark = varNames.size();
        try {
            Object val = evalPipeline(dot, b.pipe);
            boolean truth = Values.truth(val);
            if (truth) {
                walk(b.kind.equals("with") ? val : dot, b.list);
            } else if (b.elseList != null) {
                walk(dot, b.elseList);
            }
        } finally {
            pop(mark);
        }
    }

    private void walkRange(Object dot, BranchNode r) {
        node = r;
        int outer = varNames.size();
        try {
            Object val = evalPipeline(dot, r.pipe);
            int mark = varNames.size();
            if (val instanceof Labels || val instanceof Values.AnyMap) {
                Map<String, ?> m = Values.asMap(val);
                if (m.isEmpty()) {
                    if (r.elseList != null) {
                        walk(dot, r.elseList);
                    }
                    return;
                }
                for (Map.Entry<String, ?> e : m.entrySet()) {
                    if (!rangeStep(r, e.getKey(), e.getValue(), mark)) {
                        break;
                    }
                }
                return;
            }
            if (val instanceof Values.QueryResult) {
                List<Values.QuerySample> list = ((Values.QueryResult) val).samples();
                if (list.isEmpty()) {
                    if (r.elseList != null) {
                        walk(dot, r.elseList);
                    }
                    return;
                }
                for (int i = 0; i < list.size(); i++) {
                    if (!rangeStep(r, (long) i, list.get(i), mark)) {
                        break;
                    }
                }
                return;
            }
            if (val == null) {
                if (r.elseList != null) {
                    walk(dot, r.elseList);
                }
                return;
            }
            throw error("range can't iterate over " + GoFmt.sprint(List.of(val)));
        } finally {
            pop(outer);
        }
    }

    private void walkTemplate(Object dot, TemplateNode t) {
        node = t;
        ListNode body = tmpl.defined(t.name);
        if (body == null) {
            throw error("template " + GoFmt.quote(t.name) + " not defined");
        }
        if (depth >= MAX_DEPTH) {
            throw error("exceeded maximum template depth (" + MAX_DEPTH + ")");
        }
        Object newDot = t.pipe == null ? null : evalPipeline(dot, t.pipe);
        List<String> savedNames = new ArrayList<>(varNames);
        List<Object> savedValues = new ArrayList<>(varValues);
        String savedName = tmplName;
        varNames.clear();
        varValues.clear();
        push("$", newDot);
        tmplName = t.name;
        depth++;
        try {
            walk(newDot, body);
        } finally {
            depth--;
            tmplName = savedName;
            varNames.clear();
            varValues.clear();
            varNames.addAll(savedNames);
            varValues.addAll(savedValues);
        }
    }

    private Object evalPipeline(Object dot, PipeNode pipe) {
        if (pipe == null) {
            return null;
        }
        node = pipe;
        Object value = null;
        boolean first = true;
        for (CommandNode cmd : pipe.cmds) {
            value = evalCommand(dot, cmd, first ? MISSING : value);
            first = false;
        }
        for (VariableNode v : pipe.decl) {
            if (pipe.isAssign) {
                setVar(v.ident[0], value);
            } else {
                push(v.ident[0], value);
            }
        }
        return value;
    }

    /** Marks the absence of a final (piped) argument. */
    private static final Object MISSING = new Object();

    private Object evalCommand(Object dot, CommandNode cmd, Object fin) {
        step();
        Node first = cmd.args.get(0);
        if (first instanceof FieldNode) {
            FieldNode f = (FieldNode) first;
            node = f;
            return evalFieldChain(dot, f.ident, 0, cmd.args, fin);
        } else if (first instanceof ChainNode) {
            return evalChain(dot, (ChainNode) first, cmd.args, fin);
        } else if (first instanceof IdentifierNode) {
            return evalFunction(dot, (IdentifierNode) first, cmd, cmd.args, fin);
        } else if (first instanceof PipeNode) {
            notAFunction(cmd.args, fin);
            return evalPipeline(dot, (PipeNode) first);
        } else if (first instanceof VariableNode) {
            return evalVariable(dot, (VariableNode) first, cmd.args, fin);
        }
        node = first;
        notAFunction(cmd.args, fin);
        if (first instanceof BoolNode) {
            return ((BoolNode) first).value;
        } else if (first instanceof DotNode) {
            return dot;
        } else if (first instanceof NilNode) {
            throw error("nil is not a command");
        } else if (first instanceof NumberNode) {
            return idealConstant((NumberNode) first);
        } else if (first instanceof StringNode) {
            return ((StringNode) first).text;
        }
        throw error("can't evaluate command " + GoFmt.quote(first.toString()));
    }

    private void notAFunction(List<Node> args, Object fin) {
        if (args.size() > 1 || fin != MISSING) {
            throw error("can't give argument to non-function " + args.get(0));
        }
    }

    private Object idealConstant(NumberNode c) {
        node = c;
        if (c.isFloat && !Parser.isHexInt(c.text) && !c.isRune && c.text.matches(".*[.eEpP].*")) {
            return c.float64;
        }
        if (c.isInt) {
            return c.int64;
        }
        if (c.isUint) {
            throw error(c.text + " overflows int");
        }
        return null;
    }

    private Object evalVariable(Object dot, VariableNode v, List<Node> args, Object fin) {
        node = v;
        Object value = varValue(v.ident[0]);
        if (v.ident.length == 1) {
            notAFunction(args, fin);
            return value;
        }
        return evalFieldChain(dot, v.ident, 1, args, fin, value);
    }

    private Object evalChain(Object dot, ChainNode chain, List<Node> args, Object fin) {
        if (chain.field.isEmpty()) {
            throw error("internal error: no fields in evalChainNode");
        }
        if (chain.node instanceof NilNode) {
            throw error("indirection through explicit nil in " + chain);
        }
        Object pipe = evalArg(dot, Funcs.P.ANY, chain.node);
        node = chain;
        return evalFieldChain(dot, chain.field.toArray(new String[0]), 0, args, fin, pipe);
    }

    private Object evalFieldChain(Object dot, String[] ident, int from, List<Node> args, Object fin) {
        return evalFieldChain(dot, ident, from, args, fin, dot);
    }

    private Object evalFieldChain(Object dot, String[] ident, int from, List<Node> args, Object fin,
            Object receiver) {
        for (int i = from; i < ident.length - 1; i++) {
            receiver = evalField(dot, ident[i], List.of(), MISSING, receiver);
        }
        return evalField(dot, ident[ident.length - 1], args, fin, receiver);
    }

    private Object evalField(Object dot, String name, List<Node> args, Object fin, Object receiver) {
        if (receiver == null) {
            return null;
        }
        boolean hasArgs = args.size() > 1 || fin != MISSING;
        if (receiver instanceof TemplateData) {
            TemplateData d = (TemplateData) receiver;
            Object v;
            switch (name) {
                case "Labels": v = d.labels(); break;
                case "ExternalLabels": v = d.externalLabels(); break;
                case "ExternalURL": v = d.externalUrl(); break;
                case "Value": v = d.value(); break;
                default: v = MISSING;
            }
            if (v != MISSING) {
                if (hasArgs) {
                    throw error(name + " has arguments but cannot be invoked as function");
                }
                return v;
            }
        } else if (receiver instanceof Values.QuerySample) {
            return sampleField(name, hasArgs, (Values.QuerySample) receiver);
        } else if (receiver instanceof Labels || receiver instanceof Values.AnyMap) {
            if (hasArgs) {
                throw error(name + " is not a method but has arguments");
            }
            if (receiver instanceof Labels) {
                return ((Labels) receiver).get(name);
            }
            return ((Values.AnyMap) receiver).map().get(name);
        } else if (receiver instanceof Values.GoTime) {
            return timeMethod(dot, name, args, fin, (Values.GoTime) receiver);
        }
        throw error("can't evaluate field " + name + " in type " + Values.typeName(receiver));
    }

    /**
     * A method of {@code *time.Time} (what {@code toTime} returns): {@code Format} with Go's reference layout, the
     * Unix times, the calendar fields, {@code String}, {@code UTC}, {@code IsZero}; the month and weekday print as
     * Go prints them ({@code January}, {@code Monday}).
     */
    private Object timeMethod(Object dot, String name, List<Node> args, Object fin, Values.GoTime t) {
        // args holds the field's own node first when it is a command (none mid-chain or as an argument)
        int given = Math.max(0, args.size() - 1) + (fin != MISSING ? 1 : 0);
        int wanted = name.equals("Format") ? 1 : 0;
        java.time.ZonedDateTime z = java.time.Instant.ofEpochMilli(t.epochMillis()).atZone(java.time.ZoneOffset.UTC);
        Object v;
        switch (name) {
            case "Format": v = "format"; break;
            case "Unix": v = Math.floorDiv(t.epochMillis(), 1000L); break;
            case "UnixMilli": v = t.epochMillis(); break;
            case "UnixMicro": v = t.epochMillis() * 1000L; break;
            case "UnixNano": v = t.epochMillis() * 1_000_000L; break;
            case "Year": v = (long) z.getYear(); break;
            case "Month": v = GoTimeLayout.month(z.getMonthValue()); break;
            case "Day": v = (long) z.getDayOfMonth(); break;
            case "Hour": v = (long) z.getHour(); break;
            case "Minute": v = (long) z.getMinute(); break;
            case "Second": v = (long) z.getSecond(); break;
            case "Nanosecond": v = (long) z.getNano(); break;
            case "YearDay": v = (long) z.getDayOfYear(); break;
            case "Weekday": v = GoTimeLayout.weekday(GoTimeLayout.weekdayOf(z)); break;
            case "String": v = t.toString(); break;
            case "UTC": v = t; break;
            case "IsZero": v = t.epochMillis() == -62135596800000L; break; // January 1, year 1, 00:00:00 UTC
            default: throw error("can't evaluate field " + name + " in type *time.Time");
        }
        if (given != wanted) {
            throw error("wrong number of args for " + name + ": want " + wanted + " got " + given);
        }
        if (wanted == 0) {
            return v;
        }
        Object layout = fin != MISSING ? fin : evalArg(dot, Funcs.P.STRING, args.get(1));
        if (!(layout instanceof String)) {
            throw error("wrong type for value; expected string; got " + Values.typeName(layout));
        }
        return GoTimeLayout.format(t.epochMillis(), (String) layout);
    }

    /** A field of a query result's series: {@code .Labels} or {@code .Value}. */
    private Object sampleField(String name, boolean hasArgs, Values.QuerySample q) {
        Object v;
        switch (name) {
            case "Labels": v = q.labels(); break;
            case "Value": v = q.value(); break;
            default: throw error("can't evaluate field " + name + " in type template.sample");
        }
        if (hasArgs) {
            throw error(name + " has arguments but cannot be invoked as function");
        }
        return v;
    }

    private Object evalFunction(Object dot, IdentifierNode id, CommandNode cmd, List<Node> args, Object fin) {
        node = id;
        Funcs.Func f = id.func;
        List<Node> a = args.subList(1, args.size());
        int numIn = a.size() + (fin != MISSING ? 1 : 0);
        int numFixed = f.numFixed();
        if (f.variadic()) {
            if (numIn < numFixed) {
                throw error("wrong number of args for " + f.name() + ": want at least " + numFixed + " got "
                        + a.size());
            }
        } else if (numIn != f.params().length) {
            throw error("wrong number of args for " + f.name() + ": want " + f.params().length + " got " + numIn);
        }
        if (f.name().equals("and") || f.name().equals("or")) {
            boolean isOr = f.name().equals("or");
            Object v = null;
            for (Node arg : a) {
                v = evalArg(dot, Funcs.P.VALUE, arg);
                if (Values.truth(v) == isOr) {
                    return v;
                }
            }
            if (fin != MISSING) {
                v = fin;
            }
            return v;
        }
        Object[] argv = new Object[numIn];
        int i = 0;
        for (; i < numFixed && i < a.size(); i++) {
            argv[i] = evalArg(dot, f.params()[i], a.get(i));
        }
        if (f.variadic()) {
            Funcs.P t = f.params()[f.params().length - 1];
            for (; i < a.size(); i++) {
                argv[i] = evalArg(dot, t, a.get(i));
            }
        }
        if (fin != MISSING) {
            Funcs.P t = f.params()[Math.min(numIn - 1, f.params().length - 1)];
            argv[i] = validateType(fin, t);
        }
        try {
            currentCommand = cmd;
            Object r = f.impl().call(this, argv);
            if (r instanceof String && ((String) r).length() > MAX_OUTPUT) {
                // a value no output may hold: stop before the next call doubles it (printf "%s%s" $x $x)
                node = cmd != null ? cmd : id;
                throw error("error calling " + f.name() + ": result longer than " + MAX_OUTPUT + " characters");
            }
            return r;
        } catch (GoFmt.TooLong e) {
            node = cmd != null ? cmd : id;
            throw error("error calling " + f.name() + ": " + e.getMessage());
        } catch (Funcs.CallError e) {
            node = cmd != null ? cmd : id;
            throw error("error calling " + f.name() + ": " + e.getMessage());
        } finally {
            currentCommand = null;
        }
    }

    /**
     * One iteration of {@code range}: binds its variables to the key (map key or slice index) and the element, runs
     * the body with the element as dot; returns false when the body says {@code break}.
     */
    private boolean rangeStep(BranchNode r, Object key, Object elem, int mark) {
        if (!r.pipe.decl.isEmpty()) {
            if (r.pipe.isAssign) {
                if (r.pipe.decl.size() > 1) {
                    setVar(r.pipe.decl.get(0).ident[0], key);
                    setVar(r.pipe.decl.get(1).ident[0], elem);
                } else {
                    setVar(r.pipe.decl.get(0).ident[0], elem);
                }
            } else {
                varValues.set(varValues.size() - 1, elem);
                if (r.pipe.decl.size() > 1) {
                    varValues.set(varValues.size() - 2, key);
                }
            }
        }
        try {
            walk(elem, r.list);
        } catch (Signal s) {
            if (s == BREAK) {
                return false;
            }
        } finally {
            pop(mark);
        }
        return true;
    }

    private Object validateType(Object value, Funcs.P typ) {
        if (value == null) {
            if (typ.canBeNil) {
                return null;
            }
            throw error("invalid value; expected " + typ.goName);
        }
        boolean ok;
        switch (typ) {
            case STRING: ok = value instanceof String; break;
            case FLOAT64: ok = value instanceof Double; break;
            case INT: ok = value instanceof Long; break;
            case BOOL: ok = value instanceof Boolean; break;
            case ANY: case VALUE: ok = true; break;
            case QUERY_RESULT: ok = value instanceof Values.QueryResult; break;
            case SAMPLE: ok = value instanceof Values.QuerySample; break;
            default: ok = false;
        }
        if (!ok) {
            throw error("wrong type for value; expected " + typ.goName + "; got " + Values.typeName(value));
        }
        return value;
    }

    private Object evalArg(Object dot, Funcs.P typ, Node n) {
        node = n;
        if (n instanceof DotNode) {
            return validateType(dot, typ);
        } else if (n instanceof NilNode) {
            if (typ.canBeNil) {
                return null;
            }
            throw error("cannot assign nil to " + typ.goName);
        } else if (n instanceof FieldNode) {
            return validateType(evalFieldChain(dot, ((FieldNode) n).ident, 0, List.of(n), MISSING), typ);
        } else if (n instanceof VariableNode) {
            return validateType(evalVariable(dot, (VariableNode) n, List.of(), MISSING), typ);
        } else if (n instanceof PipeNode) {
            return validateType(evalPipeline(dot, (PipeNode) n), typ);
        } else if (n instanceof IdentifierNode) {
            return validateType(evalFunction(dot, (IdentifierNode) n, null, List.of(n), MISSING), typ);
        } else if (n instanceof ChainNode) {
            return validateType(evalChain(dot, (ChainNode) n, List.of(), MISSING), typ);
        }
        switch (typ) {
            case BOOL:
                if (n instanceof BoolNode) {
                    return ((BoolNode) n).value;
                }
                throw error("expected bool; found " + n);
            case FLOAT64:
                if (n instanceof NumberNode && ((NumberNode) n).isFloat) {
                    return ((NumberNode) n).float64;
                }
                throw error("expected float; found " + n);
            case INT:
                if (n instanceof NumberNode && ((NumberNode) n).isInt) {
                    return ((NumberNode) n).int64;
                }
                throw error("expected integer; found " + n);
            case STRING:
                if (n instanceof StringNode) {
                    return ((StringNode) n).text;
                }
                throw error("expected string; found " + n);
            case ANY: case VALUE:
                if (n instanceof BoolNode) {
                    return ((BoolNode) n).value;
                } else if (n instanceof NumberNode) {
                    return idealConstant((NumberNode) n);
                } else if (n instanceof StringNode) {
                    return ((StringNode) n).text;
                }
                throw error("can't handle assignment of " + n + " to empty interface argument");
            default:
                throw error("can't handle " + n + " for arg of type " + typ.goName);
        }
    }

    /** Formats Go's {@code template: NAME:LINE:COL: executing "TMPL" at <CONTEXT>: MSG}. */
    static String format(String mainName, String text, ExecError e) {
        Node n = e.node;
        int pos = n == null ? 0 : Math.min(n.pos, text.length());
        String before = text.substring(0, pos);
        int nl = before.lastIndexOf('\n');
        int line = 1;
        for (int i = 0; i < before.length(); i++) {
            if (before.charAt(i) == '\n') {
                line++;
            }
        }
        int col = nl < 0 ? PREFIX_LEN + Values.utf8Length(before) : Values.utf8Length(before.substring(nl + 1));
        String context = n == null ? "" : n.toString();
        return "template: " + mainName + ":" + line + ":" + col + ": executing " + GoFmt.quote(e.tmplName)
                + " at <" + context + ">: " + e.getMessage();
    }
}
