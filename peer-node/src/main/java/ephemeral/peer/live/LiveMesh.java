package ephemeral.peer.live;

import ephemeral.peer.rtc.Channel;
import ephemeral.peer.store.Page;
import ephemeral.protocol.Codec;
import ephemeral.protocol.ProtocolException;
import ephemeral.protocol.Timeouts;
import ephemeral.protocol.live.LiveKey;
import ephemeral.protocol.live.LiveVersion;
import ephemeral.protocol.live.Mesh;
import ephemeral.protocol.live.MeshMessage;
import ephemeral.protocol.signaling.ClientMessage;
import ephemeral.protocol.signaling.SignalData;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live page at one node (docs/protocol.md, "Live pages: the mesh"): the version it holds, its links to
 * other holders, and their upkeep. A version is taken only if signed by the page's key and preferred to the
 * one held; its page is pulled from the neighbour that announced it and verified, and only then is the
 * version announced on, to each neighbour not known to hold it. Runs on the node's owner thread.
 */
final class LiveMesh {
    private static final Logger LOG = LoggerFactory.getLogger(LiveMesh.class);
    private static final long MS = 1_000_000L;

    final LiveKey key;
    final String topic;
    private final MeshHost host;
    private final int minPeers;
    private final int maxPeers;
    private final long maxPageBytes;
    private LiveVersion current;
    /** Whether this mesh put {@code current}'s page in the store (and so takes it out when a newer one comes). */
    private boolean ownsPage;
    private LiveVersion target;
    private final List<Neighbour> sources = new ArrayList<>();
    private Pull pull;
    private LiveVersion equivocation;
    private final Map<String, Neighbour> neighbours = new LinkedHashMap<>();
    /** Links being made: peer → deadline (nanos). */
    private final Map<String, Long> pending = new HashMap<>();
    /** Peers whose handshake goes through a neighbour, not the server. */
    private final Map<String, Neighbour> relayVia = new HashMap<>();
    /** Peers not to try again until (nanos). */
    private final Map<String, Long> avoid = new HashMap<>();
    private final Set<String> liars = new HashSet<>();
    private boolean wantOut;
    private long wantNanos;
    private boolean haveSent;
    private long lastMoreNanos;
    private int moreTurn;
    /** The last {@code neighbours} answer named nobody new: the server is asked too. */
    private boolean dry;
    /** Others holding the page, as the server last counted (-1: not yet). */
    int holdersOnline = -1;
    long announcementsReceived;
    long messagesReceived;
    private final List<Consumer<LiveVersion>> listeners = new CopyOnWriteArrayList<>();

    LiveMesh(LiveKey key, MeshHost host, int minPeers, int maxPeers, long maxPageBytes) {
        this.key = key;
        this.topic = key.topic();
        this.host = host;
        this.minPeers = minPeers;
        this.maxPeers = maxPeers;
        this.maxPageBytes = Math.min(maxPageBytes, Mesh.MAX_PAGE_BYTES);
    }

    void addListener(Consumer<LiveVersion> l) {
        listeners.add(l);
    }

    void removeListener(Consumer<LiveVersion> l) {
        listeners.remove(l);
    }

    Optional<LiveVersion> current() {
        return Optional.ofNullable(current);
    }

    /** The other version of {@code current}'s seq when its author signed two, else null. */
    LiveVersion equivocation() {
        return equivocation;
    }

    /** The best version heard of, held or not. */
    LiveVersion newestKnown() {
        return best(current, target);
    }

    List<String> linkedPeers() {
        return linked().stream().map(n -> n.peer).toList();
    }

    /** (Re)joins the server's roster: holders {@code have} the topic, the rest {@code want} it. */
    void onWelcome() {
        haveSent = false;
        wantOut = false;
        pending.clear(); // pairings of the old connection are void; links made through neighbours stay
        relayVia.clear();
        if (current != null) {
            sendHave();
        }
    }

    /** The author's own new version: its page is held and it goes to every neighbour. */
    void publish(LiveVersion v, Page page) {
        if (!v.supersedes(key, current)) {
            throw new IllegalArgumentException("version " + v.seq() + " of " + v.key() + " is not one to take here (held: "
                    + (current == null ? "none" : "version " + current.seq()) + ")");
        }
        adopt(v, page);
    }

    void leave() {
        if (pull != null) {
            pull.cancel();
        }
        for (Neighbour n : List.copyOf(neighbours.values())) {
            n.channel.close();
        }
        if (wantOut) {
            host.send(new ClientMessage.Unwant(topic));
        }
        if (haveSent) {
            host.send(ClientMessage.Drop.of(List.of(topic)));
        }
        if (ownsPage && current != null) {
            host.release(current.hash());
        }
    }

