package dev.tocsin.core.internal.expr;

/**
 * A source position (0-based character offset into the expression text) carried by AST nodes for messages.
 *
 * <p>Positions never take part in AST equality: every {@code Pos} equals every other, so two ASTs are equal when
 * they have the same structure and values, wherever their parts were written.
 *
 * @param offset the 0-based offset of the node's first character
 */
public record Pos(int offset) {

    /** The position of nodes built in code rather than parsed. */
    public static final Pos NONE = new Pos(0);

    @Override
    public boolean equals(Object o) {
        return o instanceof Pos;
    }

    @Override
    public int hashCode() {
        return 0;
    }
}
