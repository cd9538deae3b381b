package ephemeral.peer.store;

import ephemeral.protocol.Ids;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pages as files {@code DIR/<hash>}, read from disk a chunk at a time as they are served, so memory stays
 * flat however many (and however large) pages a seed keeps. A page received into a spool file on the
 * same filesystem (by default {@code DIR/.partial}) moves in by a rename. Files are re-verified when the
 * store opens: a corrupted file is skipped (and reported) rather than served.
 */
public final class DiskStore implements PageStore {
    private static final Logger LOG = LoggerFactory.getLogger(DiskStore.class);

    private final Path dir;
    private final long maxBytes;
    private final ConcurrentHashMap<String, Long> sizes = new ConcurrentHashMap<>();
    private long used;

    /** Opens (creating if needed) a store directory; {@code maxBytes} bounds the total page bytes. */
    public DiskStore(Path dir, long maxBytes) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        Files.createDirectories(dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!Ids.isHash(name) || !Files.isRegularFile(f)) {
                    continue;
                }
                long size = Files.size(f);
                if (!new Body.File(f, size, false).sha256().equals(name)) {
                    LOG.warn("skipping {}: its bytes do not match its name", f);
                    continue;
                }
                sizes.put(name, size);
                used += size;
            }
        }
    }

    @Override
    public synchronized boolean put(Page page) {
        if (sizes.containsKey(page.hash())) {
            return true;
        }
        if (used + page.size() > maxBytes) {
            return false;
        }
        AtomicFiles.write(dir.resolve(page.hash()), page.body());
        sizes.put(page.hash(), page.size());
        used += page.size();
        return true;
    }

    @Override
    public Optional<Page> get(String hash) {
        Long size = sizes.get(hash);
        return size == null ? Optional.empty() : Optional.of(new Page(hash, new Body.File(dir.resolve(hash), size, false), null, null));
    }

    @Override
    public boolean contains(String hash) {
        return sizes.containsKey(hash);
    }

    @Override
    public synchronized void remove(String hash) {
        Long size = sizes.remove(hash);
        if (size != null) {
            used -= size;
            try {
                Files.deleteIfExists(dir.resolve(hash));
            } catch (IOException e) {
                LOG.warn("cannot delete page {}: {}", hash, e.toString());
            }
        }
    }

    @Override
    public Set<String> hashes() {
        return Set.copyOf(sizes.keySet());
    }

    /** Page bytes stored now. */
    public synchronized long usedBytes() {
        return used;
    }

    @Override
    public long bytesInMemory() {
        return 0;
    }
}
