package ephemeral.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Generated file contents for transfer tests, written under target/ so Playwright can pick them. */
public final class Payloads {
    private Payloads() {
    }

    /**
     * Pseudo-random bytes that start with a distinctive marker (so the frame tap can look for it).
     *
     * @param size bytes
     * @param marker ASCII text placed at the start
     * @param seed random seed
     * @return the bytes
     */
    public static byte[] random(int size, String marker, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        byte[] m = marker.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(m, 0, bytes, 0, Math.min(m.length, size));
        return bytes;
    }

    /**
     * @param name file name under target/payloads/
     * @param bytes content
     * @return the written file
     */
    public static Path write(String name, byte[] bytes) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "payloads"));
            Path file = dir.resolve(name);
            Files.write(file, bytes);
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Removes a written payload (only once no browser will read the file any more: Chromium reads a
     * picked file from disk lazily).
     *
     * @param file a file from {@link #write}
     */
    public static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
