package ephemeral.peer.store;

import java.util.Optional;
import java.util.Set;

/** Hands every call to another store; a subclass overrides only what it changes (e.g. a test's misbehaving holder). */
public abstract class ForwardingStore implements PageStore {
    protected final PageStore inner;

    protected ForwardingStore(PageStore inner) {
        this.inner = inner;
    }

    @Override
    public boolean put(Page page) {
        return inner.put(page);
    }

    @Override
    public Optional<Page> get(String hash) {
        return inner.get(hash);
    }

    @Override
    public boolean contains(String hash) {
        return inner.contains(hash);
    }

    @Override
    public void remove(String hash) {
        inner.remove(hash);
    }

    @Override
    public Set<String> hashes() {
        return inner.hashes();
    }

    @Override
    public long bytesInMemory() {
        return inner.bytesInMemory();
    }
}
