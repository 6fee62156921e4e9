package dev.tocsin.core.internal.template;

import dev.tocsin.core.internal.template.Lexer.Item;
import dev.tocsin.core.internal.template.Lexer.T;
import dev.tocsin.core.internal.template.Node.ActionNode;
import dev.tocsin.core.internal.template.Node.BoolNode;
import dev.tocsin.core.internal.template.Node.BranchNode;
import dev.tocsin.core.internal.template.Node.BreakNode;
import dev.tocsin.core.internal.template.Node.ChainNode;
import dev.tocsin.core.internal.template.Node.CommandNode;
import dev.tocsin.core.internal.template.Node.ContinueNode;
import dev.tocsin.core.internal.template.Node.DotNode;
import dev.tocsin.core.internal.template.Node.ElseNode;
import dev.tocsin.core.internal.template.Node.EndNode;
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

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Go text/template's parser (parse.Tree), over the whole item list from {@link Lexer}. */
final class Parser {

    /** A parse error at a char offset of the template text. */
    static final class ParseError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int pos;

        ParseError(int pos, String msg) {
            super(msg, null, false, false);
            this.pos = pos;
        }
    }

    /** The variables Prometheus's prefix declares, besides {@code $}. */
    static final List<String> PREFIX_VARS = List.of("$labels", "$externalLabels", "$externalURL", "$value");

    private static final BigInteger MAX_UINT64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final List<Item> items;
    private final String mainName;
    private final Map<String, ListNode> defined;
    private int i;
    private int lastPos;
    private List<String> vars = new ArrayList<>();
    private int rangeDepth;

    private Parser(List<Item> items, String mainName, Map<String, ListNode> defined) {
        this.items = items;
        this.mainName = mainName;
        this.defined = defined;
    }

    /** The parse result: the main tree and the {{define}}d / {{block}} templates. */
    record Tree(ListNode root, Map<String, ListNode> defined) {
    }

    static Tree parse(String mainName, String text) {
        Map<String, ListNode> defined = new HashMap<>();
        Parser p = new Parser(Lexer.lex(text), mainName, defined);
        p.vars.add("$");
        p.vars.addAll(PREFIX_VARS);
        ListNode root = p.parseTop();
        if (defined.containsKey(mainName)) {
            throw new ParseError(0, "template: multiple definition of template " + GoFmt.quote(mainName));
        }
        return new Tree(root, defined);
    }

    private ParseError error(String msg) {
        return new ParseError(lastPos, msg);
    }

    private Item next() {
        Item it = items.get(Math.min(i, items.size() - 1));
        i++;
        lastPos = it.pos();
        if (it.type() == T.ERROR) {
            throw new ParseError(it.pos(), it.val());
        }
        return it;
    }

    private void backup() {
        i--;
    }

    private Item peek() {
        Item it = items.get(Math.min(i, items.size() - 1));
        if (it.type() == T.ERROR) {
            throw new ParseError(it.pos(), it.val());
        }
        return it;
    }

    private Item nextNonSpace() {
        Item it;
        do {
            it = next();
        } while (it.type() == T.SPACE);
        return it;
    }

    private Item peekNonSpace() {
        Item it = nextNonSpace();
        backup();
        return it;
    }

    private ParseError unexpected(Item it, String context) {
        lastPos = it.pos();
        if (it.type() == T.ERROR) {
            return new ParseError(it.pos(), it.val());
        }
        return new ParseError(it.pos(), "unexpected " + it + " in " + context);
    }

    private Item expect(T type, String context) {
        Item it = nextNonSpace();
        if (it.type() != type) {
            throw unexpected(it, context);
        }
        return it;
    }

    private ListNode parseTop() {
        ListNode root = new ListNode(peek().pos());
        while (peek().type() != T.EOF) {
            if (peek().type() == T.LEFT_DELIM) {
                int mark = i;
                next();
                if (nextNonSpace().type() == T.DEFINE) {
                    parseDefinition();
                    continue;
                }
                i = mark;
            }
            Node n = textOrAction();
            if (n instanceof EndNode || n instanceof ElseNode) {
                throw new ParseError(n.pos, "unexpected " + n);
            }
            if (n != null) {
                root.nodes.add(n);
            }
        }
        return root;
    }

    private void parseDefinition() {
        String context = "define clause";
        Item name = nextNonSpace();
        if (name.type() != T.STRING && name.type() != T.RAW_STRING) {
            throw unexpected(name, context);
        }
        String n = unquote(name);
        expect(T.RIGHT_DELIM, context);
        List<String> savedVars = vars;
        int savedDepth = rangeDepth;
        vars = new ArrayList<>(List.of("$"));
        rangeDepth = 0;
        Object[] r = itemList();
        if (!(r[1] instanceof EndNode)) {
            throw new ParseError(((Node) r[1]).pos, "unexpected " + r[1] + " in " + context);
        }
        add(n, (ListNode) r[0], name.pos());
        vars = savedVars;
        rangeDepth = savedDepth;
    }

    private void add(String name, ListNode body, int pos) {
        ListNode old = defined.get(name);
        if (old == null || isEmpty(old)) {
            defined.put(name, body);
            return;
        }
        if (!isEmpty(body)) {
            throw new ParseError(pos, "template: multiple definition of template " + GoFmt.quote(name));
        }
    }

    private static boolean isEmpty(Node n) {
        if (n instanceof ListNode) {
            for (Node c : ((ListNode) n).nodes) {
                if (!isEmpty(c)) {
                    return false;
                }
            }
            return true;
        }
        return n instanceof TextNode && ((TextNode) n).text.isBlank();
    }

    /** Returns {ListNode list, Node endOrElse}. */
    private Object[] itemList() {
        ListNode list = new ListNode(peekNonSpace().pos());
        while (peekNonSpace().type() != T.EOF) {
            Node n = textOrAction();
            if (n instanceof EndNode || n instanceof ElseNode) {
                return new Object[] {list, n};
            }
            if (n != null) {
                list.nodes.add(n);
            }
        }
        lastPos = peek().pos();
        throw error("unexpected EOF");
    }

    private Node textOrAction() {
        Item it = nextNonSpace();
        switch (it.type()) {
            case TEXT:
                return new TextNode(it.pos(), it.val());
            case LEFT_DELIM:
                return action();
            case COMMENT:
                return null;
            default:
                throw unexpected(it, "input");
        }
    }

    private Node action() {
        Item it = nextNonSpace();
        switch (it.type()) {
            case BLOCK:
                return blockControl();
            case BREAK:
                return breakControl(it, true);
            case CONTINUE:
                return breakControl(it, false);
            case ELSE:
                return elseControl();
            case END:
                return new EndNode(expect(T.RIGHT_DELIM, "end").pos());
            case IF:
                return control("if", it.pos());
            case RANGE:
                return control("range", it.pos());
            case TEMPLATE:
                return templateControl();
            case WITH:
                return control("with", it.pos());
            default:
                break;
        }
        backup();
        Item tok = peek();
        return new ActionNode(tok.pos(), pipeline("command", T.RIGHT_DELIM));
    }

    private Node breakControl(Item kw, boolean isBreak) {
        Item it = nextNonSpace();
        if (it.type() != T.RIGHT_DELIM) {
            throw unexpected(it, isBreak ? "{{break}}" : "{{continue}}");
        }
        if (rangeDepth == 0) {
            throw new ParseError(kw.pos(), isBreak ? "{{break}} outside {{range}}" : "{{continue}} outside {{range}}");
        }
        return isBreak ? new BreakNode(kw.pos()) : new ContinueNode(kw.pos());
    }

    private Node elseControl() {
        Item peek = peekNonSpace();
        if (peek.type() == T.IF) {
            return new ElseNode(peek.pos());
        }
        return new ElseNode(expect(T.RIGHT_DELIM, "else").pos());
    }

    private Node control(String context, int pos) {
        int varMark = vars.size();
        try {
            PipeNode pipe = pipeline(context, T.RIGHT_DELIM);
            if (context.equals("range")) {
                rangeDepth++;
            }
            Object[] r = itemList();
            if (context.equals("range")) {
                rangeDepth--;
            }
            ListNode list = (ListNode) r[0];
            ListNode elseList = null;
            Node next = (Node) r[1];
            if (next instanceof ElseNode) {
                if (context.equals("if") && peek().type() == T.IF) {
                    Item ifTok = next();
                    elseList = new ListNode(next.pos);
                    elseList.nodes.add(control("if", ifTok.pos()));
                } else {
                    Object[] e = itemList();
                    elseList = (ListNode) e[0];
                    if (!(e[1] instanceof EndNode)) {
                        throw new ParseError(((Node) e[1]).pos, "expected end; found " + e[1]);
                    }
                }
            }
            return new BranchNode(pipe.pos, context, pipe, list, elseList);
        } finally {
            while (vars.size() > varMark) {
                vars.remove(vars.size() - 1);
            }
        }
    }

    private Node templateControl() {
        String context = "template clause";
        Item tok = nextNonSpace();
        if (tok.type() != T.STRING && tok.type() != T.RAW_STRING) {
            throw unexpected(tok, context);
        }
        String name = unquote(tok);
        PipeNode pipe = null;
        if (nextNonSpace().type() != T.RIGHT_DELIM) {
            backup();
            pipe = pipeline(context, T.RIGHT_DELIM);
        }
        return new TemplateNode(tok.pos(), name, pipe);
    }

    private Node blockControl() {
        String context = "block clause";
        Item tok = nextNonSpace();
        if (tok.type() != T.STRING && tok.type() != T.RAW_STRING) {
            throw unexpected(tok, context);
        }
        String name = unquote(tok);
        PipeNode pipe = pipeline(context, T.RIGHT_DELIM);
        List<String> savedVars = vars;
        int savedDepth = rangeDepth;
        vars = new ArrayList<>(List.of("$"));
        rangeDepth = 0;
        Object[] r = itemList();
        if (!(r[1] instanceof EndNode)) {
            throw new ParseError(((Node) r[1]).pos, "unexpected " + r[1] + " in " + context);
        }
        vars = savedVars;
        rangeDepth = savedDepth;
        add(name, (ListNode) r[0], tok.pos());
        return new TemplateNode(tok.pos(), name, pipe);
    }

    private PipeNode pipeline(String context, T end) {
        Item token = peekNonSpace();
        PipeNode pipe = new PipeNode(token.pos());
        decls:
        while (true) {
            Item v = peekNonSpace();
            if (v.type() != T.VARIABLE) {
                break;
            }
            int mark = i;
            nextNonSpace();
            Item next = peekNonSpace();
            if (next.type() == T.ASSIGN || next.type() == T.DECLARE) {
                pipe.isAssign = next.type() == T.ASSIGN;
                nextNonSpace();
                pipe.decl.add(new VariableNode(v.pos(), new String[] {v.val()}));
                vars.add(v.val());
                if (pipe.isAssign) {
                    // Go 1.19 checks that an assigned variable exists only at execution time.
                    break;
                }
            } else if (next.type() == T.CHAR && next.val().equals(",")) {
                nextNonSpace();
                pipe.decl.add(new VariableNode(v.pos(), new String[] {v.val()}));
                vars.add(v.val());
                if (context.equals("range") && pipe.decl.size() < 2) {
                    T t = peekNonSpace().type();
                    if (t == T.VARIABLE || t == T.RIGHT_DELIM || t == T.RIGHT_PAREN) {
                        continue decls;
                    }
                    throw error("range can only initialize variables");
                }
                throw error("too many declarations in " + context);
            } else {
                i = mark;
            }
            break;
        }
        while (true) {
            Item tok = nextNonSpace();
            if (tok.type() == end) {
                checkPipeline(pipe, context);
                return pipe;
            }
            switch (tok.type()) {
                case BOOL: case CHAR_CONSTANT: case DOT: case FIELD: case IDENTIFIER: case NUMBER: case NIL:
                case RAW_STRING: case STRING: case VARIABLE: case LEFT_PAREN:
                    backup();
                    pipe.cmds.add(command());
                    break;
                default:
                    throw unexpected(tok, context);
            }
        }
    }

    private void checkPipeline(PipeNode pipe, String context) {
        if (pipe.cmds.isEmpty()) {
            throw error("missing value for " + context);
        }
        for (int k = 1; k < pipe.cmds.size(); k++) {
            Node first = pipe.cmds.get(k).args.get(0);
            if (first instanceof BoolNode || first instanceof DotNode || first instanceof NilNode
                    || first instanceof NumberNode || first instanceof StringNode) {
                throw new ParseError(first.pos, "non executable command in pipeline stage " + (k + 1));
            }
        }
    }

    private CommandNode command() {
        CommandNode cmd = new CommandNode(peekNonSpace().pos());
        while (true) {
            peekNonSpace();
            Node operand = operand();
            if (operand != null) {
                cmd.args.add(operand);
            }
            Item tok = next();
            switch (tok.type()) {
                case SPACE:
                    continue;
                case RIGHT_DELIM: case RIGHT_PAREN:
                    backup();
                    break;
                case PIPE:
                    break;
                default:
                    throw unexpected(tok, "operand");
            }
            break;
        }
        if (cmd.args.isEmpty()) {
            throw error("empty command");
        }
        return cmd;
    }

    private Node operand() {
        Node node = term();
        if (node == null) {
            return null;
        }
        if (peek().type() == T.FIELD) {
            ChainNode chain = new ChainNode(peek().pos(), node);
            while (peek().type() == T.FIELD) {
                chain.field.add(next().val().substring(1));
            }
            if (node instanceof FieldNode) {
                List<String> all = new ArrayList<>(List.of(((FieldNode) node).ident));
                all.addAll(chain.field);
                node = new FieldNode(chain.pos, all.toArray(new String[0]));
            } else if (node instanceof VariableNode) {
                List<String> all = new ArrayList<>(List.of(((VariableNode) node).ident));
                all.addAll(chain.field);
                node = new VariableNode(chain.pos, all.toArray(new String[0]));
            } else if (node instanceof BoolNode || node instanceof StringNode || node instanceof NumberNode
                    || node instanceof NilNode || node instanceof DotNode) {
                throw error("unexpected . after term " + GoFmt.quote(node.toString()));
            } else {
                node = chain;
            }
        }
        return node;
    }

    private Node term() {
        Item tok = nextNonSpace();
        switch (tok.type()) {
            case IDENTIFIER: {
                Funcs.Func f = Funcs.lookup(tok.val());
                if (f == null) {
                    throw new ParseError(tok.pos(), "function " + GoFmt.quote(tok.val()) + " not defined");
                }
                return new IdentifierNode(tok.pos(), tok.val(), f);
            }
            case DOT:
                return new DotNode(tok.pos());
            case NIL:
                return new NilNode(tok.pos());
            case VARIABLE:
                return useVar(tok);
            case FIELD:
                return new FieldNode(tok.pos(), new String[] {tok.val().substring(1)});
            case BOOL:
                return new BoolNode(tok.pos(), tok.val().equals("true"));
            case CHAR_CONSTANT: case NUMBER:
                return number(tok);
            case LEFT_PAREN:
                return pipeline("parenthesized pipeline", T.RIGHT_PAREN);
            case STRING: case RAW_STRING:
                return new StringNode(tok.pos(), tok.val(), unquote(tok));
            default:
                backup();
                return null;
        }
    }

    private Node useVar(Item tok) {
        String name = tok.val();
        if (!vars.contains(name)) {
            throw new ParseError(tok.pos(), "undefined variable " + GoFmt.quote(name));
        }
        return new VariableNode(tok.pos(), new String[] {name});
    }

    private String unquote(Item tok) {
        String q = tok.val();
        if (tok.type() == T.RAW_STRING) {
            return q.substring(1, q.length() - 1).replace("\r", "");
        }
        String r = unquoteGo(q.substring(1, q.length() - 1), '"');
        if (r == null) {
            throw new ParseError(tok.pos(), "invalid syntax");
        }
        return r;
    }

    /** Go's strconv.Unquote body for the given quote; null when malformed. */
    static String unquoteGo(String s, char quote) {
        if (s.indexOf('\\') < 0) {
            return s.indexOf(quote) >= 0 ? null : s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        int k = 0;
        while (k < s.length()) {
            char c = s.charAt(k);
            if (c == quote) {
                return null;
            }
            if (c != '\\') {
                int cp = s.codePointAt(k);
                k += Character.charCount(cp);
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                continue;
            }
            if (k + 1 >= s.length()) {
                return null;
            }
            char e = s.charAt(k + 1);
            k += 2;
            switch (e) {
                case 'a': out.write(7); break;
                case 'b': out.write('\b'); break;
                case 'f': out.write('\f'); break;
                case 'n': out.write('\n'); break;
                case 'r': out.write('\r'); break;
                case 't': out.write('\t'); break;
                case 'v': out.write(11); break;
                case '\\': out.write('\\'); break;
                case '\'': case '"':
                    if (e != quote) {
                        return null;
                    }
                    out.write(e);
                    break;
                case 'x': case 'u': case 'U': {
                    int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (k + n > s.length()) {
                        return null;
                    }
                    int v;
                    try {
                        v = Integer.parseUnsignedInt(s.substring(k, k + n), 16);
                    } catch (NumberFormatException ex) {
                        return null;
                    }
                    for (int j = k; j < k + n; j++) {
                        if (Character.digit(s.charAt(j), 16) < 0) {
                            return null;
                        }
                    }
                    k += n;
                    if (e == 'x') {
                        out.write(v);
                    } else {
                        if (v > Character.MAX_CODE_POINT || (v >= 0xD800 && v <= 0xDFFF)) {
                            return null;
                        }
                        byte[] b = new String(Character.toChars(v)).getBytes(StandardCharsets.UTF_8);
                        out.write(b, 0, b.length);
                    }
                    break;
                }
                default:
                    if (e >= '0' && e <= '7') {
                        if (k + 2 > s.length()) {
                            return null;
                        }
                        int v = e - '0';
                        for (int j = 0; j < 2; j++) {
                            char d = s.charAt(k + j);
                            if (d < '0' || d > '7') {
                                return null;
                            }
                            v = v * 8 + (d - '0');
                        }
                        if (v > 255) {
                            return null;
                        }
                        k += 2;
                        out.write(v);
                        break;
                    }
                    return null;
            }
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    private NumberNode number(Item tok) {
        String text = tok.val();
        NumberNode n = new NumberNode(tok.pos(), text);
        if (tok.type() == T.CHAR_CONSTANT) {
            String body = unquoteGo(text.substring(1, text.length() - 1), '\'');
            if (body == null || body.isEmpty() || body.codePointCount(0, body.length()) != 1) {
                throw new ParseError(tok.pos(), "malformed character constant: " + text);
            }
            int r = body.codePointAt(0);
            n.isInt = n.isUint = n.isFloat = n.isRune = true;
            n.int64 = r;
            n.float64 = r;
            return n;
        }
        if (text.endsWith("i")) {
            throw new ParseError(tok.pos(), "complex number constants are not supported: " + text);
        }
        BigInteger big = parseGoInt(text);
        if (big != null) {
            if (big.bitLength() < 64) {
                n.isInt = true;
                n.int64 = big.longValue();
                n.isFloat = true;
                n.float64 = big.doubleValue();
                if (big.signum() >= 0) {
                    n.isUint = true;
                }
            } else if (big.signum() > 0 && big.compareTo(MAX_UINT64) <= 0) {
                n.isUint = true;
                n.isFloat = true;
                n.float64 = big.doubleValue();
            }
        }
        if (!n.isInt && !n.isUint) {
            Double f = parseGoFloatLiteral(text);
            if (f != null) {
                if (!text.matches(".*[.eEpP].*") || (isHexPrefix(text) && !text.matches(".*[pP].*"))) {
                    throw new ParseError(tok.pos(), "integer overflow: " + GoFmt.quote(text));
                }
                n.isFloat = true;
                n.float64 = f;
                if (f >= -9.223372036854775808E18 && f < 9.223372036854775808E18 && (double) (long) (double) f == f) {
                    n.isInt = true;
                    n.int64 = (long) (double) f;
                }
                if (f >= 0 && f < 1.8446744073709552E19 && Math.rint(f) == f) {
                    n.isUint = true;
                }
            }
        }
        if (!n.isInt && !n.isUint && !n.isFloat) {
            throw new ParseError(tok.pos(), "illegal number syntax: " + GoFmt.quote(text));
        }
        return n;
    }

    private static boolean isHexPrefix(String t) {
        String u = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
        return u.length() > 1 && u.charAt(0) == '0' && (u.charAt(1) == 'x' || u.charAt(1) == 'X');
    }

    private static boolean underscoreOk(String digits) {
        return !digits.startsWith("_") && !digits.endsWith("_") && !digits.contains("__");
    }

    /** strconv.ParseInt(text, 0, ...) without the range check; null when not an integer literal. */
    static BigInteger parseGoInt(String text) {
        String s = text;
        boolean neg = false;
        if (s.startsWith("+") || s.startsWith("-")) {
            neg = s.charAt(0) == '-';
            s = s.substring(1);
        }
        int base = 10;
        String digits = s;
        boolean prefixed = false;
        if (s.length() > 1 && s.charAt(0) == '0') {
            char b = Character.toLowerCase(s.charAt(1));
            if (b == 'x' || b == 'o' || b == 'b') {
                base = b == 'x' ? 16 : b == 'o' ? 8 : 2;
                digits = s.substring(2);
                prefixed = true;
            } else {
                base = 8;
                digits = s.substring(1);
            }
        }
        if (digits.isEmpty() && !s.equals("0")) {
            return null;
        }
        if (digits.contains("_")) {
            if (prefixed ? digits.endsWith("_") || digits.contains("__") : !underscoreOk(digits)) {
                return null;
            }
            digits = digits.replace("_", "");
        }
        if (digits.isEmpty()) {
            return s.equals("0") ? BigInteger.ZERO : null;
        }
        for (int k = 0; k < digits.length(); k++) {
            if (Character.digit(digits.charAt(k), base) < 0) {
                return null;
            }
        }
        BigInteger v = new BigInteger(digits, base);
        return neg ? v.negate() : v;
    }

    private static Double parseGoFloatLiteral(String text) {
        String s = text.replace("_", "");
        if (isHexPrefix(s)) {
            if (!s.matches("[+-]?0[xX][0-9a-fA-F]*(\\.[0-9a-fA-F]*)?[pP][+-]?[0-9]+")) {
                return null;
            }
        } else if (!s.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
            return null;
        }
        try {
            double d = Double.parseDouble(s);
            return Double.isInfinite(d) ? null : d;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Go's isHexInt: a hex literal without a 'p' exponent. */
    static boolean isHexInt(String s) {
        return s.length() > 2 && s.charAt(0) == '0' && (s.charAt(1) == 'x' || s.charAt(1) == 'X')
                && s.indexOf('p') < 0 && s.indexOf('P') < 0;
    }
}
