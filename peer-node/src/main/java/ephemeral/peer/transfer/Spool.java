package ephemeral.peer.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A peer's folder of spool files (pages being received, and received pages held without a store),
 * created on first use inside {@code base} and deleted with everything in it when the peer closes.
 * Put it on the filesystem where received pages end (beside {@code get -o FILE}, inside a store) and
 * handing a page over is a rename, not a copy.
 */
public final class Spool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);

    private final Path base;
    private Path dir;
    private long files;

    public Spool(Path base) {
        this.base = base;
    }

    synchronized Path newFile(String hash) throws IOException {
        if (dir == null) {
            Files.createDirectories(base);
            dir = Files.createTempDirectory(base, ".ephemeral-spool-");
        }
        // default permissions (the folder is the creator's alone): a file renamed to `get -o`'s target
        // reads like any other file the user wrote
        return Files.createFile(dir.resolve(hash.substring(0, 12) + "-" + ++files + ".part"));
    }

    @Override
    public synchronized void close() {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete the spool folder {}: {}", dir, e.toString());
        }
        dir = null;
    }
}
