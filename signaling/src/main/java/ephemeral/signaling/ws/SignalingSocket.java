package ephemeral.signaling.ws;

import ephemeral.protocol.Codec;
import ephemeral.protocol.ErrorCode;
import ephemeral.protocol.ProtocolException;
import ephemeral.protocol.signaling.ClientMessage;
import ephemeral.protocol.signaling.ServerMessage;
import ephemeral.signaling.FrameTap;
import ephemeral.signaling.Guards;
import ephemeral.signaling.SignalingConfig;
import ephemeral.signaling.http.HostPolicy;
import ephemeral.signaling.roster.Hub;
import ephemeral.signaling.roster.Peer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketCreator;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Frame;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.core.OpCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /ws} endpoint: turns frames into {@link Hub} calls and refusals into {@code error} frames.
 * It is a Jetty listener rather than a Javalin handler because liveness needs pongs, which Javalin does not
 * surface; Jetty delivers one connection's frames one at a time, different connections' concurrently.
 */
public final class SignalingSocket {
    private static final Logger LOG = LoggerFactory.getLogger(SignalingSocket.class);
    /** An empty payload: of the pings sent, and of frames that came without one (only ever read). */
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final String PONG = Codec.encode(new ServerMessage.Pong());

    private final SignalingConfig config;
    private final Hub hub;
    private final Supplier<FrameTap> tap;
    private final ScheduledExecutorService timers;
    private final Set<Endpoint> open = ConcurrentHashMap.newKeySet();
    /** {@code error} frames sent, by {@link ErrorCode#ordinal()}: counted per code without a map lookup. */
    private final AtomicLongArray refused = new AtomicLongArray(ErrorCode.values().length);
    private final AtomicLong connectionsRefused = new AtomicLong();
    private final AtomicLong closedForAbuse = new AtomicLong();
    private final AtomicLong closedSlowConsumers = new AtomicLong();
    /** Open connections per remote address, for the per-address limit. */
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    /** The pace of large messages' bytes, all connections together (guarded by itself); null: unpaced. */
    private final Pace largeMessages;

    public SignalingSocket(SignalingConfig config, Hub hub, Supplier<FrameTap> tap, ScheduledExecutorService timers) {
        this.timers = timers;
        this.config = config;
        this.hub = hub;
        this.tap = tap;
        int perSecond = config.guards().largeMessageBytesPerSecond();
        this.largeMessages = perSecond > 0 ? new Pace(perSecond, perSecond, System.nanoTime()) : null;
    }

