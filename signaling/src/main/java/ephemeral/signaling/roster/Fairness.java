package ephemeral.signaling.roster;

/**
 * How the server keeps one peer from monopolising or flooding another (docs/protocol.md, "Fair routing").
 * Rates are per second, with a burst of twice the rate (at least 3).
 *
 * @param wantRoutes     routes of one wanter's wants of one page [1/s, burst 3]: a retry loop at any speed
 *                       costs a holder at most this; quicker wants wait their turn, they are not refused
 * @param pairRoutes     content_requests from one wanter to one holder, over all pages [10/s]
 * @param holderRequests content_requests one holder receives in all [50/s]: past it the want goes to
 *                       another holder, or waits
 * @param reportsToQuarantine wanters from distinct addresses (an IPv6 /64 is one) whose {@code report} of a
 *                       holder for a page makes the server
 *                       stop choosing that holder for that page while others are eligible [3]
 * @param quarantineSeconds   how long that lasts [60]
 */
public record Fairness(double wantRoutes, double pairRoutes, double holderRequests, int reportsToQuarantine,
                       int quarantineSeconds) {

    public static final Fairness DEFAULTS = new Fairness(1, 10, 50, 3, 60);

    public Fairness {
        if (!(wantRoutes > 0 && pairRoutes > 0 && holderRequests > 0) || reportsToQuarantine < 1
                || quarantineSeconds < 0) {
            throw new IllegalArgumentException("fairness rates must be positive");
        }
    }

    static int burst(double perSecond) {
        return (int) Math.max(3, Math.ceil(perSecond * 2));
    }
}
