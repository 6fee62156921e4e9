package dev.tocsin.core.internal.notify;

import dev.tocsin.core.Labels;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

class FingerprintsTest {

    /** Straight from the definition: FNV-1a 64 over the bytes name 0xff value 0xff, labels sorted by name. */
    private static String reference(Map<String, String> labels) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new TreeMap<>(labels).forEach((k, v) -> {
            bytes.writeBytes(k.getBytes(StandardCharsets.UTF_8));
            bytes.write(0xff);
            bytes.writeBytes(v.getBytes(StandardCharsets.UTF_8));
            bytes.write(0xff);
        });
        BigInteger mod = BigInteger.ONE.shiftLeft(64);
        BigInteger h = new BigInteger("14695981039346656037");
        BigInteger prime = new BigInteger("1099511628211");
        for (byte b : bytes.toByteArray()) {
            h = h.xor(BigInteger.valueOf(b & 0xff)).multiply(prime).mod(mod);
        }
        return String.format("%016x", h);
    }

    @Test
    void emptySetIsTheOffsetBasis() {
        assertThat(Fingerprints.hex(Labels.empty())).isEqualTo("cbf29ce484222325");
    }

    @Test
    void matchesTheDefinitionForAnyLabels() {
        qt().forAll(lists().of(strings().basicLatinAlphabet().ofLengthBetween(1, 8)).ofSizeBetween(0, 6),
                        lists().of(strings().allPossible().ofLengthBetween(1, 6)).ofSize(6),
                        integers().between(0, 1))
                .checkAssert((names, values, unused) -> {
                    Map<String, String> m = new TreeMap<>();
                    for (int i = 0; i < names.size(); i++) {
                        String n = "l_" + names.get(i).replaceAll("[^a-zA-Z0-9_]", "_");
                        m.put(n, values.get(i));
                    }
                    Labels l = Labels.of(m);
                    assertThat(Fingerprints.hex(l)).hasSize(16).isEqualTo(reference(l.asMap()));
                });
    }

    @Test
    void differsWhenNameValueBoundaryMoves() {
        assertThat(Fingerprints.hex(Labels.of("ab", "c"))).isNotEqualTo(Fingerprints.hex(Labels.of("a", "bc")));
    }
}
