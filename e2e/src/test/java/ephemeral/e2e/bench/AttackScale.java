package ephemeral.e2e.bench;

/**
 * How big the attack benchmark is. {@link #FULL} is issue #10's table at this machine's scale; {@link #SMOKE}
 * runs every row briefly, within a minute, for the test suite.
 *
 * @param holders             innocent holders (each of {@link Innocents#PAGES_PER_HOLDER} pages of its own)
 * @param wanters             innocent wanters, asking for those pages in an open loop at {@code wantsPerSecond}
 * @param liarCounts          poisoning: liars beside one honest holder, one page per count
 * @param falseReports        poisoning: also a run where three sybils report the honest holder
 * @param settleSeconds       poisoning: time for reports to take effect before the share is counted
 * @param windowSeconds       poisoning (per page) and flood: how long the effect is counted
 * @param topUpMessages       roster: {@code have}s of 50 sent after the big ones, to fill the budget to its last entry
 * @param attackSeconds       roster and partial frames: the most time given to the server to take them
 * @param holdSeconds         how long the attackers hold what they took before the server is measured
 */
record AttackScale(int warmupSeconds, int holders, int wanters, double wantsPerSecond,
                   int[] liarCounts, boolean falseReports, int poisonWanters, int settleSeconds, int windowSeconds,
                   int floodConnections, int floodPages,
                   int rosterConnections, int hashesPerConnection, int topUpMessages, int attackSeconds,
                   int partialConnections,
                   int connectionAttempts, int connectSeconds,
                   long fuzzFrames, int fuzzSeconds, int fuzzThreads,
                   int holdSeconds) {

    static final AttackScale FULL = new AttackScale(2, 100, 100, 200,
            new int[] {1, 3, 10}, true, 20, 3, 10,
            50, 20,
            10, 100_000, 40, 60,
            314,
            10_000, 60,
            200_000, 60, 4,
            5);

    static final AttackScale SMOKE = new AttackScale(1, 20, 20, 40,
            new int[] {3}, false, 6, 2, 2,
            10, 20,
            2, 10_000, 4, 10,
            20,
            300, 5,
            2_000, 3, 2,
            1);

    static AttackScale of(Scale scale) {
        return "smoke".equals(scale.name()) ? SMOKE : FULL;
    }
}
