package ephemeral.peer.store;

import java.util.Optional;

/**
 * For tests only (never used by the CLI): a holder that lies. It accepts pages like a memory store but
 * serves each with one byte flipped, so wanters must detect the mismatch and fetch from someone else.
 * {@code PeerNode.start(config, new CorruptingStore())} makes a lying peer.
 */
public final class CorruptingStore extends ForwardingStore {
    public CorruptingStore() {
        super(new MemoryStore(Long.MAX_VALUE));
    }

    @Override
    public Optional<Page> get(String hash) {
        return inner.get(hash).map(p -> {
            byte[] wrong = p.bytes().clone();
            if (wrong.length > 0) {
                wrong[wrong.length / 2] ^= 0x5a;
            } else {
                wrong = new byte[] {0x5a}; // an empty page can only be lied about by adding bytes
            }
            return new Page(hash, wrong, p.name(), p.mime());
        });
    }
}
