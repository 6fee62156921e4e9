package dev.tocsin.examples.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs the command line in-process and keeps its exit code, stdout and stderr. */
record Cli(int code, String out, String err) {

    static Cli run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
        Cli result = new Cli(code, out.toString(), err.toString());
        System.out.println("$ tocsin " + String.join(" ", args) + "\n" + result.out + result.err + "[exit " + code
                + "]");
        return result;
    }

    static Cli run(String... args) {
        return run(Map.of(), args);
    }

    String firstLine() {
        return out.lines().findFirst().orElse("");
    }
}
