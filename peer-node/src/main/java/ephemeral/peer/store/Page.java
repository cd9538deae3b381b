package ephemeral.peer.store;

import ephemeral.protocol.Ids;
import ephemeral.protocol.Sha256;

/**
 * A held page. {@code name} and {@code mime} are optional, untrusted hints (null when unknown).
 * The bytes are never copied defensively: pages can be large and are treated as immutable.
 */
public record Page(String hash, byte[] bytes, String name, String mime) {
    public Page {
        Ids.requireHash(hash);
        if (bytes == null) {
            throw new IllegalArgumentException("bytes");
        }
    }

    /** A page whose hash is computed from its bytes. */
    public static Page of(byte[] bytes, String name, String mime) {
        return new Page(Sha256.of(bytes), bytes, name, mime);
    }

    public int size() {
        return bytes.length;
    }
}
