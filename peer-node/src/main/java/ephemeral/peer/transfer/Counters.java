package ephemeral.peer.transfer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Live counters of one node's transfers; read by {@code PeerNode.stats()}. */
public final class Counters {
    public final AtomicLong transfersServed = new AtomicLong();
    public final AtomicLong bytesServed = new AtomicLong();
    public final AtomicLong servesFailed = new AtomicLong();
    public final AtomicLong servesRefusedBusy = new AtomicLong();
    public final AtomicLong activeServes = new AtomicLong();
    public final AtomicLong pagesFetched = new AtomicLong();
    public final AtomicLong bytesFetched = new AtomicLong();
    public final AtomicLong verifyFailures = new AtomicLong();
    public final AtomicLong holdersAbandoned = new AtomicLong();
    public final AtomicLong liarsFound = new AtomicLong();
    /** The peer ids of the latest liars found (at most {@code RECENT_LIARS}), oldest first. */
    private final LinkedHashSet<String> recentLiars = new LinkedHashSet<>();
    private static final int RECENT_LIARS = 64;

    public synchronized void liar(String peer) {
        liarsFound.incrementAndGet();
        recentLiars.remove(peer);
        recentLiars.add(peer);
        if (recentLiars.size() > RECENT_LIARS) {
            recentLiars.remove(recentLiars.iterator().next());
        }
    }

    public synchronized List<String> recentLiars() {
        return new ArrayList<>(recentLiars);
    }
}
