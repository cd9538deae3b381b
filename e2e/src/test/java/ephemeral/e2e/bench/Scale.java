package ephemeral.e2e.bench;

/**
 * How big a run is: {@link #FULL} for the published figures, {@link #SMOKE} for the test suite (seconds).
 * {@code variants}: also measure routing and memory with bare clients and with a deflating server (each a
 * server of its own; the smoke run leaves them out, and {@code NioLoadTest} checks those handshakes).
 * {@code warmupSeconds} of load come before a measured window, then up to {@code warmupMaxSeconds} in all
 * until the server's JIT has settled ({@link Warmup}).
 */
public record Scale(
        String name,
        int warmupSeconds, int warmupMaxSeconds,
        boolean variants,
        int routingHolders, int routingWanters, int routingSeconds,
        int relayPairs, int relayWindow, int relaySeconds,
        int connections,
        int stormPeers, int stormMillis,
        int ttcTrials, int ttcBytes,
        int throughputBytes,
        int seedPages, int seedPageBytes, int seedTransfers,
        long bigJavaBytes, long bigBrowserBytes, long severalHoldersBytes, long resumeBytes,
        int liveHolders, int liveUpdates) {

    public static final Scale FULL = new Scale("full",
            5, 60, true,
            1_000, 1_000, 10,
            200, 8, 10,
            10_000,
            2_000, 1_000,
            20, 1_024,
            64 << 20,
            1_000, 10_240, 1_000,
            2L << 30, 1L << 30, 256L << 20, 200_000_000L,
            30, 50);

    public static final Scale SMOKE = new Scale("smoke",
            1, 1, false,
            20, 20, 1,
            10, 8, 1,
            200,
            100, 200,
            2, 1_024,
            1 << 20,
            20, 10_240, 20,
            16L << 20, 16L << 20, 16L << 20, 16L << 20,
            8, 3);
}
