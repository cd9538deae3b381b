package ephemeral.peer.transfer;

import ephemeral.peer.rtc.Channel;
import ephemeral.peer.store.Hashes;
import ephemeral.peer.store.Page;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One page being fetched: the in-order bytes received so far (kept across holders, so a new holder can
 * resume at {@code offset}), the running digest, and the holders given up on. Owned by the owner's executor.
 */
final class Fetch {
    final String hash;
    final CompletableFuture<Page> result = new CompletableFuture<>();
    final Exclusions exclusions = new Exclusions();
    /** Holders whose bytes are in {@link #buf}: if the whole does not verify, all of them are suspects. */
    final Set<String> contributors = new LinkedHashSet<>();
    final long deadlineNanos;
    boolean hold;
    /** Its want has been sent (fetches beyond the active limit wait in a queue). */
    boolean started;

    String holder;
    Channel channel;
    boolean headerSeen;
    volatile long size = -1;
    volatile long received;
    byte[] buf;
    MessageDigest digest = Hashes.sha256();
    String name;
    String mime;
    long lastProgressNanos = System.nanoTime();
    long lastWantNanos;

    Fetch(String hash, boolean hold, long deadlineNanos) {
        this.hash = hash;
        this.hold = hold;
        this.deadlineNanos = deadlineNanos;
    }

    void resetBytes() {
        buf = null;
        received = 0;
        size = -1;
        digest = Hashes.sha256();
        contributors.clear();
        name = null;
        mime = null;
    }
}
