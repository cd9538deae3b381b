package ephemeral.peer;

import ephemeral.peer.signaling.ServerUrl;
import ephemeral.protocol.Timeouts;
import ephemeral.protocol.live.Mesh;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a {@link PeerNode} is configured with; immutable. Defaults in {@link #defaults()}.
 *
 * @param server          signaling server: {@code http(s)://host:port} (links are {@code <base>/<hash>}) or {@code ws(s)://…/ws}
 * @param maxPageBytes    largest page this peer serves or accepts [64 MiB]
 * @param maxConcurrentServes transfers served at once; more are refused with {@code busy} [64]
 * @param memoryBudgetBytes bytes of pages held in memory (a page beyond it is refused) [512 MiB]
 * @param storeDir        when set, held pages live in this directory (and survive restarts) instead of memory [none]
 * @param spoolDir        where pages of 8 MiB or more are written as they arrive [inside storeDir, else the
 *                        system's temporary folder]; a folder of this node's inside it is deleted when it closes
 * @param connectTimeout  how long {@link PeerNode#start} waits for the first signaling {@code welcome} [10 s]
 * @param stallTimeout    a holder that opens no channel / sends no byte for this long is given up on [5 s]
 * @param idleLinkTimeout a peer connection with no open channel for this long is closed [30 s]
 * @param serverSilence   a signaling connection with no frame (not even the server's ping) for this long is
 *                        taken as dead (a dropped network never says goodbye) and replaced [45 s]
 * @param holdersPerPage  holders a page of 8 MiB or more is fetched from at once, each sending its own range [3]
 * @param minPeers        links a live page's holder keeps to other holders of it, when that many exist [3]
 * @param maxPeers        links it accepts at most; one update reaches it at most once per link [minPeers + 2]
 */
public record PeerConfig(
        ServerUrl server,
        long maxPageBytes,
        int maxConcurrentServes,
        long memoryBudgetBytes,
        Path storeDir,
        Path spoolDir,
        Duration connectTimeout,
        Duration stallTimeout,
        Duration idleLinkTimeout,
        Duration serverSilence,
        int holdersPerPage,
        int minPeers,
        int maxPeers) {

    public PeerConfig {
        if (server == null) {
            throw new IllegalArgumentException("server");
        }
        if (maxPageBytes <= 0) {
            throw new IllegalArgumentException("maxPageBytes must be > 0");
        }
        if (maxConcurrentServes <= 0) {
            throw new IllegalArgumentException("maxConcurrentServes must be > 0");
        }
        if (memoryBudgetBytes <= 0) {
            throw new IllegalArgumentException("memoryBudgetBytes must be > 0");
        }
        if (holdersPerPage < 1) {
            throw new IllegalArgumentException("holdersPerPage must be >= 1");
        }
        if (minPeers < 1 || maxPeers < minPeers) {
            throw new IllegalArgumentException("need 1 <= minPeers <= maxPeers");
        }
    }

    public static PeerConfig defaults() {
        return new PeerConfig(ServerUrl.parse("http://localhost:8080"), 64L << 20, 64, 512L << 20, null, null,
                Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofMillis(Timeouts.SERVER_SILENT_MS), 3, Mesh.MIN_PEERS, Mesh.MIN_PEERS + Mesh.EXTRA_PEERS);
    }

    public PeerConfig withServer(String url) {
        return new PeerConfig(ServerUrl.parse(url), maxPageBytes, maxConcurrentServes, memoryBudgetBytes, storeDir, spoolDir,
                connectTimeout, stallTimeout, idleLinkTimeout, serverSilence, holdersPerPage, minPeers, maxPeers);
    }

    public PeerConfig withMaxPageBytes(long v) {
        return new PeerConfig(server, v, maxConcurrentServes, memoryBudgetBytes, storeDir, spoolDir, connectTimeout,
                stallTimeout, idleLinkTimeout, serverSilence, holdersPerPage, minPeers, maxPeers);
    }

    public PeerConfig withMaxConcurrentServes(int v) {
        return new PeerConfig(server, maxPageBytes, v, memoryBudgetBytes, storeDir, spoolDir, connectTimeout, stallTimeout,
                idleLinkTimeout, serverSilence, holdersPerPage, minPeers, maxPeers);
    }

    public PeerConfig withMemoryBudgetBytes(long v) {
        return new PeerConfig(server, maxPageBytes, maxConcurrentServes, v, storeDir, spoolDir, connectTimeout, stallTimeout,
                idleLinkTimeout, serverSilence, holdersPerPage, minPeers, maxPeers);
    }

    public PeerConfig withStoreDir(Path v) {
        return new PeerConfig(server, maxPageBytes, maxConcurrentServes, memoryBudgetBytes, v, spoolDir, connectTimeout,
                stallTimeout, idleLinkTimeout, serverSilence, holdersPerPage, minPeers, maxPeers);
    }

    public PeerConfig withSpoolDir(Path v) {
        return new PeerConfig(server, maxPageBytes, maxConcurrentServes, memoryBudgetBytes, storeDir, v, connectTimeout,
                stallTimeout, idleLinkTimeout, serverSilence, holdersPerPage, minPeers, maxPeers);
    }

    /** The folder this node's spool folder is made in: {@link #spoolDir}, or its default. */
    public Path spoolBase() {
        return spoolDir != null ? spoolDir
                : storeDir != null ? storeDir.resolve(".partial")
                : Path.of(System.getProperty("java.io.tmpdir"));
    }

    public PeerConfig withConnectTimeout(Duration v) {
        return new PeerConfig(server, maxPageBytes, maxConcurrentServes, memoryBudgetBytes, storeDir, spoolDir, v, stallTimeout,
                idleLinkTimeout, serverSilence, holdersPerPage, minPeers, maxPeers);
    }

    public PeerConfig withStallTimeout(Duration v) {
        return new PeerConfig(server, maxPageBytes, maxConcurrentServes, memoryBudgetBytes, storeDir, spoolDir, connectTimeout, v,
                idleLinkTimeout, serverSilence, holdersPerPage, minPeers, maxPeers);
    }

    public PeerConfig withIdleLinkTimeout(Duration v) {
        return new PeerConfig(server, maxPageBytes, maxConcurrentServes, memoryBudgetBytes, storeDir, spoolDir, connectTimeout,
                stallTimeout, v, serverSilence, holdersPerPage, minPeers, maxPeers);
    }

    public PeerConfig withServerSilence(Duration v) {
        return new PeerConfig(server, maxPageBytes, maxConcurrentServes, memoryBudgetBytes, storeDir, spoolDir, connectTimeout,
                stallTimeout, idleLinkTimeout, v, holdersPerPage, minPeers, maxPeers);
    }

    public PeerConfig withHoldersPerPage(int v) {
        return new PeerConfig(server, maxPageBytes, maxConcurrentServes, memoryBudgetBytes, storeDir, spoolDir, connectTimeout,
                stallTimeout, idleLinkTimeout, serverSilence, v, minPeers, maxPeers);
    }

    /** The live mesh's bounds; {@code maxPeers} follows as {@code minPeers + 2}. */
    public PeerConfig withMinPeers(int v) {
        return new PeerConfig(server, maxPageBytes, maxConcurrentServes, memoryBudgetBytes, storeDir, spoolDir, connectTimeout,
                stallTimeout, idleLinkTimeout, serverSilence, holdersPerPage, v, v + Mesh.EXTRA_PEERS);
    }
}
