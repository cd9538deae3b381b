package ephemeral.signaling.ws;

import ephemeral.protocol.Codec;
import ephemeral.protocol.ErrorCode;
import ephemeral.protocol.ProtocolException;
import ephemeral.protocol.signaling.ServerMessage;
import ephemeral.signaling.FrameTap;
import ephemeral.signaling.SignalingConfig;
import ephemeral.signaling.roster.Hub;
import ephemeral.signaling.roster.Peer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketCreator;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /ws} endpoint: turns frames into {@link Hub} calls and refusals into {@code error} frames.
 * It is a Jetty listener rather than a Javalin handler because liveness needs pongs, which Javalin does not
 * surface; Jetty delivers one connection's frames one at a time, different connections' concurrently.
 */
public final class SignalingSocket {
    private static final Logger LOG = LoggerFactory.getLogger(SignalingSocket.class);
    private static final ByteBuffer PING = ByteBuffer.allocate(0);

    private final SignalingConfig config;
    private final Hub hub;
    private final Supplier<FrameTap> tap;
    private final Set<Endpoint> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong errorsSent = new AtomicLong();

    public SignalingSocket(SignalingConfig config, Hub hub, Supplier<FrameTap> tap) {
        this.config = config;
        this.hub = hub;
        this.tap = tap;
    }

    /** Upgrades allowed origins to an endpoint; answers 403 to others. */
    public JettyWebSocketCreator creator(OriginPolicy origins) {
        return (request, response) -> {
            String origin = request.getHeader("Origin");
            if (!origins.allows(origin, request.getHeader("Host"))) {
                response.sendForbidden("origin not allowed: " + origin);
                return null;
            }
            response.setExtensions(config.permessageDeflate() ? Compression.bounded(request.getExtensions()) : List.of());
            return new Endpoint();
        };
    }

    /**
     * Run every {@code pingSeconds}: drops connections not heard from (no frame, no pong) for
     * {@code idleSeconds} — a frozen tab or a vanished network never says goodbye — and pings the rest.
     */
    public void heartbeat() {
        long now = System.nanoTime();
        long idle = TimeUnit.SECONDS.toNanos(config.idleSeconds());
        for (Endpoint endpoint : open) {
            if (now - endpoint.lastHeard > idle) {
                LOG.info("dropping {}: silent for {} s", endpoint.peer.id(), config.idleSeconds());
                endpoint.session.disconnect();
                endpoint.closed();
            } else {
                endpoint.session.sendPing(PING, Callback.NOOP);
            }
        }
    }

    /** Says goodbye to every connection (1001), so peers reconnect at once instead of waiting to notice. */
    public void closeAll() {
        for (Endpoint endpoint : open) {
            endpoint.connection.close(1001, "server shutting down");
        }
    }

    public long errorsSent() {
        return errorsSent.get();
    }

    /** One connection. Public only because Jetty invokes listeners reflectively. */
    public final class Endpoint implements Session.Listener.AutoDemanding {
        private Session session;
        private Peer peer;
        private Connection connection;
        private TokenBucket bucket;
        private volatile long lastHeard = System.nanoTime();
        private final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
            connection = new Connection(s, config.maxOutboxMessages(), tap);
            peer = hub.connect(connection);
            connection.peerId(peer.id());
            bucket = new TokenBucket(config.limits().messagesPerSecond(), config.limits().messageBurst(), System.nanoTime());
            open.add(this);
            connection.send(Codec.encode(new ServerMessage.Welcome(peer.id(), config.iceServers(), config.limits())));
        }

        @Override
        public void onWebSocketText(String text) {
            lastHeard = System.nanoTime();
            FrameTap t = tap.get();
            if (t != null) {
                t.frame(peer.id(), true, text);
            }
            if (!admitted()) {
                return;
            }
            try {
                if (tooLarge(text, config.limits().maxFrameBytes())) {
                    throw new ProtocolException(ErrorCode.TOO_LARGE,
                            "frames are limited to " + config.limits().maxFrameBytes() + " bytes");
                }
                hub.handle(peer, Codec.parseClient(text, config.limits()));
            } catch (ProtocolException e) {
                refuse(e);
            }
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            lastHeard = System.nanoTime();
            callback.succeed();
            if (admitted()) {
                refuse(new ProtocolException(ErrorCode.BINARY_FRAME, "frames are JSON text; page bytes never go through the server"));
            }
        }

        @Override
        public void onWebSocketPong(ByteBuffer payload) {
            lastHeard = System.nanoTime();
        }

        @Override
        public void onWebSocketClose(int status, String reason, Callback callback) {
            closed();
            callback.succeed();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            LOG.debug("connection error: {}", String.valueOf(cause));
            closed();
        }

        /** The rate limit: refuse over the bucket, close a connection that keeps pushing while refused. */
        private boolean admitted() {
            if (bucket.tryTake(System.nanoTime())) {
                return true;
            }
            if (bucket.abusive()) {
                LOG.info("closing {}: rate limit exceeded", peer.id());
                connection.close(1008, "rate limit exceeded");
            } else {
                refuse(new ProtocolException(ErrorCode.RATE_LIMITED,
                        "over " + config.limits().messagesPerSecond() + " messages/s; slow down"));
            }
            return false;
        }

        private void refuse(ProtocolException e) {
            errorsSent.incrementAndGet();
            connection.send(Codec.encode(new ServerMessage.Error(e.code(), e.getMessage(), e.ref())));
        }

        private void closed() {
            if (peer != null && closed.compareAndSet(false, true)) {
                open.remove(this);
                hub.disconnect(peer);
            }
        }
    }

    /** UTF-8 takes 1 to 3 bytes per char of a Java string: count bytes only when the length can't tell. */
    private static boolean tooLarge(String s, int maxBytes) {
        long n = s.length();
        if (n > maxBytes || n * 3 <= maxBytes) {
            return n > maxBytes;
        }
        return s.getBytes(StandardCharsets.UTF_8).length > maxBytes;
    }
}
