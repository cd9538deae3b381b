package ephemeral.peer.store;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pages held for as long as the peer runs, under a byte budget: in memory, or (pages received into a
 * spool file, or shared from the user's file) on disk, read as served. A page that does not fit is
 * refused rather than evicting another: what a seed was told to hold must stay served (the caller reports the refusal).
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
        long memory = inMemory(page);
        if (used + memory > budgetBytes) {
            return false;
        }
        pages.put(page.hash(), page);
        used += memory;
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
            used -= inMemory(p);
            p.body().release();
        }
    }

    @Override
    public Set<String> hashes() {
        return Set.copyOf(pages.keySet());
    }

    /** The budget is for the heap: a page kept in a file costs none of it. */
    private static long inMemory(Page page) {
        return page.body() instanceof Body.Memory ? page.size() : 0;
    }

    @Override
    public synchronized long bytesInMemory() {
        return used;
    }
}
