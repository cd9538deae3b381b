package ephemeral.signaling.ws;

import ephemeral.signaling.FrameTap;
import ephemeral.signaling.roster.Outbox;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's outbox. Jetty queues asynchronous sends per session and writes them in order; this
 * class bounds that queue, so a peer that stops reading is dropped instead of growing the server's memory,
 * and never makes a sender wait. (The kernel's socket buffers take a few MB before the bound is reached.)
 */
final class Connection implements Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    private final Session session;
    private final int maxQueued;
    private final Supplier<FrameTap> tap;
    /** Shared by all connections: how many were closed as slow consumers. */
    private final AtomicLong closedSlow;
    private final Runnable dropped;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile String peerId = "";
    private final Callback sent = Callback.from(queued::decrementAndGet, failure -> queued.decrementAndGet());

    /**
     * @param dropped run once when this connection is dropped as a slow consumer (its peer leaves the rosters)
     */
    Connection(Session session, int maxQueued, Supplier<FrameTap> tap, AtomicLong closedSlow, Runnable dropped) {
        this.dropped = dropped;
        this.session = session;
        this.maxQueued = maxQueued;
        this.tap = tap;
        this.closedSlow = closedSlow;
    }

    void peerId(String id) {
        this.peerId = id;
    }

    @Override
    public void send(String frame) {
        if (closing.get()) {
            return;
        }
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            if (closing.compareAndSet(false, true)) {
                // a close frame would wait behind everything it does not read: drop the connection at once,
                // and its peer leaves every roster now rather than when the heartbeat finds it silent
                LOG.warn("dropping {}: {} frames queued and unread", peerId, maxQueued);
                closedSlow.incrementAndGet();
                session.disconnect();
                // not run here: send may be called under the Hub's lock, amid an iteration over a roster
                CompletableFuture.runAsync(dropped);
            }
            return;
        }
        FrameTap t = tap.get();
        if (t != null) {
            t.frame(peerId, false, frame);
        }
        session.sendText(frame, sent);
    }

    /** Closes once, then drops the connection as soon as the close frame is written (or could not be). */
    void closeThenDrop(int status, String reason) {
        close(status, reason, Callback.from(session::disconnect, failure -> session.disconnect()));
    }

    /** Closes once; the peer may still send until it answers the close. */
    void close(int status, String reason) {
        close(status, reason, Callback.NOOP);
    }

    private void close(int status, String reason, Callback written) {
        if (closing.compareAndSet(false, true)) {
            session.close(status, reason, written);
        }
    }
}
