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

    /** Writes {@code rules.yml} in {@code dir}: one alert, {@code DemoBackendDown}, on {@code demo_backend_up == 0}. */
    static java.nio.file.Path demoRules(java.nio.file.Path dir) throws java.io.IOException {
        return java.nio.file.Files.writeString(dir.resolve("rules.yml"), String.join("\n",
                "groups:",
                "  - name: demo",
                "    rules:",
                "      - alert: DemoBackendDown",
                "        expr: demo_backend_up == 0",
                ""));
    }

    String firstLine() {
        return out.lines().findFirst().orElse("");
    }
}
