package dev.tocsin.core.internal.template;

import java.util.ArrayList;
import java.util.List;

/** Parse-tree nodes, mirroring Go's text/template/parse; {@code toString()} matches Go's {@code String()}. */
abstract class Node {

    /** Char offset of the node in the template text. */
    final int pos;

    Node(int pos) {
        this.pos = pos;
    }

    static final class ListNode extends Node {
        final List<Node> nodes = new ArrayList<>();

        ListNode(int pos) {
            super(pos);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            nodes.forEach(sb::append);
            return sb.toString();
        }
    }

    static final class TextNode extends Node {
        final String text;

        TextNode(int pos, String text) {
            super(pos);
            this.text = text;
        }

        @Override
        public String toString() {
            return GoFmt.quote(text);
        }
    }

    static final class ActionNode extends Node {
        final PipeNode pipe;

        ActionNode(int pos, PipeNode pipe) {
            super(pos);
            this.pipe = pipe;
        }

        @Override
        public String toString() {
            return "{{" + pipe + "}}";
        }
    }

    static final class PipeNode extends Node {
        boolean isAssign;
        final List<VariableNode> decl = new ArrayList<>();
        final List<CommandNode> cmds = new ArrayList<>();

        PipeNode(int pos) {
            super(pos);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            if (!decl.isEmpty()) {
                for (int i = 0; i < decl.size(); i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    sb.append(decl.get(i));
                }
                sb.append(" := ");
            }
            for (int i = 0; i < cmds.size(); i++) {
                if (i > 0) {
                    sb.append(" | ");
                }
                sb.append(cmds.get(i));
            }
            return sb.toString();
        }
    }

    static final class CommandNode extends Node {
        final List<Node> args = new ArrayList<>();
        /** The last regex compiled at this call site (reReplaceAll/match), reused while the pattern is the same. */
        volatile GoRegex.Compiled regexCache;

        CommandNode(int pos) {
            super(pos);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < args.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                Node a = args.get(i);
                if (a instanceof PipeNode) {
                    sb.append('(').append(a).append(')');
                } else {
                    sb.append(a);
                }
            }
            return sb.toString();
        }
    }

    static final class IdentifierNode extends Node {
        final String name;
        final Funcs.Func func;

        IdentifierNode(int pos, String name, Funcs.Func func) {
            super(pos);
            this.name = name;
            this.func = func;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** $x or $x.f.g; ident[0] is the variable name. */
    static final class VariableNode extends Node {
        final String[] ident;

        VariableNode(int pos, String[] ident) {
            super(pos);
            this.ident = ident;
        }

        @Override
        public String toString() {
            return String.join(".", ident);
        }
    }

    /** .f.g */
    static final class FieldNode extends Node {
        final String[] ident;

        FieldNode(int pos, String[] ident) {
            super(pos);
            this.ident = ident;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (String s : ident) {
                sb.append('.').append(s);
            }
            return sb.toString();
        }
    }

    /** (pipe).f.g */
    static final class ChainNode extends Node {
        final Node node;
        final List<String> field = new ArrayList<>();

        ChainNode(int pos, Node node) {
            super(pos);
            this.node = node;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            if (node instanceof PipeNode) {
                sb.append('(').append(node).append(')');
            } else {
                sb.append(node);
            }
            for (String f : field) {
                sb.append('.').append(f);
            }
            return sb.toString();
        }
    }

    static final class DotNode extends Node {
        DotNode(int pos) {
            super(pos);
        }

        @Override
        public String toString() {
            return ".";
        }
    }

    static final class NilNode extends Node {
        NilNode(int pos) {
            super(pos);
        }

        @Override
        public String toString() {
            return "nil";
        }
    }

    static final class BoolNode extends Node {
        final boolean value;

        BoolNode(int pos, boolean value) {
            super(pos);
            this.value = value;
        }

        @Override
        public String toString() {
            return Boolean.toString(value);
        }
    }

    static final class NumberNode extends Node {
        final String text;
        boolean isInt;
        boolean isUint;
        boolean isFloat;
        long int64;
        double float64;
        boolean isRune;

        NumberNode(int pos, String text) {
            super(pos);
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    static final class StringNode extends Node {
        final String quoted;
        final String text;

        StringNode(int pos, String quoted, String text) {
            super(pos);
            this.quoted = quoted;
            this.text = text;
        }

        @Override
        public String toString() {
            return quoted;
        }
    }

    /** if, range and with. */
    static final class BranchNode extends Node {
        final String kind;
        final PipeNode pipe;
        final ListNode list;
        final ListNode elseList;

        BranchNode(int pos, String kind, PipeNode pipe, ListNode list, ListNode elseList) {
            super(pos);
            this.kind = kind;
            this.pipe = pipe;
            this.list = list;
            this.elseList = elseList;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("{{").append(kind).append(' ').append(pipe).append("}}").append(list);
            if (elseList != null) {
                sb.append("{{else}}").append(elseList);
            }
            return sb.append("{{end}}").toString();
        }
    }

    static final class TemplateNode extends Node {
        final String name;
        final PipeNode pipe;

        TemplateNode(int pos, String name, PipeNode pipe) {
            super(pos);
            this.name = name;
            this.pipe = pipe;
        }

        @Override
        public String toString() {
            return pipe == null ? "{{template " + GoFmt.quote(name) + "}}"
                    : "{{template " + GoFmt.quote(name) + " " + pipe + "}}";
        }
    }

    static final class BreakNode extends Node {
        BreakNode(int pos) {
            super(pos);
        }

        @Override
        public String toString() {
            return "{{break}}";
        }
    }

    static final class ContinueNode extends Node {
        ContinueNode(int pos) {
            super(pos);
        }

        @Override
        public String toString() {
            return "{{continue}}";
        }
    }

    /** Parse-only: {{end}}. */
    static final class EndNode extends Node {
        EndNode(int pos) {
            super(pos);
        }

        @Override
        public String toString() {
            return "{{end}}";
        }
    }

    /** Parse-only: {{else}}. */
    static final class ElseNode extends Node {
        ElseNode(int pos) {
            super(pos);
        }

        @Override
        public String toString() {
            return "{{else}}";
        }
    }
}
