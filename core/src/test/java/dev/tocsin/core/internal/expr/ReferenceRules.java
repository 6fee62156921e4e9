package dev.tocsin.core.internal.expr;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The {@code expr:} lines of the reference rule packs copied into the test resources. */
final class ReferenceRules {

    private ReferenceRules() {
    }

    static List<String> expressions() throws IOException {
        List<String> out = new ArrayList<>();
        for (String file : new String[] {"rules/haproxy-exporter-v1.yml", "rules/embedded-exporter-v2.yml"}) {
            try (InputStream in = ReferenceRules.class.getResourceAsStream(file)) {
                if (in == null) {
                    throw new IOException("missing test resource " + file);
                }
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    String t = line.trim();
                    if (t.startsWith("expr:")) {
                        String v = t.substring(5).trim();
                        if (v.startsWith("'") && v.endsWith("'")) {
                            v = v.substring(1, v.length() - 1).replace("''", "'");
                        }
                        out.add(v);
                    }
                }
            }
        }
        return out;
    }
}