    // ---- the server's pairings (rescue) ----

    /** The server paired this holder with a peer that has no link (a newcomer, or one rescued). */
    void onContentRequest(String from) {
        if (liarOrSelf(from) || neighbours.containsKey(from) || links() >= maxPeers + minPeers) {
            LOG.debug("{}: not linking to {} (refused, linked or full)", key, from);
            return;
        }
        boolean overflow = links() >= maxPeers;
        avoid.remove(from); // a server pairing is tried even with a peer that failed before (see exclusions)
        pending.put(from, System.nanoTime() + Mesh.LINK_WAIT_MS * MS);
        if (!host.openLive(from, topic, key.text(), ch -> attach(ch, true).overflow = overflow)) {
            pending.remove(from);
        }
    }

    /** The server paired this node with {@code holder}: it answers within ROUTED_WAIT_MS, as for a page, or not at all (full). */
    void onRouted(String holder) {
        if (!liarOrSelf(holder) && !neighbours.containsKey(holder)) {
            avoid.remove(holder);
            pending.put(holder, System.nanoTime() + Timeouts.ROUTED_WAIT_MS * MS);
        }
    }

    void onPeers(int holders) {
        holdersOnline = haveSent ? Math.max(0, holders - 1) : holders;
    }

    /** Whether a server-relayed offer from {@code from} is one this node waits for; its answer came, so the wait is the connection's now. */
    boolean expectsOffer(String from) {
        if (!pending.containsKey(from)) {
            return false;
        }
        pending.put(from, Math.max(pending.get(from), System.nanoTime() + Mesh.LINK_WAIT_MS * MS));
        return true;
    }

    /** A {@code live} channel the other side opened. */
    void onRemoteChannel(Channel ch) {
        String from = ch.remotePeer();
        if (liarOrSelf(from) || refused(from) && !pending.containsKey(from)
                || !pending.containsKey(from) && !neighbours.containsKey(from) && links() >= maxPeers) {
            ch.close();
            return;
        }
        attach(ch, false);
    }

    /** Signals of a connection this node makes through a neighbour go back through it; false: through the server. */
    boolean relay(String to, SignalData data) {
        Neighbour via = relayVia.get(to);
        if (via == null || via.channel.isClosed()) {
            return false;
        }
        via.send(MeshMessage.Relay.to(to, data));
        return true;
    }

    // ---- links ----

    private int links() {
        int n = neighbours.size();
        for (String p : pending.keySet()) {
            if (!neighbours.containsKey(p)) {
                n++;
            }
        }
        return n;
    }

    private boolean refused(String peer) {
        Long until = avoid.get(peer);
        return liarOrSelf(peer) || until != null && until - System.nanoTime() > 0;
    }

    /** The neighbours whose {@code hello} came. */
    private List<Neighbour> linked() {
        return neighbours.values().stream().filter(n -> n.helloSeen).toList();
    }

    private boolean liarOrSelf(String peer) {
        return liars.contains(peer) || peer.equals(host.selfId());
    }

    /** Takes a {@code live} channel as a link; returns its neighbour (the one kept when the pair has two). */
    private Neighbour attach(Channel ch, boolean outbound) {
        String peer = ch.remotePeer();
        Neighbour before = neighbours.get(peer);
        if (before != null) {
            // two links between one pair (both introduced each other at once): both sides keep the one
            // opened by the lower peer id, so they agree without a word
            String self = host.selfId();
            boolean keepNew = self != null && (outbound == (self.compareTo(peer) < 0)) && before.outbound != outbound;
            if (!keepNew) {
                ch.close();
                return before;
            }
            neighbours.remove(peer);
            before.channel.close();
        }
        Neighbour n = new Neighbour(peer, ch, outbound);
        neighbours.put(peer, n);
        pending.remove(peer);
        ch.setListener(new Channel.Listener() {
            @Override
            public void onOpen(Channel c) {
                opened(n);
            }

            @Override
            public void onText(Channel c, String text) {
                message(n, text);
            }

            @Override
            public void onBinary(Channel c, byte[] bytes) {
                drop(n, "a binary message on a live link", false);
            }

            @Override
            public void onClosed(Channel c) {
                closed(n);
            }
        });
        if (ch.isOpen()) {
            opened(n);
        }
        return n;
    }

    private void opened(Neighbour n) {
        n.openedNanos = System.nanoTime();
        n.send(new MeshMessage.Hello(key, current));
        if (current != null) {
            n.holds(current);
        }
    }

