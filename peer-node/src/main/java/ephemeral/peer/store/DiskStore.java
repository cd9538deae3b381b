package ephemeral.peer.store;

import ephemeral.protocol.Ids;
import ephemeral.protocol.Sha256;
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
 * Pages as files {@code DIR/<hash>}, read from disk on each request so memory stays flat however
 * many pages a seed keeps. Files are re-verified when the store opens: a corrupted file is skipped
 * (and reported) rather than served.
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
                byte[] bytes = Files.readAllBytes(f);
                if (!Sha256.of(bytes).equals(name)) {
                    LOG.warn("skipping {}: its bytes do not match its name", f);
                    continue;
                }
                sizes.put(name, (long) bytes.length);
                used += bytes.length;
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
        AtomicFiles.write(dir.resolve(page.hash()), page.bytes());
        sizes.put(page.hash(), (long) page.size());
        used += page.size();
        return true;
    }

    @Override
    public Optional<Page> get(String hash) {
        if (!sizes.containsKey(hash)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Page(hash, Files.readAllBytes(dir.resolve(hash)), null, null));
        } catch (IOException e) {
            LOG.warn("cannot read page {}: {}", hash, e.toString());
            return Optional.empty();
        }
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
