package ephemeral.peer.store;

import ephemeral.protocol.Sha256;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * A page's bytes: in memory for small pages, or a file, so a page of gigabytes is served and kept
 * without ever being read into the heap. A file body is either the user's own file ({@code share FILE}:
 * never deleted) or a spool file this peer wrote while receiving ({@link #owned}: deleted on {@link #release}).
 */
public sealed interface Body permits Body.Memory, Body.File {
    /**
     * Pages from this size on stay on disk: received into a spool file, shared from the user's file.
     * Smaller ones are read into memory, so a small shared file may change or go once shared.
     */
    long ON_DISK_FROM = 8L << 20;

    /** A file's bytes as a body: read now if it is small, else served from where it lies (not owned). */
    static Body ofFile(Path file) throws IOException {
        long size = Files.size(file);
        return size < ON_DISK_FROM ? of(Files.readAllBytes(file)) : new File(file, size, false);
    }

    long size();

    /** The bytes from {@code offset} on, read sequentially. */
    InputStream openAt(long offset) throws IOException;

    /** The whole page in one array: only for pages known to be small (tests, private pages, text). */
    byte[] readAll();

    /** The SHA-256 of the bytes, read a block at a time. */
    default String sha256() throws IOException {
        MessageDigest digest = Sha256.digest();
        byte[] block = new byte[1 << 16];
        try (InputStream in = openAt(0)) {
            for (int n; (n = in.read(block)) > 0; ) {
                digest.update(block, 0, n);
            }
        }
        return Sha256.hex(digest.digest());
    }

    /** The body is no longer used: a spool file is deleted. */
    default void release() {
    }

    static Body of(byte[] bytes) {
        return new Memory(bytes);
    }

    /** Bytes held in the heap. The array is never copied defensively: pages are treated as immutable. */
    record Memory(byte[] bytes) implements Body {
        public Memory {
            if (bytes == null) {
                throw new IllegalArgumentException("bytes");
            }
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream openAt(long offset) {
            return new ByteArrayInputStream(bytes, (int) Math.min(offset, bytes.length), bytes.length);
        }

        @Override
        public byte[] readAll() {
            return bytes;
        }
    }

    /** Bytes in a file of {@code size} bytes; {@code owned}: a spool file this peer may delete. */
    record File(Path path, long size, boolean owned) implements Body {
        @Override
        public InputStream openAt(long offset) throws IOException {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
            ch.position(offset);
            return Channels.newInputStream(ch);
        }

        @Override
        public byte[] readAll() {
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("a page of " + size + " bytes does not fit in one array");
            }
            try {
                return Files.readAllBytes(path);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
        }

        @Override
        public void release() {
            if (owned) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // a spool file left behind is swept with its folder when the peer closes
                }
            }
        }
    }
}
