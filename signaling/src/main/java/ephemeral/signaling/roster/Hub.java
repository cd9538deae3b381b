package ephemeral.signaling.roster;

import ephemeral.protocol.Codec;
import ephemeral.protocol.ErrorCode;
import ephemeral.protocol.Ids;
import ephemeral.protocol.Limits;
import ephemeral.protocol.ProtocolException;
import ephemeral.protocol.signaling.ClientMessage;
import ephemeral.protocol.signaling.ServerMessage;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The have/want rosters of every page, the 1/N routing of wants, the pairings that authorise signals,
 * and the coalesced peer counts. One lock guards all of it: every operation is a few map updates, so a
 * single lock is faster than fine-grained ones and makes multi-page updates (a disconnect) atomic.
 * Frames are handed to non-blocking outboxes, so holding the lock never waits on a socket.
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
        this.router = new Router(fairness, limits.pairingSeconds(), random, scheduler, lock, pages::get);
        this.keeper = new Keeper(random, scheduler, lock, pages::get);
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

    /** Removes the peer from every roster at once. Idempotent. */
    public void disconnect(Peer peer) {
        synchronized (lock) {
            if (peers.remove(peer.id()) == null) {
                return;
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
            peer.pairings.clear();
        }
    }

    /** Applies one client message, or throws {@link ProtocolException} having changed nothing. */
    public void handle(Peer peer, ClientMessage message) {
        synchronized (lock) {
            if (message instanceof ClientMessage.Have m) {
                have(peer, m.all());
            } else if (message instanceof ClientMessage.Drop m) {
                drop(peer, m.all());
            } else if (message instanceof ClientMessage.Want m) {
                want(peer, m.hash(), m.exclude());
            } else if (message instanceof ClientMessage.Unwant m) {
                unwant(peer, m.hash());
            } else if (message instanceof ClientMessage.Signal m) {
                signal(peer, m);
            } else if (message instanceof ClientMessage.Report m) {
                report(peer, m);
            } else if (message instanceof ClientMessage.Volunteer m) {
                keeper.volunteer(peer, m);
            } else if (message instanceof ClientMessage.Keep m) {
                keeper.keep(peer, m);
            } else if (message instanceof ClientMessage.Kept m) {
                keeper.kept(peer, m);
            } else if (message instanceof ClientMessage.KeepFailed m) {
                keeper.failed(peer, m);
            } else {
                throw new IllegalStateException("unhandled message " + message);
            }
        }
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
        long now = System.nanoTime();
        for (String hash : hashes) {
            if (peer.held.contains(hash)) {
                continue;
            }
            Page page = pages.computeIfAbsent(hash, h -> new Page(h, now));
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
            if (!wasMember && hashes.size() == 1) {
                sendCounts(peer, page);
            }
            changed(page);
        }
    }

    private void drop(Peer peer, List<String> hashes) {
        long now = System.nanoTime();
        for (String hash : hashes) {
            if (!peer.held.remove(hash)) {
                continue;
            }
            Page page = pages.get(hash);
            page.removeHolder(peer);
            holderEntries--;
            peer.source.entries--;
            keeper.lostHolder(page, now);
            changed(page);
        }
    }

    private void want(Peer peer, String hash, Set<String> exclude) {
        boolean fresh = !peer.wanted.containsKey(hash);
        if (fresh && peer.wanted.size() >= limits.maxWantsPerConnection()) {
            throw new ProtocolException(ErrorCode.TOO_MANY_WANTS,
                    "a connection wants at most " + limits.maxWantsPerConnection() + " pages at once", hash);
        }
        if (fresh) {
            requireRoom(peer, 1, false);
        }
        long now = System.nanoTime();
        Page page = pages.computeIfAbsent(hash, h -> new Page(h, now));
        if (fresh) {
            peer.wanted.put(page.hash, new Peer.Want());
            page.addWanter(peer);
            wanterEntries++;
            peer.source.entries++;
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

    private void unwant(Peer peer, String hash) {
        if (peer.wanted.remove(hash) == null) {
            return;
        }
        Page page = pages.get(hash);
        page.removeWanter(peer);
        wanterEntries--;
        peer.source.entries--;
        changed(page);
    }

    private void signal(Peer from, ClientMessage.Signal m) {
        long now = System.nanoTime();
        Peer to = peers.get(m.to());
        boolean paired = to != null
                && (from.pairedWith(to.id(), m.hash(), now) || to.pairedWith(from.id(), m.hash(), now));
        if (!paired) {
            throw new ProtocolException(ErrorCode.NOT_PAIRED,
                    "the server did not pair you with that peer for that page (or the pairing expired)", m.to());
        }
        // measured as re-encoded: what is relayed is exactly what was checked, not the client's text
        String data = Codec.encode(m.data());
        if (data.getBytes(StandardCharsets.UTF_8).length > limits.maxSignalBytes()) {
            throw new ProtocolException(ErrorCode.TOO_LARGE,
                    "signal data is limited to " + limits.maxSignalBytes() + " bytes", m.to());
        }
        to.send(Codec.encodeSignal(from.id(), m.hash(), data));
        signalsRelayed.incrementAndGet();
    }

    /** A joining peer's snapshot; the next broadcast skips it if the counts are still the same. */
    private void sendCounts(Peer peer, Page page) {
        page.snapshotSent(peer);
        peer.send(Codec.encode(new ServerMessage.Peers(page.hash, page.holderCount(), page.wanterCount())));
        peersMessagesSent.incrementAndGet();
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
        for (Peer peer : recipients) {
            peer.send(frame);
        }
        peersMessagesSent.addAndGet(recipients.size());
    }

    public RosterStats stats() {
        synchronized (lock) {
            return new RosterStats(peers.size(), pages.size(), holderEntries, wanterEntries,
                    router.requestsRouted.get(), router.requestsDeferred.get(), reports.get(), signalsRelayed.get(),
                    peersMessagesSent.get(), keeper.volunteers(), keeper.keepsAsked.get(), keeper.keepsKept.get(),
                    keeper.keepsRefused.get(), keeper.weakNotices.get());
        }
    }

    public record RosterStats(int connections, int pages, int holders, int wanters,
                              long requestsRouted, long requestsDeferred, long reports, long signalsRelayed,
                              long peersMessagesSent, int volunteers, long keepsAsked, long keepsKept,
                              long keepsRefused, long weakNotices) {
    }
}
