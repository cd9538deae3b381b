package ephemeral.sim;

import java.net.URI;
import java.nio.file.Path;

/**
 * One simulation's parameters; immutable, defaults in {@link #defaults()}. Times are milliseconds.
 *
 * @param peers         peers online at the start (the first {@code pages} of them each create one page)
 * @param arrivalsPerSecond new peers per second after the start (Poisson)
 * @param meanSessionMs how long a peer stays, on average
 * @param paretoSessions session lengths heavy-tailed (Pareto, shape 1.5, same mean) instead of exponential: many
 *                      short visits and a few long stays, as measured in deployed P2P swarms
 * @param pages         pages in the catalogue; visitors pick one by Zipf popularity (page 0 the most wanted)
 * @param holdersAtStart peers holding each page at the start (the first {@code pages × holdersAtStart} peers)
 * @param zipf          the Zipf exponent (0: uniform)
 * @param meanPageBytes page sizes are exponential around this, at least 1 KiB
 * @param uploadBytesPerSecond one peer's upload; a holder sends one page at a time
 * @param latencyMs     one way, peer to peer and peer to server (the coin-flip model only: the real server has its own)
 * @param durationMs    how long arrivals go on; the run ends then
 * @param wantTimeoutMs a visitor gives up on a page after this
 * @param seed          the workload (arrivals, sessions, choices, sizes) is a function of it
 * @param server        a running signaling server's WebSocket URL, or null to start one in this process
 * @param out           where reports go
 * @param snapshotEveryMs a who-served-whom graph every this often (0: only the final one)
 */
public record SimOptions(int peers, double arrivalsPerSecond, long meanSessionMs, boolean paretoSessions, int pages, int holdersAtStart, double zipf,
                         long meanPageBytes, long uploadBytesPerSecond, long latencyMs, long durationMs,
                         long wantTimeoutMs, long seed, URI server, Path out, long snapshotEveryMs) {

    /** ephemeral2's wanters ask again this often when no holder answered (the coin-flip rule). */
    public static final long COINFLIP_RETRY_MS = 2_000;

    public SimOptions {
        if (peers < pages * holdersAtStart || pages < 1 || holdersAtStart < 1) {
            throw new IllegalArgumentException("need at least one page, and a peer to create each page");
        }
        if (arrivalsPerSecond < 0 || meanSessionMs < 1 || zipf < 0 || meanPageBytes < 1 || uploadBytesPerSecond < 1
                || latencyMs < 0 || durationMs < 1 || wantTimeoutMs < 1 || snapshotEveryMs < 0) {
            throw new IllegalArgumentException("rates, times and sizes must be positive");
        }
    }

    public static SimOptions defaults() {
        return new SimOptions(50, 2, 30_000, false, 10, 1, 1.0, 64 << 10, 1 << 20, 25, 30_000, 20_000, 1, null,
                Path.of("sim-out"), 0);
    }

    public SimOptions withPeers(int n, int pageCount) {
        return new SimOptions(n, arrivalsPerSecond, meanSessionMs, paretoSessions, pageCount, holdersAtStart, zipf, meanPageBytes, uploadBytesPerSecond,
                latencyMs, durationMs, wantTimeoutMs, seed, server, out, snapshotEveryMs);
    }

    public SimOptions withParetoSessions(boolean on) {
        return new SimOptions(peers, arrivalsPerSecond, meanSessionMs, on, pages, holdersAtStart, zipf, meanPageBytes,
                uploadBytesPerSecond, latencyMs, durationMs, wantTimeoutMs, seed, server, out, snapshotEveryMs);
    }

    public SimOptions withHoldersAtStart(int k) {
        return new SimOptions(peers, arrivalsPerSecond, meanSessionMs, paretoSessions, pages, k, zipf, meanPageBytes, uploadBytesPerSecond,
                latencyMs, durationMs, wantTimeoutMs, seed, server, out, snapshotEveryMs);
    }

    public SimOptions withChurn(double perSecond, long meanSession) {
        return new SimOptions(peers, perSecond, meanSession, paretoSessions, pages, holdersAtStart, zipf, meanPageBytes, uploadBytesPerSecond,
                latencyMs, durationMs, wantTimeoutMs, seed, server, out, snapshotEveryMs);
    }

    public SimOptions withDuration(long ms) {
        return new SimOptions(peers, arrivalsPerSecond, meanSessionMs, paretoSessions, pages, holdersAtStart, zipf, meanPageBytes, uploadBytesPerSecond,
                latencyMs, ms, wantTimeoutMs, seed, server, out, snapshotEveryMs);
    }

    public SimOptions withSeed(long s) {
        return new SimOptions(peers, arrivalsPerSecond, meanSessionMs, paretoSessions, pages, holdersAtStart, zipf, meanPageBytes, uploadBytesPerSecond,
                latencyMs, durationMs, wantTimeoutMs, s, server, out, snapshotEveryMs);
    }

    public SimOptions withZipf(double s) {
        return new SimOptions(peers, arrivalsPerSecond, meanSessionMs, paretoSessions, pages, holdersAtStart, s, meanPageBytes, uploadBytesPerSecond,
                latencyMs, durationMs, wantTimeoutMs, seed, server, out, snapshotEveryMs);
    }

    public SimOptions withTransfers(long pageBytes, long upload, long latency) {
        return new SimOptions(peers, arrivalsPerSecond, meanSessionMs, paretoSessions, pages, holdersAtStart, zipf, pageBytes, upload, latency,
                durationMs, wantTimeoutMs, seed, server, out, snapshotEveryMs);
    }

    public SimOptions withWantTimeout(long ms) {
        return new SimOptions(peers, arrivalsPerSecond, meanSessionMs, paretoSessions, pages, holdersAtStart, zipf, meanPageBytes, uploadBytesPerSecond,
                latencyMs, durationMs, ms, seed, server, out, snapshotEveryMs);
    }

    public SimOptions withServer(URI uri) {
        return new SimOptions(peers, arrivalsPerSecond, meanSessionMs, paretoSessions, pages, holdersAtStart, zipf, meanPageBytes, uploadBytesPerSecond,
                latencyMs, durationMs, wantTimeoutMs, seed, uri, out, snapshotEveryMs);
    }

    public SimOptions withOut(Path dir, long snapshotsMs) {
        return new SimOptions(peers, arrivalsPerSecond, meanSessionMs, paretoSessions, pages, holdersAtStart, zipf, meanPageBytes, uploadBytesPerSecond,
                latencyMs, durationMs, wantTimeoutMs, seed, server, dir, snapshotsMs);
    }
}
