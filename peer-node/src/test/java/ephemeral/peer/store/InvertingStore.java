package ephemeral.peer.store;

import java.util.Optional;

/**
 * For tests only: a holder that lies about every byte. It serves each page with every byte inverted, so
 * whatever range of it a wanter asks for is wrong (where {@link CorruptingStore}'s one flipped byte is in
 * one range only).
 */
public final class InvertingStore extends ForwardingStore {
    public InvertingStore() {
        super(new MemoryStore(Long.MAX_VALUE));
    }

    @Override
    public Optional<Page> get(String hash) {
        return inner.get(hash).map(p -> {
            byte[] wrong = p.bytes().clone();
            for (int i = 0; i < wrong.length; i++) {
                wrong[i] = (byte) ~wrong[i];
            }
            return new Page(hash, wrong, p.name(), p.mime());
        });
    }
}