    /** Upgrades allowed origins to an endpoint; answers 403 to others. */
    public JettyWebSocketCreator creator(OriginPolicy origins, HostPolicy hosts) {
        return (request, response) -> {
            if (!hosts.allows(request.getHeader("Host"))) {
                response.sendError(421, "unknown host: start the server with --allowed-host NAME");
                return null;
            }
            String origin = request.getHeader("Origin");
            if (!origins.allows(origin, request.getHeader("Host"))) {
                response.sendForbidden("origin not allowed: " + origin);
                return null;
            }
            InetAddress address = request.getRemoteSocketAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
            if (!admit(address)) {
                connectionsRefused.incrementAndGet();
                response.sendError(429, "too many connections from this address (at most "
                        + config.guards().maxConnectionsPerAddress() + ")");
                return null;
            }
            response.setExtensions(config.permessageDeflate() ? Compression.bounded(request.getExtensions()) : List.of());
            return new Endpoint(address);
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
                endpoint.session.sendPing(EMPTY, Callback.NOOP);
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
        long sum = 0;
        for (int i = 0; i < refused.length(); i++) {
            sum += refused.get(i);
        }
        return sum;
    }

    /** {@code error} frames sent with this code. */
    public long refused(ErrorCode code) {
        return refused.get(code.ordinal());
    }

    public long connectionsRefused() {
        return connectionsRefused.get();
    }

    public long closedForAbuse() {
        return closedForAbuse.get();
    }

    /** Connections closed because their outbox overflowed (a peer that stopped reading). */
    public long closedSlowConsumers() {
        return closedSlowConsumers.get();
    }

    /** Counts a new connection from {@code address}, unless that would pass the per-address limit. */
    private boolean admit(InetAddress address) {
        int max = config.guards().maxConnectionsPerAddress();
        if (address == null) {
            return true;
        }
        AtomicInteger n = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
        if (max > 0 && n.incrementAndGet() > max) {
            release(address);
            return false;
        }
        if (max == 0) {
            n.incrementAndGet();
        }
        return true;
    }

    private void release(InetAddress address) {
        if (address != null) {
            perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    /** One connection. Public only because Jetty invokes listeners reflectively. */
    public final class Endpoint implements Session.Listener {
        private final InetAddress address;
        private Session session;
        private Peer peer;
        private Connection connection;
        private TokenBucket bucket;
        private Pace announcing;
        /** The message being read, when it comes in more than one piece. */
        private final MessageBuffer message = new MessageBuffer(config.limits().maxFrameBytes());
        private volatile long lastHeard = System.nanoTime();
        private final AtomicBoolean closed = new AtomicBoolean();

        Endpoint(InetAddress address) {
            this.address = address;
        }

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
            connection = new Connection(s, config.maxOutboxMessages(), tap, closedSlowConsumers, this::closed);
            peer = hub.connect(connection, address);
            connection.peerId(peer.id());
            bucket = new TokenBucket(config.limits().messagesPerSecond(), config.limits().messageBurst(), System.nanoTime());
            open.add(this);
            Guards g = config.guards();
            announcing = g.announcePerSecond() > 0 ? new Pace(g.announcePerSecond(), g.announceBurst(), System.nanoTime()) : null;
            connection.send(Codec.encode(new ServerMessage.Welcome(peer.id(),
                    config.ice().forPeer(peer.id(), Instant.now()), config.ice().policy(), config.limits(),
                    config.idleSeconds())));
            s.demand(); // frames are read on demand (demandIn): the first one now
        }

        /**
         * Every frame comes here, as Jetty reads it: a data frame in pieces (at most an input buffer, 1 KiB,
         * each), so a message is bounded and paced while it arrives rather than once it is whole. Most come
         * whole in one piece and are decoded straight from Jetty's buffer.
         */
        @Override
        public void onWebSocketFrame(Frame frame, Callback callback) {
            lastHeard = System.nanoTime();
            ByteBuffer payload = frame.hasPayload() ? frame.getPayload() : EMPTY;
            switch (frame.getOpCode()) { // the byte, not getType(): that copies the enum's values() per frame
                case OpCode.PING -> {
                    ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload.duplicate()).flip();
                    callback.succeed();
                    session.sendPong(copy, Callback.NOOP);
                    session.demand();
                }
                case OpCode.PONG -> {
                    callback.succeed();
                    session.demand();
                }
                case OpCode.CLOSE -> callback.succeed(); // Jetty answers it and closes
                default -> data(frame.getEffectiveOpCode() == OpCode.BINARY, frame.isFin(), payload, callback);
            }
        }

        /**
         * A piece of a text or binary message. Past its first piece, a message is read in turns with everyone
         * else's ({@link #inTurn}, docs/security.md, row d); past {@link Guards#LARGE_MESSAGE_BYTES}, it also
         * waits for the large-message pace.
         */
        private void data(boolean binary, boolean fin, ByteBuffer piece, Callback callback) {
            if (binary) {
                FrameTap t = tap.get();
                if (t != null) {
                    byte[] bytes = new byte[piece.remaining()];
                    piece.duplicate().get(bytes);
                    t.binary(peer.id(), bytes);
                }
            }
            String text = null;
            int before = message.length();
            try {
                if (fin && before == 0 && !binary) {
                    text = MessageBuffer.text(piece); // the usual case: a whole message in one piece
                } else if (!message.add(piece, !binary)) {
                    tooLarge();
                    return; // and no demand: nothing more of it is read
                } else if (fin && !binary) {
                    text = message.take();
                }
            } catch (CharacterCodingException e) {
                message.clear();
                LOG.info("closing {}: a text message that is not UTF-8", peer.id());
                connection.closeThenDrop(1007, "text is not valid UTF-8");
                return;
            } finally {
                callback.succeed(); // Jetty may reuse the piece's buffer from here on
            }
            if (text != null) {
                onMessage(text);
            } else if (fin) { // a binary message: never valid, page bytes never pass through the server
                message.clear();
                if (admitted()) {
                    refuse(new ProtocolException(ErrorCode.BINARY_FRAME, "frames are JSON text; page bytes never go through the server"));
                }
                session.demand();
            } else if (before == 0) {
                session.demand(); // most likely a small message cut by a read: its rest is in the next one
            } else {
                inTurn(largeMessagePace(before, message.length()));
            }
        }

        /** Nanoseconds until the large-message pace allows reading on, having read {@code before} → {@code bytes}. */
        private long largeMessagePace(int before, int bytes) {
            int large = bytes - Math.max(before, Guards.LARGE_MESSAGE_BYTES);
            if (large <= 0 || largeMessages == null) {
                return 0;
            }
            synchronized (largeMessages) {
                return largeMessages.debit(large, System.nanoTime());
            }
        }

        private void onMessage(String text) {
            int announced = 0;
            try {
                announced = handle(text);
            } finally {
                demandIn(announced == 0 || announcing == null ? 0 : announcing.debit(announced, System.nanoTime()));
            }
        }

        /**
         * A message over {@code maxFrameBytes}: closed with 1009, then dropped once the close frame is out, so
         * the server reads no more of a message it will not take (a sender that ignores the close would
         * otherwise be read until the idle timeout).
         */
        private void tooLarge() {
            message.clear();
            LOG.info("closing {}: a message over {} bytes", peer.id(), config.limits().maxFrameBytes());
            connection.closeThenDrop(1009, "message over maxFrameBytes (" + config.limits().maxFrameBytes() + " bytes)");
        }

        /** Handles one message; returns how many hashes it announced (what the announce pace counts). */
        private int handle(String text) {
            FrameTap t = tap.get();
            if (t != null) {
                t.frame(peer.id(), true, text);
            }
            if (!admitted()) {
                return 0;
            }
            try {
                ClientMessage m = Codec.parseClient(text, config.limits());
                if (m instanceof ClientMessage.Ping) {
                    connection.send(PONG); // liveness only: no roster involved
                    return 0;
                }
                hub.handle(peer, m);
                return m instanceof ClientMessage.Have h ? h.all().size() : 0;
            } catch (ProtocolException e) {
                refuse(e);
                return 0;
            }
        }

        /**
         * Asks Jetty for what comes next: on this thread at once (a {@code wait} of 0), or from the timer
         * thread after {@code wait} ns, when a pace allows. A peer announcing pages faster than the announce
         * pace, or sending large messages while the server reads its fill of them, is read more slowly (its
         * TCP window closes), so a roster fill is spread out instead of arriving as one burst of allocation
         * (docs/security.md, row c), and huge messages do not take the CPU from small ones (row d).
         */
        private void demandIn(long wait) {
            if (wait <= 0) {
                session.demand();
            } else {
                inTurn(wait);
            }
        }

        /**
         * Asks for what comes next from the timer thread, after {@code wait} ns (0: as soon as it gets to it),
         * so Jetty queues that read behind the other connections' instead of reading on at once on this one.
         */
        private void inTurn(long wait) {
            timers.schedule(this::demandLater, wait, TimeUnit.NANOSECONDS);
        }

        private void demandLater() {
            if (!closed.get()) {
                try {
                    session.demand();
                } catch (RuntimeException e) { // closed meanwhile
                    LOG.debug("demand: {}", e.toString());
                }
            }
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
                closedForAbuse.incrementAndGet();
                connection.close(1008, "rate limit exceeded");
            } else {
                refuse(new ProtocolException(ErrorCode.RATE_LIMITED,
                        "over " + config.limits().messagesPerSecond() + " messages/s; slow down"));
            }
            return false;
        }

        private void refuse(ProtocolException e) {
            refused.incrementAndGet(e.code().ordinal());
            connection.send(Codec.encode(new ServerMessage.Error(e.code(), e.getMessage(), e.ref())));
        }

        private void closed() {
            if (closed.compareAndSet(false, true)) {
                release(address);
                if (peer != null) {
                    open.remove(this);
                    hub.disconnect(peer);
                }
            }
        }
    }
}
