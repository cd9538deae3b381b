package ephemeral.signaling;

import ephemeral.signaling.roster.Fairness;

/**
 * What keeps one peer, or one address, from starving the others or the server (docs/protocol.md, "Fair
 * routing" and "Limits and errors"). Defaults in {@link #DEFAULTS}.
 *
 * @param fairness                 request rates per wanter, per (wanter, holder) and per holder; reports
 * @param maxRosterEntries         holder plus wanter entries over all pages [1,000,000 ≈ 700 MB of heap at
 *                                 most]; past it {@code have} and new {@code want}s get {@code server_full}
 * @param maxConnectionsPerAddress WebSocket connections from one IP address [256: room for a shared NAT];
 *                                 0 = no limit (behind a reverse proxy every peer has the proxy's address)
 */
public record Guards(Fairness fairness, int maxRosterEntries, int maxConnectionsPerAddress) {

    public static final Guards DEFAULTS = new Guards(Fairness.DEFAULTS, 1_000_000, 256);

    public Guards {
        if (fairness == null) {
            throw new IllegalArgumentException("fairness must not be null");
        }
        if (maxRosterEntries <= 0 || maxConnectionsPerAddress < 0) {
            throw new IllegalArgumentException("maxRosterEntries must be positive, maxConnectionsPerAddress >= 0");
        }
    }

    public Guards withFairness(Fairness f) {
        return new Guards(f, maxRosterEntries, maxConnectionsPerAddress);
    }

    public Guards withMaxRosterEntries(int n) {
        return new Guards(fairness, n, maxConnectionsPerAddress);
    }

    public Guards withMaxConnectionsPerAddress(int n) {
        return new Guards(fairness, maxRosterEntries, n);
    }
}
