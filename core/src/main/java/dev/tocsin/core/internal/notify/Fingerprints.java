package dev.tocsin.core.internal.notify;

import dev.tocsin.core.Labels;

import java.nio.charset.StandardCharsets;

/**
 * Alertmanager's label-set fingerprint ({@code model.LabelSet.Fingerprint} of prometheus/common): FNV-1a 64 over the
 * labels sorted by name, each name and value followed by the separator byte {@code 0xff}.
 */
public final class Fingerprints {

    private static final long OFFSET64 = 0xcbf29ce484222325L;
    private static final long PRIME64 = 0x100000001b3L;
    private static final int SEPARATOR = 0xff;

    private Fingerprints() {
    }

    /** Returns the fingerprint as a number. */
    public static long of(Labels labels) {
        long h = OFFSET64;
        for (int i = 0; i < labels.size(); i++) {
            h = add(h, labels.name(i));
            h = (h ^ SEPARATOR) * PRIME64;
            h = add(h, labels.value(i));
            h = (h ^ SEPARATOR) * PRIME64;
        }
        return h;
    }

    /** Returns the fingerprint as Alertmanager prints it: 16 lower-case hex digits. */
    public static String hex(Labels labels) {
        String s = Long.toHexString(of(labels));
        return "0000000000000000".substring(s.length()) + s;
    }

    private static long add(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                h = (h ^ c) * PRIME64;
            } else {
                // Rare: hash the UTF-8 bytes of the rest of the string, as Go does.
                for (byte b : s.substring(i).getBytes(StandardCharsets.UTF_8)) {
                    h = (h ^ (b & 0xff)) * PRIME64;
                }
                return h;
            }
        }
        return h;
    }
}
