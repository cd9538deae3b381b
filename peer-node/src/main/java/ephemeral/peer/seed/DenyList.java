package ephemeral.peer.seed;

import ephemeral.protocol.Ids;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator's list of pages a seed must not keep: one hash or link per line, {@code #} starts a comment.
 * Read again whenever the file changes, so it can be edited while the seed runs.
 */
final class DenyList {
    private static final Logger LOG = LoggerFactory.getLogger(DenyList.class);

    private final Path file;
    private long readAt = Long.MIN_VALUE;
    private Set<String> hashes = Set.of();

    DenyList(Path file) {
        this.file = file;
    }

    synchronized boolean denies(String hash) {
        refresh();
        return hashes.contains(hash);
    }

    synchronized Set<String> all() {
        refresh();
        return hashes;
    }

    private void refresh() {
        if (file == null) {
            return;
        }
        try {
            long modified = Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() : -1;
            if (modified == readAt) {
                return;
            }
            readAt = modified;
            Set<String> read = new HashSet<>();
            if (modified >= 0) {
                int line = 0;
                for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    line++;
                    String v = raw.replaceFirst("#.*", "").trim().toLowerCase(Locale.ROOT);
                    v = v.replaceFirst(".*/", ""); // a link works too
                    if (v.isEmpty()) {
                        continue;
                    }
                    if (Ids.isHash(v)) {
                        read.add(v);
                    } else {
                        LOG.warn("{} line {}: not a page hash, ignored: {}", file, line, raw.trim());
                    }
                }
            }
            hashes = Set.copyOf(read);
        } catch (IOException e) {
            LOG.warn("cannot read the deny list {}: {} (keeping the last one read)", file, e.toString());
        }
    }
}
