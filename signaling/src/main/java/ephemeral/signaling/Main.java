package ephemeral.signaling;

import ephemeral.protocol.IceServer;
import ephemeral.protocol.IceTransportPolicy;
import ephemeral.protocol.Limits;
import ephemeral.signaling.cluster.ClusterUnavailableException;
import ephemeral.signaling.ice.Ice;
import ephemeral.signaling.roster.Fairness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code java -jar signaling.jar [options]}: starts the server on the embedded defaults unless told otherwise. */
@Command(name = "signaling", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Signaling server for ephemeral peer-to-peer pages. Stores no page content.")
public final class Main implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @Option(names = "--port", defaultValue = "${env:PORT:-8080}",
            description = "TCP port (env PORT; default ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Interface to bind (default ${DEFAULT-VALUE}: all).")
    String host;

    @Option(names = "--allowed-origin", paramLabel = "ORIGIN",
            description = "WebSocket Origin allowed besides the server's own, e.g. https://pages.example; repeatable; * = any.")
    List<String> allowedOrigins = new ArrayList<>();

    @Option(names = "--allowed-host", paramLabel = "NAME",
            description = "Name this server is reached by (its public DNS name), besides localhost and this machine's "
                    + "own names and addresses; repeatable; * = any. Other Host headers get HTTP 421 (DNS rebinding).")
    List<String> allowedHosts = new ArrayList<>();

    @Option(names = "--ice-server", paramLabel = "URL[,USER,CREDENTIAL]",
            description = "STUN/TURN server handed to clients; repeatable. Default: none (host candidates only).")
    List<String> iceServers = new ArrayList<>();

    @Option(names = "--stun-url", paramLabel = "URL", description = "STUN server handed to clients, e.g. stun:stun.example:3478; repeatable.")
    List<String> stunUrls = new ArrayList<>();

    @Option(names = "--turn-url", paramLabel = "URL", description = "TURN server whose credentials the server issues "
            + "(coturn with use-auth-secret), turn:HOST:PORT[?transport=udp|tcp] or turns:HOST:PORT; repeatable.")
    List<String> turnUrls = new ArrayList<>();

    @Option(names = "--turn-secret", paramLabel = "SECRET", defaultValue = "${env:TURN_SECRET}",
            description = "coturn's static-auth-secret (env TURN_SECRET, which keeps it out of the process list).")
    String turnSecret;

    @Option(names = "--turn-ttl", paramLabel = "DURATION", defaultValue = "6h", converter = DurationFlag.class,
            description = "How long an issued TURN credential works: 90s, 30m, 6h, 1d (default ${DEFAULT-VALUE}).")
    Duration turnTtl;

    @Option(names = "--ice-transport-policy", paramLabel = "all|relay", defaultValue = "all",
            description = "relay: clients connect through TURN only, never directly (default ${DEFAULT-VALUE}).")
    String iceTransportPolicy;

    @Option(names = "--max-frame-bytes", defaultValue = "262144", description = "Largest frame accepted (default ${DEFAULT-VALUE}).")
    int maxFrameBytes;

    @Option(names = "--max-hashes-per-connection", defaultValue = "100000", description = "Pages one connection may hold (default ${DEFAULT-VALUE}).")
    int maxHashesPerConnection;

    @Option(names = "--max-wants-per-connection", defaultValue = "1024", description = "Pages one connection may want at once (default ${DEFAULT-VALUE}).")
    int maxWantsPerConnection;

    @Option(names = "--messages-per-second", defaultValue = "200", description = "Sustained message rate per connection (default ${DEFAULT-VALUE}).")
    int messagesPerSecond;

    @Option(names = "--message-burst", defaultValue = "400", description = "Messages one connection may send at once (default ${DEFAULT-VALUE}).")
    int messageBurst;

    @Option(names = "--pairing-seconds", defaultValue = "120", description = "How long two paired peers may signal (default ${DEFAULT-VALUE}).")
    int pairingSeconds;

    @Option(names = "--peers-interval-ms", defaultValue = "250", description = "Least time between two count broadcasts for one page (default ${DEFAULT-VALUE}).")
    int peersIntervalMillis;

    @Option(names = "--want-routes-per-second", defaultValue = "1",
            description = "Routes of one peer's wants of one page per second; quicker wants wait (default ${DEFAULT-VALUE}).")
    double wantRoutes;

    @Option(names = "--pair-requests-per-second", defaultValue = "10",
            description = "Requests from one wanter to one holder per second, over all pages (default ${DEFAULT-VALUE}).")
    double pairRequests;

    @Option(names = "--holder-requests-per-second", defaultValue = "50",
            description = "Requests one holder is sent per second; past it wants go to other holders or wait (default ${DEFAULT-VALUE}).")
    double holderRequests;

    @Option(names = "--max-roster-entries", description = "Holder and wanter entries over all pages, "
            + "holders at most 90 %% of them; past it: server_full (default: 1000000, or one per KiB of max heap if less).")
    Integer maxRosterEntries;

    @Option(names = "--max-roster-entries-per-address", defaultValue = "100000",
            description = "Entries of all connections from one address (an IPv6 /64); 0 = no limit, e.g. behind a reverse proxy (default ${DEFAULT-VALUE}).")
    int maxRosterEntriesPerAddress;

    @Option(names = "--max-connections-per-address", defaultValue = "256",
            description = "WebSocket connections from one IP address; 0 = no limit, e.g. behind a reverse proxy (default ${DEFAULT-VALUE}).")
    int maxConnectionsPerAddress;

    @Option(names = "--announce-per-second", defaultValue = "1000", description = "Hashes one connection may announce "
            + "per second; past it the server reads it more slowly, nothing is refused; 0 = unpaced (default ${DEFAULT-VALUE}).")
    int announcePerSecond;

    @Option(names = "--announce-burst", defaultValue = "4000",
            description = "Hashes one connection may announce at once (default ${DEFAULT-VALUE}).")
    int announceBurst;

    @Option(names = "--large-message-bytes-per-second", defaultValue = "2000000", description = "Bytes read per second of "
            + "messages over 4 KiB, all connections together; past it they are read more slowly, in turn; 0 = unpaced (default ${DEFAULT-VALUE}).")
    int largeMessageBytesPerSecond;

    @Option(names = "--admin-listen", paramLabel = "HOST:PORT",
            description = "Serve /api/stats and /metrics on this address instead of the public port, e.g. 127.0.0.1:9090 (default: the public port).")
    String adminListen;

    @Option(names = "--permessage-deflate", description = "Accept the WebSocket compression browsers offer, without "
            + "context takeover (default: declined; it costs more than it saves on small frames, see docs/benchmarks.md).")
    boolean permessageDeflate;

    @Option(names = "--redis", paramLabel = "URL", defaultValue = "${env:REDIS_URL}",
            description = "Join a cluster of servers sharing this Redis, e.g. redis://127.0.0.1:6379 (env REDIS_URL; "
                    + "docs/cluster.md). Default: none, a single server with its rosters in memory.")
    String redis;

    SignalingConfig config() {
        Limits d = Limits.DEFAULTS;
        Limits limits = new Limits(maxFrameBytes, d.maxHashesPerMessage(), maxHashesPerConnection, maxWantsPerConnection,
                d.maxExclude(), Math.min(d.maxSignalBytes(), maxFrameBytes), messagesPerSecond, messageBurst, pairingSeconds);
        return SignalingConfig.defaults()
                .withHost(host)
                .withPort(port)
                .withAllowedOrigins(allowedOrigins)
                .withAllowedHosts(allowedHosts)
                .withIce(Ice.NONE
                        .withServers(Stream.concat(iceServers.stream().map(IceServer::parse),
                                stunUrls.stream().map(url -> new IceServer(List.of(url), null, null))).toList())
                        .withTurn(turnUrls, turnSecret, turnTtl)
                        .withPolicy(IceTransportPolicy.parse(iceTransportPolicy)))
                .withLimits(limits)
                .withPeersIntervalMillis(peersIntervalMillis)
                .withGuards(new Guards(new Fairness(wantRoutes, pairRequests, holderRequests,
                        Fairness.DEFAULTS.reportsToQuarantine(), Fairness.DEFAULTS.quarantineSeconds()),
                        maxRosterEntries != null ? maxRosterEntries : Guards.DEFAULTS.maxRosterEntries(),
                        maxRosterEntriesPerAddress, maxConnectionsPerAddress, announcePerSecond, announceBurst,
                        largeMessageBytesPerSecond))
                .withAdminListen(adminListen)
                .withPermessageDeflate(permessageDeflate)
                .withRedis(redis);
    }

    @Override
    public Integer call() {
        SignalingConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            System.err.println("signaling: " + e.getMessage());
            return 2;
        }
        SignalingServer server = SignalingServer.create(config);
        try {
            server.start();
        } catch (ClusterUnavailableException e) {
            System.err.println("signaling: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("signaling: cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage());
            return 1;
        }
        String shown = "0.0.0.0".equals(config.host()) || "::".equals(config.host()) ? "localhost" : config.host();
        LOG.info("listening on {}:{} — open http://{}:{}/", config.host(), server.port(), shown, server.port());
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "shutdown"));
        return 0;
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        int code = cli.execute(args);
        if (code != 0 || cli.isUsageHelpRequested() || cli.isVersionHelpRequested()) {
            System.exit(code);
        }
        // Otherwise Jetty's threads keep the JVM serving until it is stopped.
    }
}
