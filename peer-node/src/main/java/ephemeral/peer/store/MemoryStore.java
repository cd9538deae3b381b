package ephemeral.peer.store;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pages in memory under a byte budget. A page that does not fit is refused rather than evicting
 * another: what a seed was told to hold must stay served (the caller reports the refusal).
 */
public final class MemoryStore implements PageStore {
    private final long budgetBytes;
    private final ConcurrentHashMap<String, Page> pages = new ConcurrentHashMap<>();
    private long used;

    public MemoryStore(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    @Override
    public synchronized boolean put(Page page) {
        if (pages.containsKey(page.hash())) {
            return true;
        }
        if (used + page.size() > budgetBytes) {
            return false;
        }
        pages.put(page.hash(), page);
        used += page.size();
        return true;
    }

    @Override
    public Optional<Page> get(String hash) {
        return Optional.ofNullable(pages.get(hash));
    }

    @Override
    public boolean contains(String hash) {
        return pages.containsKey(hash);
    }

    @Override
    public synchronized void remove(String hash) {
        Page p = pages.remove(hash);
        if (p != null) {
            used -= p.size();
        }
    }

    @Override
    public Set<String> hashes() {
        return Set.copyOf(pages.keySet());
    }

    @Override
    public synchronized long bytesInMemory() {
        return used;
    }
}
