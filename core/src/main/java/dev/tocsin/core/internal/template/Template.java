package dev.tocsin.core.internal.template;

import dev.tocsin.core.internal.expr.BoundedRegex;

import dev.tocsin.core.TemplateException;

import java.util.Map;

/**
 * A parsed Go text/template as Prometheus uses it for alert labels and annotations. Parse once, expand every cycle.
 *
 * <p>The text behaves as if Prometheus's prefix
 * {@code {{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}}
 * preceded it, with {@code missingkey=zero}. Instances are immutable and thread-safe; see docs/templates.md for the
 * supported language and the known differences from Prometheus.
 */
public final class Template {

    private static final String ERROR_PREFIX = "<error expanding template: ";

    private final String name;
    private final String text;
    private final Node.ListNode root;
    private final Map<String, Node.ListNode> defined;
    /** The whole text when it has no actions (the common case for labels): expansion returns it directly. */
    private final String literal;

    private Template(String name, String text, Parser.Tree tree) {
        this.name = name;
        this.text = text;
        this.root = tree.root();
        this.defined = tree.defined();
        String lit = null;
        if (defined.isEmpty() && root.nodes.isEmpty()) {
            lit = "";
        } else if (defined.isEmpty() && root.nodes.size() == 1 && root.nodes.get(0) instanceof Node.TextNode) {
            lit = ((Node.TextNode) root.nodes.get(0)).text;
        }
        this.literal = lit;
    }

    /**
     * Parses a template.
     *
     * @param name the template's name (label or annotation key), used in messages
     * @param text the template text
     * @throws TemplateException with line and column (relative to {@code text}) when it cannot be parsed
     */
    public static Template parse(String name, String text) {
        if (name == null || text == null) {
            throw new TemplateException(String.valueOf(name), 0, 0, "template name and text must not be null");
        }
        try {
            return new Template(name, text, Parser.parse(name, text));
        } catch (Parser.ParseError e) {
            int pos = Math.max(0, Math.min(e.pos, text.length()));
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < pos; i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            int column = text.codePointCount(lineStart, pos) + 1;
            throw new TemplateException(name, line, column, e.getMessage());
        } catch (StackOverflowError e) {
            throw new TemplateException(name, 0, 0, "template nested too deeply");
        }
    }

    /** Returns the template's name. */
    public String name() {
        return name;
    }

    /** Returns the template text as given to {@link #parse}. */
    public String text() {
        return text;
    }

    /**
     * Returns the PromQL texts this template passes to {@code query} as a literal string ({@code query "up"}), in
     * order, and adds {@code null} to the list for each call whose text is built at expansion time
     * ({@code query (printf ...)}, {@code $q | query}): an evaluator reads the metrics of the literal ones in advance.
     */
    public java.util.List<String> queries() {
        java.util.List<String> out = new java.util.ArrayList<>();
        scan(root, out);
        for (Node.ListNode l : defined.values()) {
            scan(l, out);
        }
        return out;
    }

    private static void scan(Node n, java.util.List<String> out) {
        if (n == null) {
            return;
        }
        if (n instanceof Node.ListNode) {
            for (Node c : ((Node.ListNode) n).nodes) {
                scan(c, out);
            }
        } else if (n instanceof Node.ActionNode) {
            scan(((Node.ActionNode) n).pipe, out);
        } else if (n instanceof Node.BranchNode) {
            Node.BranchNode b = (Node.BranchNode) n;
            scan(b.pipe, out);
            scan(b.list, out);
            scan(b.elseList, out);
        } else if (n instanceof Node.TemplateNode) {
            scan(((Node.TemplateNode) n).pipe, out);
        } else if (n instanceof Node.PipeNode) {
            java.util.List<Node.CommandNode> cmds = ((Node.PipeNode) n).cmds;
            for (int i = 0; i < cmds.size(); i++) {
                java.util.List<Node> args = cmds.get(i).args;
                if (!args.isEmpty() && args.get(0) instanceof Node.IdentifierNode
                        && ((Node.IdentifierNode) args.get(0)).name.equals("query")) {
                    // a literal only when the string is the whole argument list and nothing is piped in
                    boolean literal = args.size() == 2 && args.get(1) instanceof Node.StringNode && i == 0;
                    out.add(literal ? ((Node.StringNode) args.get(1)).text : null);
                }
                for (Node a : args) {
                    scan(a, out);
                }
            }
        } else if (n instanceof Node.ChainNode) {
            scan(((Node.ChainNode) n).node, out);
        }
    }

    Node.ListNode defined(String templateName) {
        return defined.get(templateName);
    }

    /**
     * Expands the template. An error while expanding yields {@code <error expanding template: ...>} as Prometheus
     * does; the one exception let through is the rule evaluation's regular-expression budget running out.
     *
     * @param data the series labels and value, external labels and URL
     * @return the expansion, or Prometheus's error text
     * @throws BoundedRegex.PoolExhausted when the rule evaluation's regular expressions read too much (see
     *     {@link BoundedRegex})
     */
    public String expand(TemplateData data) {
        if (literal != null) {
            return literal;
        }
        StringBuilder out = new StringBuilder(text.length() + 64);
        try {
            new Exec(this, data, out).run(root);
            return out.toString();
        } catch (Exec.ExecError e) {
            return ERROR_PREFIX + "error executing template " + name + ": " + Exec.format(name, text, e) + ">";
        } catch (StackOverflowError e) {
            return ERROR_PREFIX + "error executing template " + name + ": stack overflow>";
        } catch (BoundedRegex.PoolExhausted e) {
            throw e; // fails the rule evaluation as a whole (see BoundedRegex)
        } catch (RuntimeException e) {
            return ERROR_PREFIX + "error executing template " + name + ": internal error: "
                    + e.getClass().getSimpleName() + ">";
        }
    }

    @Override
    public String toString() {
        return "Template[" + name + "]";
    }
}
