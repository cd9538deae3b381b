package ephemeral.signaling.roster;

import ephemeral.protocol.Codec;
import ephemeral.protocol.ErrorCode;
import ephemeral.protocol.Ids;
import ephemeral.protocol.Limits;
import ephemeral.protocol.ProtocolException;
import ephemeral.protocol.signaling.ClientMessage;
import ephemeral.protocol.signaling.ServerMessage;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The have/want rosters of every page, the 1/N routing of wants, the pairings that authorise signals,
 * and the coalesced peer counts. One lock guards all of it: every operation is a few map updates, so a
 * single lock is faster than fine-grained ones and makes multi-page updates (a disconnect) atomic.
 * Frames are handed to non-blocking outboxes, so holding the lock never waits on a socket. A relayed
 * signal, the bulk of the traffic, holds it only to check its pairing.
 *
 * <p>In a cluster (docs/cluster.md) every node holds every roster: peers of other nodes are stand-ins
 * ({@link Peer#remote()}) that the {@code remote*} methods keep up to date, and this node's own changes go to
 * the {@link Replica} as they happen. So a want is routed here, uniformly over the holders of all nodes, with
 * no round trip; only the request to a holder of another node, and signals to its peers, travel.
 */
public final class Hub {
    private final Object lock = new Object();
    private final Map<String, Peer> peers = new HashMap<>();
    private final Map<String, Page> pages = new HashMap<>();
    private final Map<String, Source> sources = new HashMap<>();
    private final SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());
    private final Limits limits;
    private final long countsIntervalNanos;
    private final ScheduledExecutorService scheduler;
    private int holderEntries;
    private int wanterEntries;
    private final Router router;
    private final Keeper keeper;
    private final Fairness fairness;
    private final int maxRosterEntries;
    private final int maxHolderEntries;
    private final int maxEntriesPerSource;
    private final AtomicLong reports = new AtomicLong();
    private final AtomicLong signalsRelayed = new AtomicLong();
    private final AtomicLong peersMessagesSent = new AtomicLong();
    /** Stand-ins for peers of other cluster nodes, by node. */
    private final Map<String, Set<Peer>> remote = new HashMap<>();
    private volatile Replica replica = Replica.NONE;

    /**
     * @param maxRosterEntries    holder plus wanter entries over all pages
     * @param maxHolderEntries    of those, how many holders may fill (the rest is kept for wants)
     * @param maxEntriesPerSource entries of all connections from one address; 0 = no limit
     */
    public Hub(Limits limits, Fairness fairness, int maxRosterEntries, int maxHolderEntries, int maxEntriesPerSource,
               int peersIntervalMillis, ScheduledExecutorService scheduler) {
        this.fairness = fairness;
        this.maxRosterEntries = maxRosterEntries;
        this.maxHolderEntries = maxHolderEntries;
        this.maxEntriesPerSource = maxEntriesPerSource;
        this.router = new Router(fairness, limits.pairingSeconds(), random, scheduler, lock, pages::get, () -> replica);
        this.keeper = new Keeper(random, scheduler, lock, pages::get, () -> replica);
        this.limits = limits;
        this.countsIntervalNanos = TimeUnit.MILLISECONDS.toNanos(peersIntervalMillis);
        this.scheduler = scheduler;
    }

    /** A new connection from {@code address} (null: unknown). */
    public Peer connect(Outbox outbox, InetAddress address) {
        synchronized (lock) {
            Source source = sources.computeIfAbsent(Source.keyOf(address), Source::of);
            source.peers++;
            Peer peer;
            do {
                peer = new Peer(Ids.newPeerId(), outbox, source);
            } while (peers.putIfAbsent(peer.id(), peer) != null);
            return peer;
        }
    }

    /** Makes this hub one node of a cluster: its peers' changes go to {@code cluster}. Call before any peer connects. */
    public void replicateTo(Replica cluster) {
        this.replica = cluster;
    }

    /** Removes the peer from every roster at once. Idempotent. */
    public void disconnect(Peer peer) {
        synchronized (lock) {
            if (peers.get(peer.id()) != peer) {
                return;
            }
            if (!peer.remote()) {
                replica.left(peer.id(), peer.held, peer.wanted.keySet(), peer.volunteer == null ? null : peer.volunteer.offer());
            }
            remove(peer);
        }
    }

    /** Takes a peer out of every roster at once (under the lock). */
    private void remove(Peer peer) {
        peers.remove(peer.id());
        if (peer.remote()) {
            Set<Peer> ofNode = remote.get(peer.node);
            ofNode.remove(peer);
            if (ofNode.isEmpty()) {
                remote.remove(peer.node);
            }
        }
        keeper.disconnect(peer);
        long now = System.nanoTime();
        for (String hash : peer.held) {
            Page page = pages.get(hash);
            page.removeHolder(peer);
            holderEntries--;
            keeper.lostHolder(page, now);
            changed(page);
        }
        for (String hash : peer.wanted.keySet()) {
            Page page = pages.get(hash);
            page.removeWanter(peer);
            wanterEntries--;
            changed(page);
        }
        Source source = peer.source;
        source.entries -= peer.held.size() + peer.wanted.size();
        if (--source.peers == 0) {
            sources.remove(source.key);
        }
        peer.held.clear();
        peer.wanted.clear();
        peer.forgetPairings();
    }

    /** Applies one client message, or throws {@link ProtocolException} having changed nothing. */
    public void handle(Peer peer, ClientMessage message) {
        if (message instanceof ClientMessage.Signal m) {
            signal(peer, m);
            return;
        }
        synchronized (lock) {
            if (message instanceof ClientMessage.Have m) {
                have(peer, m.all());
            } else if (message instanceof ClientMessage.Drop m) {
                drop(peer, m.all());
            } else if (message instanceof ClientMessage.Want m) {
                want(peer, m.hash(), m.exclude());
            } else if (message instanceof ClientMessage.Unwant m) {
                unwant(peer, m.hash());
            } else if (message instanceof ClientMessage.Report m) {
                report(peer, m);
            } else if (message instanceof ClientMessage.Volunteer m) {
                String before = peer.volunteer == null ? null : peer.volunteer.offer();
                keeper.volunteer(peer, m);
                replica.volunteered(peer.id(), before, peer.volunteer.offer());
            } else if (message instanceof ClientMessage.Keep m) {
                keeper.keep(peer, m);
            } else if (message instanceof ClientMessage.Kept m) {
                if (!answeredElsewhere(peer, m.hash(), m)) {
                    keeper.kept(peer, m);
                }
            } else if (message instanceof ClientMessage.KeepFailed m) {
                if (!answeredElsewhere(peer, m.hash(), m)) {
                    keeper.failed(peer, m);
                }
            } else {
                throw new IllegalStateException("unhandled message " + message);
            }
        }
    }

    /** A volunteer's answer to a keep request another node sent it goes back to that node's keeper. */
    private boolean answeredElsewhere(Peer volunteer, String hash, ClientMessage answer) {
        String node = volunteer.keepsFor == null ? null : volunteer.keepsFor.remove(hash);
        if (node == null) {
            return false;
        }
        replica.keepAnswer(node, volunteer.id(), Codec.encode(answer));
        return true;
    }

    private void have(Peer peer, List<String> hashes) {
        int fresh = 0;
        for (String hash : hashes) {
            if (!peer.held.contains(hash)) {
                fresh++;
            }
        }
        if (peer.held.size() + fresh > limits.maxHashesPerConnection()) {
            throw new ProtocolException(ErrorCode.TOO_MANY_HASHES,
                    "a connection holds at most " + limits.maxHashesPerConnection() + " pages");
        }
        requireRoom(peer, fresh, true);
        List<String> added = hold(peer, hashes, System.nanoTime());
        if (!added.isEmpty()) {
            replica.held(peer.id(), added);
        }
    }

    /** The page of {@code hash}, created if new (no capturing lambda: this runs for every want). */
    private Page page(String hash, long now) {
        Page page = pages.get(hash);
        if (page == null) {
            page = new Page(hash, now);
            pages.put(hash, page);
        }
        return page;
    }

    /** Adds {@code peer} as holder of the pages it did not hold yet; returns those. */
    private List<String> hold(Peer peer, List<String> hashes, long now) {
        List<String> added = new ArrayList<>();
        for (String hash : hashes) {
            if (peer.held.contains(hash)) {
                continue;
            }
            Page page = page(hash, now);
            peer.held.add(page.hash); // the page's own string: one copy of a hash however many peers hold it
            boolean wasMember = peer.wanted.remove(hash) != null;
            if (wasMember) {
                page.removeWanter(peer);
                wanterEntries--;
            }
            page.addHolder(peer);
            holderEntries++;
            if (!wasMember) {
                peer.source.entries++; // a wanter that now holds the page keeps its one entry
            }
            router.routePending(page, peer, now);
            // A bulk announce (a seed's) learns the counts from the coalesced broadcast instead.
            if (!wasMember && hashes.size() == 1 && !peer.remote()) {
                sendCounts(peer, page);
            }
            changed(page);
            added.add(page.hash);
        }
        return added;
    }

    private void drop(Peer peer, List<String> hashes) {
        List<String> removed = release(peer, hashes);
        if (!removed.isEmpty()) {
            replica.dropped(peer.id(), removed);
        }
    }

    /** Removes {@code peer} as holder of those pages it held; returns those. */
    private List<String> release(Peer peer, List<String> hashes) {
        long now = System.nanoTime();
        List<String> removed = new ArrayList<>();
        for (String hash : hashes) {
            if (!peer.held.remove(hash)) {
                continue;
            }
            removed.add(hash);
            Page page = pages.get(hash);
            page.removeHolder(peer);
            holderEntries--;
            peer.source.entries--;
            keeper.lostHolder(page, now);
            changed(page);
        }
        return removed;
    }

    private void want(Peer peer, String hash, Set<String> exclude) {
        if (!replica.available()) {
            throw new ProtocolException(ErrorCode.UNAVAILABLE,
                    "this server cannot reach the rest of its cluster; want again in a few seconds", hash);
        }
        boolean fresh = !peer.wanted.containsKey(hash);
        if (fresh && peer.wanted.size() >= limits.maxWantsPerConnection()) {
            throw new ProtocolException(ErrorCode.TOO_MANY_WANTS,
                    "a connection wants at most " + limits.maxWantsPerConnection() + " pages at once", hash);
        }
        if (fresh) {
            requireRoom(peer, 1, false);
        }
        long now = System.nanoTime();
        Page page = page(hash, now);
        if (fresh) {
            addWanter(peer, page);
            replica.wanted(peer.id(), page.hash); // before the request it may lead to: the holder's node pairs them
        }
        router.tryRoute(page, peer, exclude, now);
        if (fresh) {
            if (!peer.held.contains(hash)) {
                sendCounts(peer, page);
            }
            changed(page);
        }
    }

    /**
     * The server's memory is bounded by its roster, not by what peers care to announce; and no one address
     * can take it all, nor can holders take the room kept for wants (docs/protocol.md, "Limits and errors").
     */
    private void requireRoom(Peer peer, int entries, boolean holding) {
        if (holderEntries + wanterEntries + entries > maxRosterEntries
                || holding && holderEntries + entries > maxHolderEntries) {
            throw new ProtocolException(ErrorCode.SERVER_FULL, "this server's rosters are full ("
                    + (holding ? maxHolderEntries + " holder entries" : maxRosterEntries + " entries") + "); try again later");
        }
        if (maxEntriesPerSource > 0 && peer.source.entries + entries > maxEntriesPerSource) {
            throw new ProtocolException(ErrorCode.SERVER_FULL,
                    "connections from this address hold their share of the rosters (" + maxEntriesPerSource
                            + " entries); try again later");
        }
    }

    private void report(Peer wanter, ClientMessage.Report m) {
        long now = System.nanoTime();
        Peer holder = peers.get(m.peer());
        if (holder == null || !wanter.pairedWith(holder.id(), m.hash(), now)) {
            throw new ProtocolException(ErrorCode.NOT_PAIRED,
                    "report only a holder the server routed your want of that page to", m.peer());
        }
        Page page = pages.get(m.hash());
        if (page != null) {
            // counted per address: sybil connections of one machine are one reporter
            page.report(holder, wanter.source.key, now, fairness);
        }
        reports.incrementAndGet();
    }

    private void addWanter(Peer peer, Page page) {
        peer.wanted.put(page.hash, new Peer.Want());
        page.addWanter(peer);
        wanterEntries++;
        peer.source.entries++;
    }

    private void unwant(Peer peer, String hash) {
        if (withdraw(peer, hash)) {
            replica.unwanted(peer.id(), hash);
        }
    }

    private boolean withdraw(Peer peer, String hash) {
        if (peer.wanted.remove(hash) == null) {
            return false;
        }
        Page page = pages.get(hash);
        page.removeWanter(peer);
        wanterEntries--;
        peer.source.entries--;
        changed(page);
        return true;
    }

    /**
     * Relays a signal to the peer it is paired with. Only the pairing check needs the lock: encoding and
     * sending do not, and the relay is most of the server's traffic while connections are being set up.
     * One sender's signals still leave in order (Jetty hands this method one connection's frames one at a
     * time), and a signal can only follow what made its pairing (the {@code routed} and
     * {@code content_request} were queued to both peers before either could answer).
     */
    private void signal(Peer from, ClientMessage.Signal m) {
        Peer to = pairedPeer(from, m);
        // measured as re-encoded: what is relayed is exactly what was checked, not the client's text; and
        // SignalData's checks admit only ASCII, so its length in characters is its length in bytes
        String data = Codec.encode(m.data());
        if (data.length() > limits.maxSignalBytes()) {
            throw new ProtocolException(ErrorCode.TOO_LARGE,
                    "signal data is limited to " + limits.maxSignalBytes() + " bytes", m.to());
        }
        signalsRelayed.incrementAndGet();
        to.send(Codec.encodeSignal(from.id(), m.hash(), data));
    }

    private Peer pairedPeer(Peer from, ClientMessage.Signal m) {
        long now = System.nanoTime();
        synchronized (lock) {
            Peer to = peers.get(m.to());
            boolean paired = to != null
                    && (from.pairedWith(to.id(), m.hash(), now) || to.pairedWith(from.id(), m.hash(), now));
            if (!paired) {
                throw new ProtocolException(ErrorCode.NOT_PAIRED,
                        "the server did not pair you with that peer for that page (or the pairing expired)", m.to());
            }
            if (to.remote() && !replica.available()) {
                throw new ProtocolException(ErrorCode.UNAVAILABLE,
                        "this server cannot reach the server of that peer now; try again in a few seconds", m.to());
            }
            return to;
        }
    }

    /** A joining peer's snapshot; the next broadcast skips it if the counts are still the same. */
    private void sendCounts(Peer peer, Page page) {
        page.snapshotSent(peer);
        peersMessagesSent.incrementAndGet();
        peer.send(Codec.encode(new ServerMessage.Peers(page.hash, page.holderCount(), page.wanterCount())));
    }

    /**
     * Counts changed: broadcast them, but at most once per interval per page, and the interval grows with
     * the page (members/4 ms) so a page costs at most ~4,000 count messages a second however big it gets.
     */
    private void changed(Page page) {
        if (page.isEmpty()) {
            pages.remove(page.hash);
            return;
        }
        if (page.countsScheduled) {
            return;
        }
        page.countsScheduled = true;
        long interval = Math.max(countsIntervalNanos, TimeUnit.MILLISECONDS.toNanos(page.members() / 4));
        long delay = Math.max(0, page.lastCountsAt + interval - System.nanoTime());
        scheduler.schedule(() -> broadcastCounts(page), delay, TimeUnit.NANOSECONDS);
    }

    private void broadcastCounts(Page page) {
        List<Peer> recipients;
        String frame;
        synchronized (lock) {
            page.countsScheduled = false;
            page.lastCountsAt = System.nanoTime();
            if (pages.get(page.hash) != page) {
                return; // emptied (and maybe re-created) since: nobody of this instance is left to tell
            }
            recipients = page.membersWithoutFreshSnapshot(new ArrayList<>(page.members()));
            frame = Codec.encode(new ServerMessage.Peers(page.hash, page.holderCount(), page.wanterCount()));
        }
        // Outside the lock: a big page's fan-out must not stall routing for everyone else.
        peersMessagesSent.addAndGet(recipients.size());
        for (Peer peer : recipients) {
            peer.send(frame);
        }
    }

    // --- A cluster's other nodes, as their changes arrive (docs/cluster.md). Nothing here is refused: the
    // --- node that accepted a change checked it.

    /** The stand-in for a peer of {@code node}, made on first sight; null if the id is one of this node's. */
    private Peer proxy(String node, String peerId) {
        Peer peer = peers.get(peerId);
        if (peer != null) {
            return node.equals(peer.node) ? peer : null;
        }
        Source source = sources.computeIfAbsent("node " + node, Source::of);
        source.peers++;
        Peer stand = new Peer(peerId, frame -> replica.deliver(node, peerId, frame), source, node);
        peers.put(peerId, stand);
        remote.computeIfAbsent(node, n -> new HashSet<>()).add(stand);
        return stand;
    }

    /** A stand-in that holds, wants and offers nothing more is forgotten. */
    private void forgetIfIdle(Peer peer) {
        if (peer.held.isEmpty() && peer.wanted.isEmpty() && peer.volunteer == null) {
            remove(peer);
        }
    }

    private Peer remotePeer(String peerId) {
        Peer peer = peers.get(peerId);
        return peer != null && peer.remote() ? peer : null;
    }

    public void remoteHave(String node, String peerId, List<String> hashes) {
        synchronized (lock) {
            Peer peer = proxy(node, peerId);
            if (peer != null) {
                hold(peer, hashes, System.nanoTime());
            }
        }
    }

    public void remoteDrop(String peerId, List<String> hashes) {
        synchronized (lock) {
            Peer peer = remotePeer(peerId);
            if (peer != null) {
                release(peer, hashes);
                forgetIfIdle(peer);
            }
        }
    }

    public void remoteWant(String node, String peerId, String hash) {
        synchronized (lock) {
            Peer peer = proxy(node, peerId);
            if (peer != null && !peer.wanted.containsKey(hash)) {
                Page page = page(hash, System.nanoTime());
                addWanter(peer, page);
                changed(page);
            }
        }
    }

    public void remoteUnwant(String peerId, String hash) {
        synchronized (lock) {
            Peer peer = remotePeer(peerId);
            if (peer != null) {
                withdraw(peer, hash);
                forgetIfIdle(peer);
            }
        }
    }

    public void remoteLeft(String peerId) {
        synchronized (lock) {
            Peer peer = remotePeer(peerId);
            if (peer != null) {
                remove(peer);
            }
        }
    }

    /** A peer of {@code node} volunteers: {@code offer} is {@code capacity:maxPage:adoptWeak(0|1)}. */
    public void remoteVolunteer(String node, String peerId, String offer) {
        String[] f = offer.split(":");
        ClientMessage.Volunteer m = new ClientMessage.Volunteer(Long.parseLong(f[0]), Long.parseLong(f[1]), "1".equals(f[2]));
        synchronized (lock) {
            Peer peer = proxy(node, peerId);
            if (peer != null) {
                keeper.volunteer(peer, m);
            }
        }
    }

    /** Another node's keeper asks a volunteer here to keep a page; the answer will go back to {@code node}. */
    public void remoteKeepRequest(String node, String volunteerId, String hash, String frame) {
        synchronized (lock) {
            Peer volunteer = peers.get(volunteerId);
            if (volunteer == null || volunteer.remote() || volunteer.volunteer == null) {
                return; // it left: that keeper finds out when this node's change reaches it
            }
            if (volunteer.keepsFor == null) {
                volunteer.keepsFor = new HashMap<>(4);
            }
            volunteer.keepsFor.put(hash, node);
            volunteer.send(frame);
        }
    }

    /** A volunteer of another node answered a keep request this node's keeper sent it. */
    public void remoteKeepAnswer(String volunteerId, String message) {
        ClientMessage answer = Codec.parseClient(message, limits);
        synchronized (lock) {
            Peer volunteer = remotePeer(volunteerId);
            if (volunteer == null) {
                return;
            }
            try {
                if (answer instanceof ClientMessage.Kept m) {
                    keeper.kept(volunteer, m);
                } else if (answer instanceof ClientMessage.KeepFailed m) {
                    keeper.failed(volunteer, m);
                }
            } catch (ProtocolException late) {
                // the hand-off ended meanwhile (timed out, or the asker left): nobody waits for this answer
            }
        }
    }

    /** Every peer of {@code node} leaves (the node died, or is about to be reloaded). */
    public void remoteNodeGone(String node) {
        synchronized (lock) {
            Set<Peer> ofNode = remote.get(node);
            if (ofNode != null) {
                List.copyOf(ofNode).forEach(this::remove);
            }
        }
    }

    /**
     * Replaces what this hub knows of {@code node} by {@code entries}, as one change: what is gone is removed,
     * what is new is added, and what stays is left as it was (its pairings and hand-offs go on).
     */
    public void remoteReload(String node, List<Entry> entries) {
        synchronized (lock) {
            Map<String, List<Entry>> byPeer = new HashMap<>();
            for (Entry e : entries) {
                byPeer.computeIfAbsent(e.peerId(), p -> new ArrayList<>()).add(e);
            }
            for (Peer peer : List.copyOf(remote.getOrDefault(node, Set.of()))) {
                List<Entry> kept = byPeer.getOrDefault(peer.id(), List.of());
                Set<String> held = new HashSet<>();
                Set<String> wanted = new HashSet<>();
                boolean volunteers = false;
                for (Entry e : kept) {
                    switch (e.kind()) {
                        case HELD -> held.add(e.value());
                        case WANTED -> wanted.add(e.value());
                        case VOLUNTEER -> volunteers = true;
                    }
                }
                if (kept.isEmpty()) {
                    remove(peer);
                    continue;
                }
                release(peer, peer.held.stream().filter(h -> !held.contains(h)).toList());
                peer.wanted.keySet().stream().filter(h -> !wanted.contains(h)).toList().forEach(h -> withdraw(peer, h));
                if (!volunteers && peer.volunteer != null) {
                    keeper.disconnect(peer);
                    peer.volunteer = null;
                }
            }
            for (Entry e : entries) {
                switch (e.kind()) {
                    case HELD -> remoteHave(node, e.peerId(), List.of(e.value()));
                    case WANTED -> remoteWant(node, e.peerId(), e.value());
                    case VOLUNTEER -> remoteVolunteer(node, e.peerId(), e.value());
                }
            }
        }
    }

    /** The nodes this hub knows peers of. */
    public Set<String> remoteNodes() {
        synchronized (lock) {
            return Set.copyOf(remote.keySet());
        }
    }

    /**
     * Another node routed a want of its peer to a holder here: pair them (so the holder may signal back) and
     * ask the holder. A holder that has left or dropped the page meanwhile is not asked; the wanter's wait
     * after {@code routed} runs out, as for a holder that never answers.
     */
    public void remoteRequest(String holderId, String hash, String wanterId) {
        synchronized (lock) {
            Peer holder = peers.get(holderId);
            Peer wanter = remotePeer(wanterId);
            if (holder == null || holder.remote() || wanter == null || !holder.held.contains(hash)) {
                return;
            }
            Page page = pages.get(hash); // there is one: a holder holds it
            // The pairing keeps the hub's own id and hash strings, not the message's: a row lives for hundreds
            // of requests, and a fresh string kept that long is copied by every young collection, then promoted.
            wanter.pair(holder.id(), page.hash, System.nanoTime() + TimeUnit.SECONDS.toNanos(limits.pairingSeconds()));
            holder.send(Codec.encode(new ServerMessage.ContentRequest(page.hash, wanter.id())));
        }
    }

    /** A frame another node relays to a peer of this one (that node checked the pairing). */
    public void remoteFrame(String peerId, String frame) {
        Peer peer;
        synchronized (lock) {
            peer = peers.get(peerId);
        }
        if (peer != null && !peer.remote()) {
            peer.send(frame);
        }
    }

    /** One roster entry of one of this node's peers: it holds a page, wants one, or volunteers (the offer). */
    public record Entry(Kind kind, String peerId, String value) {
        public enum Kind { HELD, WANTED, VOLUNTEER }
    }

    /**
     * Runs {@code action} with every roster entry of this node's own peers, under the lock: a change made
     * here waits until it returns, so whatever {@code action} hands on comes before the changes after it.
     */
    public void withLocalEntries(Consumer<List<Entry>> action) {
        synchronized (lock) {
            List<Entry> entries = new ArrayList<>(holderEntries + wanterEntries);
            for (Peer peer : peers.values()) {
                if (!peer.remote()) {
                    peer.held.forEach(h -> entries.add(new Entry(Entry.Kind.HELD, peer.id(), h)));
                    peer.wanted.keySet().forEach(h -> entries.add(new Entry(Entry.Kind.WANTED, peer.id(), h)));
                    if (peer.volunteer != null) {
                        entries.add(new Entry(Entry.Kind.VOLUNTEER, peer.id(), peer.volunteer.offer()));
                    }
                }
            }
            action.accept(entries);
        }
    }

    public RosterStats stats() {
        synchronized (lock) {
            int remotePeers = remote.values().stream().mapToInt(Set::size).sum();
            return new RosterStats(peers.size() - remotePeers, remotePeers, pages.size(), holderEntries, wanterEntries,
                    router.requestsRouted.get(), router.requestsDeferred.get(), reports.get(), signalsRelayed.get(),
                    peersMessagesSent.get(), keeper.volunteers(), keeper.keepsAsked.get(), keeper.keepsKept.get(),
                    keeper.keepsRefused.get(), keeper.weakNotices.get());
        }
    }

    /** {@code connections} are this node's; the rest is cluster-wide (the rosters are replicated). */
    public record RosterStats(int connections, int remotePeers, int pages, int holders, int wanters,
                              long requestsRouted, long requestsDeferred, long reports, long signalsRelayed,
                              long peersMessagesSent, int volunteers, long keepsAsked, long keepsKept,
                              long keepsRefused, long weakNotices) {
    }
}
