package dev.tocsin.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Captures what a piece of code prints on {@code System.out} (tests in one class run one at a time). */
public final class Stdout {

    /** Code that may throw. */
    @FunctionalInterface
    public interface Body {
        /** Runs it. */
        void run() throws Exception;
    }

    private Stdout() {
    }

    /** Runs {@code body} with {@code System.out} redirected and returns what it printed. */
    public static synchronized String capture(Body body) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            body.run();
        } finally {
            System.setOut(original);
        }
        String printed = buffer.toString(StandardCharsets.UTF_8);
        original.print(printed);
        return printed;
    }
}
