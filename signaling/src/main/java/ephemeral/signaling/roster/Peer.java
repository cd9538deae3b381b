package ephemeral.signaling.roster;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
    /** content_requests this peer's wants sent to each holder, over all pages; the oldest forgotten first. */
    private final LinkedHashMap<String, Rate> toHolders = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Rate> eldest) {
            return size() > MAX_PAIRINGS;
        }
    };

    /** One wanted page: its route budget, and whether a deferred route is already scheduled. */
    static final class Want {
        final Rate routes = new Rate();
        boolean retryScheduled;
    }
    /** (holder, hash) → expiry (System.nanoTime) of the pairing made by routing this peer's want. */
    final LinkedHashMap<Pairing, Long> pairings = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Pairing, Long> eldest) {
            return size() > MAX_PAIRINGS;
        }
    };

    /** Refers to strings the rosters hold anyway, so a pairing costs a few dozen bytes, not a new string. */
    record Pairing(String holderId, String hash) {
    }

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
        Pairing key = new Pairing(holderId, hash);
        pairings.remove(key); // re-insert so a refreshed pairing counts as newest
        pairings.put(key, expiresAt);
    }

    Rate toHolder(String holderId) {
        return toHolders.computeIfAbsent(holderId, h -> new Rate());
    }

    Rate toHolderIfAny(String holderId) {
        return toHolders.get(holderId);
    }

    boolean pairedWith(String holderId, String hash, long now) {
        Long expiresAt = pairings.get(new Pairing(holderId, hash));
        return expiresAt != null && expiresAt - now > 0;
    }
}
