package dev.tocsin.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads files with a size cap that holds for every kind of file: {@code Files.size} says 0 for {@code /dev/zero}, a
 * pipe or a process substitution ({@code <(vault read ...)}), whose reading would never end.
 */
public final class BoundedFiles {

    private BoundedFiles() {
    }

    /**
     * Returns the bytes of {@code file}, or {@code null} when it holds more than {@code max} bytes (at most
     * {@code max + 1} are read).
     *
     * @throws IOException if it cannot be read
     */
    public static byte[] read(Path file, long max) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, max);
        }
    }

    /** Returns the bytes of {@code in}, or {@code null} when it holds more than {@code max} bytes. */
    public static byte[] read(InputStream in, long max) throws IOException {
        byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        return b.length > max ? null : b;
    }
}
