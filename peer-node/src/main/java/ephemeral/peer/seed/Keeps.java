package ephemeral.peer.seed;

import ephemeral.peer.store.AtomicFiles;
import ephemeral.protocol.Ids;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a volunteer seed keeps and until when: {@code DIR/keeps.txt}, one {@code <hash> <Unix seconds>} per
 * line, rewritten whole (and atomically) on each change, so a restarted seed knows what to serve and
 * what has expired. Thread-safe.
 */
public final class Keeps {
    static final String FILE = "keeps.txt";

    private final Path file;
    private final TreeMap<String, Long> until = new TreeMap<>();

    private Keeps(Path file) {
        this.file = file;
    }

    /** Reads {@code dir}'s list; unreadable lines are skipped (the page is then treated as new). */
    public static Keeps open(Path dir) throws IOException {
        Keeps keeps = new Keeps(dir.resolve(FILE));
        if (Files.exists(keeps.file)) {
            for (String line : Files.readAllLines(keeps.file, StandardCharsets.UTF_8)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2 && Ids.isHash(parts[0]) && parts[1].matches("\\d{1,12}")) {
                    keeps.until.put(parts[0], Long.parseLong(parts[1]));
                }
            }
        }
        return keeps;
    }

    public synchronized Optional<Instant> until(String hash) {
        Long s = until.get(hash);
        return s == null ? Optional.empty() : Optional.of(Instant.ofEpochSecond(s));
    }

    /** Keeps {@code hash} until {@code when}, or longer if it already was. Returns the time it is kept until. */
    public synchronized Instant extend(String hash, Instant when) {
        long s = Math.max(when.getEpochSecond(), until.getOrDefault(hash, 0L));
        until.put(hash, s);
        save();
        return Instant.ofEpochSecond(s);
    }

    public synchronized void remove(String hash) {
        if (until.remove(hash) != null) {
            save();
        }
    }

    /** Hashes whose time is up at {@code now}. */
    public synchronized List<String> expired(Instant now) {
        List<String> out = new ArrayList<>();
        until.forEach((h, s) -> {
            if (s <= now.getEpochSecond()) {
                out.add(h);
            }
        });
        return out;
    }

    /** The earliest expiry, if any. */
    public synchronized Optional<Instant> next() {
        return until.values().stream().min(Long::compare).map(Instant::ofEpochSecond);
    }

    public synchronized Map<String, Instant> all() {
        Map<String, Instant> out = new TreeMap<>();
        until.forEach((h, s) -> out.put(h, Instant.ofEpochSecond(s)));
        return out;
    }

    private void save() {
        StringBuilder text = new StringBuilder();
        until.forEach((h, s) -> text.append(h).append(' ').append(s).append('\n'));
        AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }
}