    private void closed(Neighbour n) {
        if (neighbours.get(n.peer) == n) {
            neighbours.remove(n.peer);
            LOG.debug("{}: link to {} closed ({} left)", key, n.shortId(), neighbours.size());
        }
        relayVia.values().removeIf(v -> v == n);
        sources.remove(n);
        if (pull != null && pull.from == n) {
            pull.cancel();
        }
    }

    /** Closes a link that broke the rules; a liar is never linked again for this page. */
    private void drop(Neighbour n, String why, boolean lie) {
        LOG.info("{}: dropping {}: {}", key, n.shortId(), why);
        if (lie) {
            liars.add(n.peer);
            host.liar(n.peer);
        } else {
            avoid.put(n.peer, System.nanoTime() + Mesh.RETRY_PEER_MS * MS);
        }
        n.channel.close();
    }

    // ---- messages ----

    private void message(Neighbour n, String text) {
        MeshMessage m;
        try {
            Optional<MeshMessage> read = Codec.parseMesh(text);
            if (read.isEmpty()) {
                return; // a newer peer's message
            }
            m = read.get();
        } catch (ProtocolException e) {
            drop(n, "a malformed message: " + e.getMessage(), true);
            return;
        }
        boolean isRelay = m instanceof MeshMessage.Relay;
        if (!n.allow(isRelay, Mesh.MESSAGES_PER_SECOND, Mesh.RELAYS_PER_SECOND)) {
            if (!isRelay) {
                drop(n, "over " + Mesh.MESSAGES_PER_SECOND + " messages a second", false);
            }
            return; // a relay over its rate is dropped: that handshake times out
        }
        messagesReceived++;
        if (!n.helloSeen && !(m instanceof MeshMessage.Hello)) {
            drop(n, "no hello first", true);
            return;
        }
        if (m instanceof MeshMessage.Hello h) {
            if (n.helloSeen || !h.key().equals(key)) {
                drop(n, n.helloSeen ? "a second hello" : "a hello for another page", true);
                return;
            }
            n.helloSeen = true;
            if (h.version() != null) {
                consider(n, h.version());
            }
            announceTo(n);
        } else if (m instanceof MeshMessage.Version v) {
            announcementsReceived++;
            consider(n, v.version());
        } else if (m instanceof MeshMessage.More) {
            List<String> ids = new ArrayList<>(linkedPeers());
            ids.remove(n.peer);
            Collections.shuffle(ids);
            n.send(new MeshMessage.Neighbours(ids.subList(0, Math.min(ids.size(), MeshMessage.MAX_NEIGHBOURS))));
        } else if (m instanceof MeshMessage.Neighbours list) {
            introduce(n, list.peers());
        } else if (m instanceof MeshMessage.Relay r) {
            if (r.to() != null) {
                Neighbour to = neighbours.get(r.to());
                if (to == null || !to.helloSeen) {
                    n.send(new MeshMessage.RelayFailed(r.to(), MeshMessage.RelayFailed.GONE));
                } else {
                    to.send(MeshMessage.Relay.from(n.peer, r.data()));
                }
            } else {
                relayed(n, r.from(), r.data());
            }
        } else if (m instanceof MeshMessage.RelayFailed f) {
            Neighbour initiator = neighbours.get(f.peer());
            if (relayVia.get(f.peer()) == n) { // our handshake through n
                relayVia.remove(f.peer());
                pending.remove(f.peer());
                Neighbour half = neighbours.get(f.peer());
                if (half != null && !half.helloSeen) {
                    neighbours.remove(f.peer());
                    half.channel.close();
                }
                host.dropSession(f.peer(), topic);
                avoid.put(f.peer(), System.nanoTime() + Mesh.RETRY_PEER_MS * MS);
            } else if (initiator != null && initiator != n && initiator.helloSeen) { // n refused a handshake we relayed
                initiator.send(new MeshMessage.RelayFailed(n.peer, f.reason()));
            }
        }
    }

