package ephemeral.peer.store;

import ephemeral.protocol.Ids;
import ephemeral.protocol.Sha256;

/**
 * A held page: its verified {@link Body} (memory or a file). {@code name} and {@code mime} are optional,
 * untrusted hints (null when unknown).
 */
public record Page(String hash, Body body, String name, String mime) {
    public Page {
        Ids.requireHash(hash);
        if (body == null) {
            throw new IllegalArgumentException("body");
        }
    }

    /** A page in memory; the array is not copied. */
    public Page(String hash, byte[] bytes, String name, String mime) {
        this(hash, Body.of(bytes), name, mime);
    }

    /** A page whose hash is computed from its bytes. */
    public static Page of(byte[] bytes, String name, String mime) {
        return new Page(Sha256.of(bytes), bytes, name, mime);
    }

    public long size() {
        return body.size();
    }

    /** The whole page in one array: only for pages known to be small (see {@link Body#readAll}). */
    public byte[] bytes() {
        return body.readAll();
    }
}
