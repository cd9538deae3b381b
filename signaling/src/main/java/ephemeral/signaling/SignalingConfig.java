package ephemeral.signaling;

import ephemeral.protocol.Limits;
import ephemeral.signaling.ice.Ice;
import java.util.List;

/**
 * Everything the server can be told, as one immutable value. {@link #defaults()} is the embedded
 * configuration the README's start command runs with; the {@code with…} methods derive variants.
 *
 * @param host                interface to bind ("0.0.0.0" = all)
 * @param port                TCP port; 0 picks a free one
 * @param allowedOrigins      WebSocket Origins accepted besides the server's own; "*" accepts any
 * @param allowedHosts        names (Host headers) answered besides localhost and this machine's own
 *                            names and addresses; "*" answers any
 * @param ice                 STUN/TURN servers and transport policy handed to clients in {@code welcome};
 *                            {@link Ice#NONE} = host candidates only
 * @param limits              per-connection limits, also sent to clients
 * @param peersIntervalMillis least time between two {@code peers} broadcasts for one page
 * @param pingSeconds         how often the server pings each connection
 * @param idleSeconds         a connection silent this long (no pong, no frame) is closed
 * @param maxOutboxMessages   messages queued for one connection before it counts as a slow consumer
 * @param guards              fairness rates, roster budget and per-address connection limit
 * @param adminListen         {@code host:port} of a second listener for {@code /api/stats} and {@code /metrics}
 *                            (the operator endpoints), which the public port then does not serve; null = the public port
 * @param permessageDeflate   accept the WebSocket compression browsers offer (off: docs/benchmarks.md shows
 *                            it costs far more CPU and memory than it saves on frames of a few hundred bytes)
 * @param redis               {@code redis://host:port[/db]} of the Redis the cluster's nodes share (docs/cluster.md);
 *                            null = a single server with its rosters in memory
 */
public record SignalingConfig(
        String host,
        int port,
        List<String> allowedOrigins,
        List<String> allowedHosts,
        Ice ice,
        Limits limits,
        int peersIntervalMillis,
        int pingSeconds,
        int idleSeconds,
        int maxOutboxMessages,
        Guards guards,
        String adminListen,
        boolean permessageDeflate,
        String redis) {

    public static final int DEFAULT_PORT = 8080;

    public SignalingConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        allowedOrigins = List.copyOf(allowedOrigins);
        allowedHosts = List.copyOf(allowedHosts);
        if (ice == null || limits == null || guards == null) {
            throw new IllegalArgumentException("ice, limits and guards must not be null");
        }
        Limits.positive("peersIntervalMillis", peersIntervalMillis);
        Limits.positive("pingSeconds", pingSeconds);
        Limits.positive("maxOutboxMessages", maxOutboxMessages);
        if (adminListen != null && !adminListen.matches(".+:[0-9]{1,5}")) {
            throw new IllegalArgumentException("admin listener must be host:port, got " + adminListen);
        }
        if (redis != null && !redis.matches("rediss?://.+")) {
            throw new IllegalArgumentException("--redis takes a URL like redis://127.0.0.1:6379, got " + redis);
        }
        if (idleSeconds <= pingSeconds) {
            throw new IllegalArgumentException("idleSeconds must exceed pingSeconds");
        }
    }

    public static SignalingConfig defaults() {
        return new SignalingConfig("0.0.0.0", DEFAULT_PORT, List.of(), List.of(), Ice.NONE, Limits.DEFAULTS, 250, 15, 45, 4_096, Guards.DEFAULTS, null, false, null);
    }

    public SignalingConfig withHost(String newHost) {
        return new SignalingConfig(newHost, port, allowedOrigins, allowedHosts, ice, limits, peersIntervalMillis,
                pingSeconds, idleSeconds, maxOutboxMessages, guards, adminListen, permessageDeflate, redis);
    }

    public SignalingConfig withPort(int newPort) {
        return new SignalingConfig(host, newPort, allowedOrigins, allowedHosts, ice, limits, peersIntervalMillis,
                pingSeconds, idleSeconds, maxOutboxMessages, guards, adminListen, permessageDeflate, redis);
    }

    public SignalingConfig withAllowedOrigins(List<String> origins) {
        return new SignalingConfig(host, port, origins, allowedHosts, ice, limits, peersIntervalMillis,
                pingSeconds, idleSeconds, maxOutboxMessages, guards, adminListen, permessageDeflate, redis);
    }

    public SignalingConfig withIce(Ice newIce) {
        return new SignalingConfig(host, port, allowedOrigins, allowedHosts, newIce, limits, peersIntervalMillis,
                pingSeconds, idleSeconds, maxOutboxMessages, guards, adminListen, permessageDeflate, redis);
    }

    public SignalingConfig withLimits(Limits newLimits) {
        return new SignalingConfig(host, port, allowedOrigins, allowedHosts, ice, newLimits, peersIntervalMillis,
                pingSeconds, idleSeconds, maxOutboxMessages, guards, adminListen, permessageDeflate, redis);
    }

    public SignalingConfig withPeersIntervalMillis(int millis) {
        return new SignalingConfig(host, port, allowedOrigins, allowedHosts, ice, limits, millis,
                pingSeconds, idleSeconds, maxOutboxMessages, guards, adminListen, permessageDeflate, redis);
    }

    public SignalingConfig withHeartbeat(int newPingSeconds, int newIdleSeconds) {
        return new SignalingConfig(host, port, allowedOrigins, allowedHosts, ice, limits, peersIntervalMillis,
                newPingSeconds, newIdleSeconds, maxOutboxMessages, guards, adminListen, permessageDeflate, redis);
    }

    public SignalingConfig withMaxOutboxMessages(int max) {
        return new SignalingConfig(host, port, allowedOrigins, allowedHosts, ice, limits, peersIntervalMillis,
                pingSeconds, idleSeconds, max, guards, adminListen, permessageDeflate, redis);
    }

    public SignalingConfig withPermessageDeflate(boolean on) {
        return new SignalingConfig(host, port, allowedOrigins, allowedHosts, ice, limits, peersIntervalMillis,
                pingSeconds, idleSeconds, maxOutboxMessages, guards, adminListen, on, redis);
    }

    public SignalingConfig withGuards(Guards g) {
        return new SignalingConfig(host, port, allowedOrigins, allowedHosts, ice, limits, peersIntervalMillis,
                pingSeconds, idleSeconds, maxOutboxMessages, g, adminListen, permessageDeflate, redis);
    }

    public SignalingConfig withAllowedHosts(List<String> hosts) {
        return new SignalingConfig(host, port, allowedOrigins, hosts, ice, limits, peersIntervalMillis,
                pingSeconds, idleSeconds, maxOutboxMessages, guards, adminListen, permessageDeflate, redis);
    }

    public SignalingConfig withAdminListen(String hostPort) {
        return new SignalingConfig(host, port, allowedOrigins, allowedHosts, ice, limits, peersIntervalMillis,
                pingSeconds, idleSeconds, maxOutboxMessages, guards, hostPort, permessageDeflate, redis);
    }

    public SignalingConfig withRedis(String url) {
        return new SignalingConfig(host, port, allowedOrigins, allowedHosts, ice, limits, peersIntervalMillis,
                pingSeconds, idleSeconds, maxOutboxMessages, guards, adminListen, permessageDeflate, url);
    }
}
