package ephemeral.peer.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Files written whole or not at all: a crash mid-write leaves the old file (or none), never half of one. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes {@code bytes} to a temporary file beside {@code target}, then moves it into place. */
    public static void write(Path target, byte[] bytes) {
        write(target, Body.of(bytes));
    }

    /**
     * Puts a page body at {@code target}: a spool file on the same filesystem is renamed (no byte is
     * copied), anything else is streamed to a temporary file beside the target and moved into place.
     * A spool file copied across filesystems is deleted once its copy is in place.
     */
    public static void write(Path target, Body body) {
        try {
            if (body instanceof Body.File f && f.owned() && rename(f.path(), target)) {
                return;
            }
            Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".incoming-", ".tmp");
            try (InputStream in = body.openAt(0)) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                move(tmp, target);
            } finally {
                Files.deleteIfExists(tmp);
            }
            body.release();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /** An atomic rename, or false where it cannot be one (another filesystem). */
    private static boolean rename(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (AtomicMoveNotSupportedException e) {
            return false;
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
        if (!rename(tmp, target)) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
