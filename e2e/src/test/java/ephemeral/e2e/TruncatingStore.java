package ephemeral.e2e;

import ephemeral.peer.store.ForwardingStore;
import ephemeral.peer.store.MemoryStore;
import ephemeral.peer.store.Page;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * For tests: a Java holder's store that lies about a page's size. It holds pages like a memory store but
 * serves each as its first half, under the page's own hash: the holder announces a {@code header} with
 * the wrong size, sends that many bytes, and is done. {@code PeerNode.start(config, new TruncatingStore())}
 * makes such a peer. Counts the requests it answered.
 */
public final class TruncatingStore extends ForwardingStore {
    private final AtomicInteger served = new AtomicInteger();

    public TruncatingStore() {
        super(new MemoryStore(Long.MAX_VALUE));
    }

    @Override
    public Optional<Page> get(String hash) {
        return inner.get(hash).map(p -> {
            served.incrementAndGet();
            return new Page(hash, Arrays.copyOf(p.bytes(), p.bytes().length / 2), p.name(), p.mime());
        });
    }

    /** @return how many times a page was read to be served (each {@code get} on a channel) */
    public int served() {
        return served.get();
    }
}
