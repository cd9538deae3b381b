package ephemeral.peer.signaling;

import ephemeral.protocol.Codec;
import ephemeral.protocol.Limits;
import ephemeral.protocol.Timeouts;
import ephemeral.protocol.signaling.ClientMessage;
import ephemeral.protocol.signaling.ServerMessage;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket to the signaling server, reconnected with exponential backoff. Messages sent while
 * disconnected are dropped: after each {@code welcome} the owner re-announces its state (have, want).
 *
 * <p>The outbox is paced by a token bucket below the server's {@code messagesPerSecond}/{@code messageBurst}
 * (a burst of ICE candidates or re-announcements must not get this peer refused or disconnected),
 * and only one frame is in flight at a time, as {@link WebSocket} requires.
 * Listener calls run on the owner's executor, in arrival order.
 */
public final class SignalingClient {
    private static final Logger LOG = LoggerFactory.getLogger(SignalingClient.class);
    private static final long MAX_BACKOFF_MS = 10_000;
    /** Messages waiting for the rate limit; past this, new ones are dropped rather than growing memory. */
    static final int MAX_OUTBOX = 10_000;
    /**
     * Messages received and not yet handled by the owner. Past this, new ones are dropped instead of
     * queued: peers flooding this one through the server (signals, requests) must not grow its memory,
     * and what is dropped is what their own clocks already cope with losing. A {@code welcome} is never
     * dropped: everything after it depends on it.
     */
    static final int MAX_INBOX = 10_000;

    /** Called on the owner's executor. */
    public interface Listener {
        void onMessage(ServerMessage message);

        void onDisconnected();
    }

    private final ServerUrl url;
    private final Executor owner;
    private final ScheduledExecutorService timer;
    private final Listener listener;
    private final HttpClient http;
    private final int maxInbox;
    private final AtomicInteger inbox = new AtomicInteger();
    private final AtomicLong droppedInbound = new AtomicLong();

    private final Object lock = new Object();
    private final ArrayDeque<String> outbox = new ArrayDeque<>();
    private WebSocket ws;
    private boolean sending;
    private boolean closed;
    private long backoffMs = 250;
    private double tokens;
    private double ratePerMs = 0.15;
    private double burst = 200;
    private long lastRefill = System.nanoTime();
    private long connects;
    /** When the server was last heard from (any frame, or a ping), System.nanoTime(). */
    private volatile long lastHeardNanos = System.nanoTime();
    private final long silentNanos;
    private ScheduledFuture<?> watchdog;

    public SignalingClient(ServerUrl url, Executor owner, ScheduledExecutorService timer, Listener listener, Duration silence) {
        this(url, owner, timer, listener, MAX_INBOX, silence);
    }

    SignalingClient(ServerUrl url, Executor owner, ScheduledExecutorService timer, Listener listener, int maxInbox) {
        this(url, owner, timer, listener, maxInbox, Duration.ofMillis(Timeouts.SERVER_SILENT_MS));
    }

    SignalingClient(ServerUrl url, Executor owner, ScheduledExecutorService timer, Listener listener, int maxInbox,
                    Duration silence) {
        this.silentNanos = silence.toNanos();
        this.maxInbox = maxInbox;
        this.url = url;
        this.owner = owner;
        this.timer = timer;
        this.listener = listener;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.tokens = burst;
    }

    public void start() {
        long every = Math.max(100, silentNanos / 1_000_000 / 10);
        watchdog = timer.scheduleWithFixedDelay(this::watch, every, every, TimeUnit.MILLISECONDS);
        connect();
    }

    /** Drops the current connection on purpose (e.g. for fresh TURN credentials); the usual reconnect follows. */
    public void reconnect() {
        WebSocket w;
        synchronized (lock) {
            w = ws;
        }
        if (w != null) {
            w.abort();
            lost(w);
        }
    }

    /** A connection the server has been silent on for too long is dropped, so the usual reconnect follows. */
    private void watch() {
        WebSocket w;
        synchronized (lock) {
            w = ws;
        }
        if (w != null && System.nanoTime() - lastHeardNanos > silentNanos) {
            LOG.info("no word from the signaling server for {} s (a dropped network?): reconnecting", silentNanos / 1_000_000_000);
            w.abort();
            lost(w);
        }
    }

    /** Messages from the server dropped because the owner had {@link #MAX_INBOX} still to handle. */
    public long droppedInbound() {
        return droppedInbound.get();
    }

    /** Number of successful WebSocket connections so far (reconnects = connects - 1). */
    public long connects() {
        synchronized (lock) {
            return connects;
        }
    }

