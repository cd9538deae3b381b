package ephemeral.signaling;

import ephemeral.signaling.roster.Fairness;

/**
 * What keeps one peer, or one address, from starving the others or the server (docs/protocol.md, "Fair
 * routing" and "Limits and errors"). Defaults in {@link #DEFAULTS}.
 *
 * @param fairness                   request rates per wanter, per (wanter, holder) and per holder; reports
 * @param maxRosterEntries           holder plus wanter entries over all pages [1,000,000, or fewer when the
 *                                   heap is small: one entry per KiB of max heap, about twice what an entry
 *                                   costs]; holders may fill {@link #HOLDER_SHARE} of it, the rest is kept for
 *                                   wants. Past it {@code have} and new {@code want}s get {@code server_full}
 * @param maxRosterEntriesPerAddress entries of all connections from one address (IPv4, or an IPv6 /64)
 *                                   [100,000: one seed holding as many pages as a connection may]; past it that
 *                                   address's {@code have} and new {@code want}s get {@code server_full}, so a
 *                                   few machines cannot fill the server for everyone; 0 = no limit (behind a
 *                                   reverse proxy every peer has the proxy's address)
 * @param maxConnectionsPerAddress   WebSocket connections from one IP address [256: room for a shared NAT];
 *                                   0 = no limit (behind a reverse proxy)
 * @param announcePerSecond          hashes one connection may announce ({@code have}) per second, sustained
 *                                   [1,000]; past it the server reads that connection more slowly (nothing is
 *                                   refused), so a roster fill is spread out instead of arriving as one burst
 *                                   of allocation; 0 = unpaced
 * @param announceBurst              hashes one connection may announce at once [4,000]
 * @param largeMessageBytesPerSecond bytes the server reads per second of messages longer than
 *                                   {@link #LARGE_MESSAGE_BYTES}, all connections together [2,000,000, at most
 *                                   2,000,000 at once]; past it such messages are read more slowly, in turn (a
 *                                   2,000-hash {@code have} is 134 KB), so connections sending huge messages
 *                                   cannot take the server's CPU from everyone else's small ones; 0 = unpaced
 */
public record Guards(Fairness fairness, int maxRosterEntries, int maxRosterEntriesPerAddress, int maxConnectionsPerAddress,
                     int announcePerSecond, int announceBurst, int largeMessageBytesPerSecond) {

    /**
     * Past this many bytes a message is large: the rest of it is read at {@code largeMessageBytesPerSecond}.
     * Most messages are a few hundred bytes and a data channel's offer about 1 KiB; the larger the free share,
     * the more a crowd of connections sending huge messages gets read at once (docs/security.md, row d).
     */
    public static final int LARGE_MESSAGE_BYTES = 4 * 1024;

    /** Share of {@code maxRosterEntries} holders may fill: the rest stays free for wants. */
    public static final double HOLDER_SHARE = 0.9;

    public static final Guards DEFAULTS =
            new Guards(Fairness.DEFAULTS, defaultRosterEntries(), 100_000, 256, 1_000, 4_000, 2_000_000);

    /** 1,000,000, or one entry per KiB of max heap if that is less (an entry costs ~500 B of heap). */
    static int defaultRosterEntries() {
        return (int) Math.min(1_000_000, Runtime.getRuntime().maxMemory() / 1024);
    }

    public Guards {
        if (fairness == null) {
            throw new IllegalArgumentException("fairness must not be null");
        }
        if (maxRosterEntries <= 0 || maxRosterEntriesPerAddress < 0 || maxConnectionsPerAddress < 0) {
            throw new IllegalArgumentException("maxRosterEntries must be positive, maxRosterEntriesPerAddress and "
                    + "maxConnectionsPerAddress >= 0");
        }
        if (announcePerSecond < 0 || announceBurst <= 0) {
            throw new IllegalArgumentException("announcePerSecond must be >= 0 and announceBurst positive");
        }
        if (largeMessageBytesPerSecond < 0) {
            throw new IllegalArgumentException("largeMessageBytesPerSecond must be >= 0");
        }
    }

    /** Entries holders may fill, of {@code maxRosterEntries}. */
    public int maxHolderEntries() {
        return (int) (maxRosterEntries * HOLDER_SHARE);
    }

    public Guards withFairness(Fairness f) {
        return new Guards(f, maxRosterEntries, maxRosterEntriesPerAddress, maxConnectionsPerAddress,
                announcePerSecond, announceBurst, largeMessageBytesPerSecond);
    }

    public Guards withMaxRosterEntries(int n) {
        return new Guards(fairness, n, maxRosterEntriesPerAddress, maxConnectionsPerAddress,
                announcePerSecond, announceBurst, largeMessageBytesPerSecond);
    }

    public Guards withMaxConnectionsPerAddress(int n) {
        return new Guards(fairness, maxRosterEntries, maxRosterEntriesPerAddress, n,
                announcePerSecond, announceBurst, largeMessageBytesPerSecond);
    }

    public Guards withMaxRosterEntriesPerAddress(int n) {
        return new Guards(fairness, maxRosterEntries, n, maxConnectionsPerAddress,
                announcePerSecond, announceBurst, largeMessageBytesPerSecond);
    }

    public Guards withAnnounce(int perSecond, int burst) {
        return new Guards(fairness, maxRosterEntries, maxRosterEntriesPerAddress, maxConnectionsPerAddress, perSecond, burst,
                largeMessageBytesPerSecond);
    }

    public Guards withLargeMessageBytesPerSecond(int perSecond) {
        return new Guards(fairness, maxRosterEntries, maxRosterEntriesPerAddress, maxConnectionsPerAddress, announcePerSecond,
                announceBurst, perSecond);
    }
}