    /** A handshake from {@code from} through neighbour {@code via}. */
    private void relayed(Neighbour via, String from, SignalData data) {
        boolean offer = data.sdp() != null && data.sdp().isOffer();
        if (offer) {
            Neighbour mine = neighbours.get(from);
            if (liarOrSelf(from)) {
                return;
            }
            // a peer avoided after a failure may try again: dropping its offer unanswered would stall it for
            // LINK_WAIT_MS and make it avoid this node in turn, so two healthy holders could shun each other
            avoid.remove(from);
            if (mine != null) {
                if (mine.helloSeen || !mine.outbound) {
                    return; // linked already
                }
                // both offered at once (each introduced by another neighbour): the lower peer id's offer wins
                String self = host.selfId();
                if (self == null || self.compareTo(from) < 0) {
                    return;
                }
                neighbours.remove(from);
                mine.channel.close();
                host.dropSession(from, topic);
            } else if (links() >= maxPeers) {
                via.send(new MeshMessage.RelayFailed(from, MeshMessage.RelayFailed.FULL));
                return;
            }
            pending.put(from, System.nanoTime() + Mesh.LINK_WAIT_MS * MS);
        } else if (!pending.containsKey(from) && !neighbours.containsKey(from)) {
            return;
        }
        relayVia.put(from, via);
        host.signal(from, topic, data);
    }

    /** Links to peers a neighbour named, through it: as many as this node lacks of {@code minPeers}, within {@code maxPeers}. */
    private void introduce(Neighbour via, List<String> peers) {
        long lacking = minPeers - linked().size();
        List<String> fresh = new ArrayList<>();
        for (String p : new LinkedHashSet<>(peers)) {
            if (!refused(p) && !neighbours.containsKey(p) && !pending.containsKey(p)) {
                fresh.add(p);
            }
        }
        dry = fresh.isEmpty();
        Collections.shuffle(fresh);
        for (String p : fresh) {
            if (lacking-- <= 0 || links() >= maxPeers) {
                break;
            }
            pending.put(p, System.nanoTime() + Mesh.LINK_WAIT_MS * MS);
            relayVia.put(p, via);
            if (!host.openLive(p, topic, key.text(), ch -> attach(ch, true))) {
                pending.remove(p);
                relayVia.remove(p);
            }
        }
    }

    // ---- versions ----

    private void consider(Neighbour n, LiveVersion v) {
        if (!v.key().equals(key) || !v.verify()) {
            drop(n, "a version that is not signed by this page's key", true);
            return;
        }
        if (n.told != null && LiveVersion.PREFERENCE.compare(v, n.told) < 0) {
            drop(n, "seq " + v.seq() + " after it had announced " + n.told.seq() + " (a replay)", true);
            return;
        }
        n.told = v;
        n.holds(v);
        noteEquivocation(v);
        LiveVersion best = best(current, target);
        if (best == null || LiveVersion.PREFERENCE.compare(v, best) > 0) {
            if (v.size() > maxPageBytes) {
                LOG.warn("{}: version {} names a page of {} bytes, over this node's limit of {}", key, v.seq(), v.size(), maxPageBytes);
                return;
            }
            target = v;
            sources.clear();
            sources.add(n);
            startPull();
        } else if (v.equals(target) && !sources.contains(n)) {
            sources.add(n);
            if (pull == null) {
                startPull();
            }
        }
    }

    private void noteEquivocation(LiveVersion v) {
        for (LiveVersion other : new LiveVersion[] {current, target}) {
            if (v.equivocates(other)) {
                LiveVersion loser = LiveVersion.PREFERENCE.compare(v, other) > 0 ? other : v;
                if (equivocation == null || loser.seq() >= equivocation.seq()) {
                    equivocation = loser;
                    LOG.warn("{}: the author signed two versions {} (pages {} and {}); every peer keeps {}", key,
                            v.seq(), v.hash(), other.hash(), best(v, other).hash());
                }
            }
        }
    }

    private void startPull() {
        if (target == null || pull != null && pull.version.equals(target)) {
            return;
        }
        if (pull != null) {
            pull.cancel(); // for an older version: the newer one replaces it
            return; // pulled() starts the next
        }
        if (host.holds(target.hash())) {
            adopt(target, null);
            return;
        }
        for (Neighbour s : sources) {
            if (s.channel.isOpen()) {
                pull = new Pull(s, target, this::pulled);
                return;
            }
        }
    }

    private void pulled(Pull p) {
        if (pull == p) {
            pull = null;
        }
        if (p.result == Pull.Result.OK) {
            if (best(current, p.version) == p.version && !p.version.equals(current)) {
                adopt(p.version, new Page(p.version.hash(), p.bytes(), null, null));
            }
        } else {
            sources.remove(p.from);
            if (p.result == Pull.Result.LIE) {
                drop(p.from, "the page of version " + p.version.seq() + ": " + p.why, true);
            } else {
                LOG.debug("{}: pulling version {} from {} failed: {}", key, p.version.seq(), p.from.shortId(), p.why);
            }
        }
        startPull();
    }

