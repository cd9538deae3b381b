package ephemeral.protocol;


/**
 * The wanter's and holder's clocks of docs/protocol.md §2, in milliseconds. The browser client keeps
 * the same numbers (web/…/fetcher.js, receiver.js, sender.js); the doc is the reference for both.
 */
public final class Timeouts {
    /** From {@code routed} until the chosen holder's first {@code signal} (or its channel) arrives. */
    public static final long ROUTED_WAIT_MS = 2_000;
    /** From the chosen holder's first {@code signal} until its {@code page} channel is open. */
    public static final long CONNECT_MS = 5_000;
    /** No message on a channel for this long while a page is being received: the holder stalled. */
    public static final long STALL_MS = 5_000;
    /** A holder closes a channel on which no {@code get} arrived this long after it opened. */
    public static final long GET_WAIT_MS = 10_000;
    /** A holder closes the channel this long after an {@code error} if the wanter has not closed it first. */
    public static final long ERROR_FLUSH_MS = 1_000;
    /**
     * A holder asked for digests ({@code get_digests}) answers within this plus {@link #DIGEST_MS_PER_16_MIB}
     * for every 16 MiB it must read: a browser hashes at a few hundred MB/s at best.
     */
    public static final long DIGEST_WAIT_MS = 5_000;
    public static final long DIGEST_MS_PER_16_MIB = 1_000;

    /** How long a holder has to answer a {@code get_digests} over {@code bytes} bytes. */
    public static long digestWaitMs(long bytes) {
        return DIGEST_WAIT_MS + (bytes >> 24) * DIGEST_MS_PER_16_MIB;
    }

    /** First and largest pause before re-wanting a page after a failed attempt (doubling in between). */
    public static final long RETRY_MIN_MS = 250;
    public static final long RETRY_MAX_MS = 8_000;
    /** A peer connection with no open channel for this long is closed. */
    public static final long IDLE_LINK_MS = 30_000;
    /**
     * A signaling connection on which nothing (no frame, not even the server's ping, sent every 15 s) arrived
     * for this long is dead, however quiet its TCP is: the client drops it and reconnects with backoff.
     */
    public static final long SERVER_SILENT_MS = 45_000;
    /**
     * A volunteer sent a {@code keep_request} answers {@code kept} or {@code keep_failed} within this; after
     * it, the server takes its silence as a failure and asks another volunteer.
     */
    public static final long KEEP_ANSWER_MS = 300_000;

    private Timeouts() {
    }

    /** The pause before the next {@code want} after {@code failures} (≥ 1) failed attempts of one fetch. */
    public static long retryDelayMs(int failures) {
        if (failures <= 0) {
            return 0;
        }
        int doublings = Math.min(failures - 1, 16);
        return Math.min(RETRY_MAX_MS, RETRY_MIN_MS << doublings);
    }
}
