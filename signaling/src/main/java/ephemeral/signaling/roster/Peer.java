package ephemeral.signaling.roster;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** One connection's roster state. Guarded by the {@link Hub}'s lock. */
public final class Peer {
    /**
     * Pairings are kept on the wanter's side only, newest last. A wanter with more live pairings than this
     * is retrying far faster than any transfer can start, so the oldest can safely be forgotten; the bound
     * keeps a flood of wants from growing memory.
     */
    static final int MAX_PAIRINGS = 256;

    private final String id;
    private final Outbox outbox;
    /** The cluster node this peer is connected to, or null if it is connected here (docs/cluster.md). */
    final String node;
    /** Where this connection comes from: its entries count toward that address's share. */
    final Source source;
    final Set<String> held = new HashSet<>();
    /** Pages this peer wants, each with how fast its want may be routed. */
    final Map<String, Want> wanted = new HashMap<>();
    /** Set while this peer offers itself as a volunteer seed. */
    Volunteer volunteer;
    /** For a volunteer here: keep requests other cluster nodes sent it, page → the asking node; null if none. */
    Map<String, String> keepsFor;
    /** Keep requests this peer asked for that are still waiting for a volunteer's answer. */
    int keepsWaiting;
    /** content_requests this peer has been sent as a holder. */
    final Rate asHolder = new Rate();
    /**
     * content_requests this peer's wants sent to each holder, over all pages, as token buckets (time: last
     * use, amount: tokens); the least recently used forgotten first. Made on this peer's first routed want.
     */
    private PairTable toHolders;

    /** One wanted page: its route budget, and whether a deferred route is already scheduled. */
    static final class Want {
        final Rate routes = new Rate();
        boolean retryScheduled;
    }
    /**
     * (holder, hash) → expiry (System.nanoTime, the row's time) of the pairing made by routing this peer's
     * want; the oldest made forgotten first. Made on this peer's first pairing.
     */
    private PairTable pairings;

    Peer(String id, Outbox outbox, Source source) {
        this(id, outbox, source, null);
    }

    Peer(String id, Outbox outbox, Source source, String node) {
        this.id = id;
        this.outbox = outbox;
        this.source = source;
        this.node = node;
    }

    /** A stand-in for a peer of another cluster node: its frames go to that node, which delivers them. */
    boolean remote() {
        return node != null;
    }

    public String id() {
        return id;
    }

    void send(String frame) {
        outbox.send(frame);
    }

    void pair(String holderId, String hash, long expiresAt) {
        if (pairings == null) {
            pairings = new PairTable(MAX_PAIRINGS);
        }
        pairings.time(pairings.put(holderId, hash), expiresAt); // a refreshed pairing counts as newest
    }

    boolean pairedWith(String holderId, String hash, long now) {
        int row = pairings == null ? -1 : pairings.find(holderId, hash);
        return row >= 0 && pairings.time(row) - now > 0;
    }

    /** Whether this peer's wants may be routed to that holder now; a pair that never met has a full bucket. */
    boolean mayAsk(String holderId, long now, double perSecond) {
        int row = toHolders == null ? -1 : toHolders.find(holderId, null);
        if (row < 0) {
            return true;
        }
        toHolders.touch(row);
        return refill(row, now, perSecond) >= 1;
    }

    /** Counts one request from this peer's wants to that holder. */
    void asked(String holderId, long now, double perSecond) {
        if (toHolders == null) {
            toHolders = new PairTable(MAX_PAIRINGS);
        }
        int row = toHolders.put(holderId, null);
        toHolders.amount(row, refill(row, now, perSecond) - 1);
    }

    /** Brings that holder's bucket up to {@code now} and returns its tokens. */
    private double refill(int row, long now, double perSecond) {
        double tokens = Rate.refilled(toHolders.amount(row), toHolders.time(row), now, perSecond);
        toHolders.amount(row, tokens);
        toHolders.time(row, now);
        return tokens;
    }

    /** Forgets its pairings (it left). */
    void forgetPairings() {
        if (pairings != null) {
            pairings.clear();
        }
    }
}
