package ephemeral.peer.store;

import java.util.Optional;
import java.util.Set;

/**
 * The pages a peer holds and serves. Implementations must be thread-safe.
 *
 * <p>A store is trusted by its own peer: what {@link #get} returns is served as is (the wanter verifies).
 * Tests supply a lying store to exercise the wanter's verification.
 */
public interface PageStore {
    /** Adds a page. Returns false (and stores nothing) when it would exceed the store's budget. */
    boolean put(Page page);

    Optional<Page> get(String hash);

    boolean contains(String hash);

    void remove(String hash);

    Set<String> hashes();

    /** Bytes of page content currently held in memory by this store. */
    long bytesInMemory();
}
