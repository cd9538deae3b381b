package ephemeral.peer.transfer;

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
}