    /** Applies the server's limits with a safety margin. */
    public void setLimits(Limits limits) {
        synchronized (lock) {
            ratePerMs = Math.max(1, limits.messagesPerSecond() * 0.8) / 1000.0;
            burst = Math.max(1, limits.messageBurst() / 2.0);
            tokens = Math.min(tokens, burst);
        }
    }

    public void send(ClientMessage message) {
        String text = Codec.encode(message);
        synchronized (lock) {
            if (ws == null || closed) {
                LOG.debug("not connected, dropping {}", text);
                return;
            }
            if (outbox.size() >= MAX_OUTBOX) {
                LOG.warn("signaling outbox full ({} messages): dropping {}", MAX_OUTBOX, abbreviate(text));
                return;
            }
            outbox.add(text);
        }
        pump();
    }

    public void close() {
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        WebSocket w;
        synchronized (lock) {
            closed = true;
            w = ws;
            ws = null;
            outbox.clear();
        }
        if (w != null) {
            w.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS)
                    .whenComplete((r, e) -> w.abort());
        }
    }

    private void connect() {
        synchronized (lock) {
            if (closed) {
                return;
            }
        }
        LOG.debug("connecting to {}", url.webSocket());
        http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(url.webSocket(), new Receiver())
                .whenComplete((w, e) -> {
                    if (e != null) {
                        LOG.debug("cannot connect to {}: {}", url.webSocket(), e.toString());
                        scheduleReconnect();
                        return;
                    }
                });
    }

    private void scheduleReconnect() {
        long delay;
        synchronized (lock) {
            if (closed) {
                return;
            }
            delay = backoffMs;
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
        timer.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private void lost(WebSocket w) {
        boolean wasCurrent;
        synchronized (lock) {
            wasCurrent = ws == w;
            if (wasCurrent) {
                ws = null;
                outbox.clear();
                sending = false;
            }
        }
        if (wasCurrent) {
            owner.execute(listener::onDisconnected);
            scheduleReconnect();
        }
    }

    /** Sends the next frame if none is in flight and a token is available; otherwise retries later. */
    private void pump() {
        WebSocket w;
        String text;
        long waitMs = 0;
        synchronized (lock) {
            if (sending || ws == null || outbox.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - lastRefill) / 1e6 * ratePerMs);
            lastRefill = now;
            if (tokens < 1) {
                waitMs = (long) Math.ceil((1 - tokens) / ratePerMs);
                text = null;
                w = null;
                sending = true; // the timer owns the next attempt
            } else {
                tokens -= 1;
                text = outbox.poll();
                w = ws;
                sending = true;
            }
        }
        if (text == null) {
            timer.schedule(() -> {
                synchronized (lock) {
                    sending = false;
                }
                pump();
            }, Math.max(1, waitMs), TimeUnit.MILLISECONDS);
            return;
        }
        w.sendText(text, true).whenComplete((r, e) -> {
            synchronized (lock) {
                sending = false;
            }
            if (e != null) {
                LOG.debug("send failed: {}", e.toString());
                w.abort();
                lost(w);
                return;
            }
            pump();
        });
    }

    private final class Receiver implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            // Set here, not when buildAsync completes: the welcome (and our replies to it) can come first.
            boolean keep;
            synchronized (lock) {
                keep = !closed;
                if (keep) {
                    ws = webSocket;
                    sending = false;
                    outbox.clear();
                    connects++;
                    backoffMs = 250;
                    lastHeardNanos = System.nanoTime();
                }
            }
            if (!keep) {
                webSocket.abort();
                return;
            }
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            lastHeardNanos = System.nanoTime();
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    // a message type this version does not know is skipped (docs/protocol.md, compatibility)
                    Codec.parseServer(text).ifPresent(this::hand);
                } catch (RuntimeException e) {
                    LOG.warn("ignoring a bad message from the server ({}): {}", e.getMessage(), abbreviate(text));
                }
            }
            webSocket.request(1);
            return null;
        }

        private void hand(ServerMessage m) {
            if (!(m instanceof ServerMessage.Welcome) && inbox.get() >= maxInbox) {
                if (droppedInbound.getAndIncrement() % 1_000 == 0) {
                    LOG.warn("{} server messages not yet handled: dropping new ones ({} so far)", maxInbox, droppedInbound.get());
                }
                return;
            }
            inbox.incrementAndGet();
            owner.execute(() -> {
                inbox.decrementAndGet();
                listener.onMessage(m);
            });
        }

        /** The server pings every 15 s: proof it is there even when nothing else happens (the pong is automatic). */
        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
            lastHeardNanos = System.nanoTime();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, java.nio.ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (!isClosed()) { // after our own close() the server merely echoes it
                LOG.info("signaling connection closed by server: {} {}", statusCode, reason);
            }
            lost(webSocket);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (!isClosed()) {
                LOG.info("signaling connection lost: {}", error.toString());
            }
            lost(webSocket);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
