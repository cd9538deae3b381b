package ephemeral.peer.transfer;

import ephemeral.peer.rtc.Channel;
import java.security.MessageDigest;
import java.util.List;

/**
 * One holder a {@link Fetch} is asking, and the byte range {@code [start, end)} it asked of it: a fetch
 * of a big page runs several lanes at once, each on its own holder. Owned by the owner's executor.
 */
final class Lane {
    /** The holder the server routed a want to (or whose channel arrived). */
    final String holder;
    /** Whether {@link #holder} was named by {@code routed}: only such a holder may be reported. */
    boolean routed;
    /** The holder has signalled since it was routed: now it has {@code CONNECT_MS} to open its channel. */
    boolean answered;
    /** Until when the holder may stay silent (no signal, no channel). */
    long waitUntilNanos;
    Channel channel;
    boolean headerSeen;
    /** The first byte asked of this holder, the next one expected, and where this lane stops (-1: unknown). */
    long start;
    long pos;
    long end = -1;
    /** The {@code end} sent in the {@code get}, or null when the rest of the page was asked for. */
    Long asked;
    /** Where the holder's header says its bytes stop: a byte past it is a lie. */
    long stop;
    /** SHA-256 of {@code [start, pos)}, to compare with the page should the whole not verify. */
    MessageDigest digest;
    long lastProgressNanos = System.nanoTime();
    /** The pieces this holder is asked the digests of ({@code get_digests}), instead of bytes; null otherwise. */
    List<Fetch.Piece> queried;

    Lane(String holder, boolean routed, long waitUntilNanos) {
        this.holder = holder;
        this.routed = routed;
        this.waitUntilNanos = waitUntilNanos;
    }

    /** Bytes still to come on this lane (0 while its range is unknown). */
    long remaining() {
        return end < 0 ? 0 : end - pos;
    }
}