    /** Takes a verified version: holds its page, lets go of the older one, tells the neighbours. */
    private void adopt(LiveVersion v, Page page) {
        boolean owns = false;
        if (page != null && !host.holds(v.hash())) {
            if (!host.hold(page)) {
                LOG.warn("{}: no room for version {} ({} bytes)", key, v.seq(), v.size());
                return;
            }
            owns = true;
        }
        LiveVersion before = current;
        if (before != null && ownsPage && !before.hash().equals(v.hash())) {
            host.release(before.hash());
        }
        current = v;
        ownsPage = owns || before != null && ownsPage && before.hash().equals(v.hash());
        if (target != null && LiveVersion.PREFERENCE.compare(target, v) <= 0) {
            target = null;
            sources.clear();
            if (pull != null) {
                pull.cancel();
            }
        }
        LOG.info("{}: holding version {} ({} bytes)", key, v.seq(), v.size());
        sendHave();
        for (Neighbour n : neighbours.values()) {
            announceTo(n);
        }
        listeners.forEach(l -> l.accept(v));
    }

    private void announceTo(Neighbour n) {
        if (current != null && n.helloSeen && n.holds(current)) {
            n.send(new MeshMessage.Version(current));
        }
    }

    private void sendHave() {
        if (!haveSent) {
            haveSent = true;
            host.send(ClientMessage.Have.of(List.of(topic)));
        }
    }

    // ---- upkeep ----

    void tick() {
        long now = System.nanoTime();
        if (pull != null) {
            pull.tick(now);
        }
        for (Neighbour n : List.copyOf(neighbours.values())) {
            if (n.openedNanos == 0 && now - n.attachedNanos > Mesh.LINK_WAIT_MS * MS) {
                drop(n, "no connection", false);
            } else if (!n.helloSeen && n.openedNanos != 0 && now - n.openedNanos > Mesh.HELLO_WAIT_MS * MS) {
                drop(n, "no hello", false);
            } else if (n.overflow && neighbours.size() > maxPeers && now - n.attachedNanos > Mesh.OVERFLOW_GRACE_MS * MS) {
                LOG.debug("{}: closing the extra link to {}", key, n.shortId());
                n.channel.close(); // not a fault: it has met others through this one by now
            } else if (n.overflow && neighbours.size() <= maxPeers) {
                n.overflow = false;
            }
        }
        pending.entrySet().removeIf(e -> {
            if (e.getValue() - now > 0) {
                return false;
            }
            avoid.put(e.getKey(), now + Mesh.RETRY_PEER_MS * MS);
            relayVia.remove(e.getKey());
            host.dropSession(e.getKey(), topic);
            return true;
        });
        avoid.values().removeIf(until -> until - now <= 0);
        // links still being made do not count: one stuck on a peer that left would hold off healing for LINK_WAIT_MS
        List<Neighbour> linked = linked();
        if (linked.size() < minPeers) {
            if (!linked.isEmpty() && now - lastMoreNanos > Mesh.MORE_EVERY_MS * MS) {
                lastMoreNanos = now;
                linked.get(Math.floorMod(moreTurn++, linked.size())).send(new MeshMessage.More());
            }
            boolean rescue = linked.isEmpty() || dry;
            if (rescue && (!wantOut || now - wantNanos > Timeouts.ROUTED_WAIT_MS * MS) && host.selfId() != null) {
                wantOut = true;
                wantNanos = now;
                host.send(new ClientMessage.Want(topic, exclusions()));
            }
        } else if (wantOut) {
            wantOut = false;
            host.send(new ClientMessage.Unwant(topic));
        }
    }

    /**
     * A rescue {@code want} leaves out the linked, the linking and the liars, and the peers given up on for a
     * failure only while other holders remain: once they would leave nobody, they are asked again (a failure
     * in the rush after many holders left is often passing; without this, a holder could stay short of links
     * for the whole RETRY_PEER_MS).
     */
    private Set<String> exclusions() {
        Set<String> out = new LinkedHashSet<>(neighbours.keySet());
        out.addAll(pending.keySet());
        out.addAll(liars);
        Set<String> withAvoided = new LinkedHashSet<>(out);
        withAvoided.addAll(avoid.keySet());
        if (holdersOnline < 0 || withAvoided.size() < holdersOnline) {
            out = withAvoided;
        }
        List<String> all = new ArrayList<>(out);
        return new LinkedHashSet<>(all.subList(0, Math.min(all.size(), host.maxExclude())));
    }

    void sendUnchecked(String text) {
        neighbours.values().forEach(n -> n.channel.sendText(text));
    }

    private static LiveVersion best(LiveVersion a, LiveVersion b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return LiveVersion.PREFERENCE.compare(a, b) >= 0 ? a : b;
    }
}
