package ephemeral.peer.rtc;

import ephemeral.protocol.signaling.ServerMessage;
import ephemeral.protocol.signaling.SignalData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer connections of one node. A signaling session is keyed by {@code (remote peer, hash)}, the
 * pairing the server relays signals for; a connected link to a peer is reused for later pages.
 * Links with no open channel for {@code idleMillis} are closed (each closed connection leaks natively,
 * so reusing one beats opening one). Runs on the owner's executor.
 */
public final class Links {
    private static final Logger LOG = LoggerFactory.getLogger(Links.class);
    /**
     * Peer connections at once, in total and to one remote peer. Each costs ~100–150 kB of native memory
     * that libwebrtc never returns, so an offer flood must not be able to make them without bound.
     */
    static final int MAX_LINKS = 256;
    static final int MAX_LINKS_PER_PEER = 2;

    /** Called on the owner's executor. */
    public interface Listener {
        void sendSignal(String to, String hash, SignalData data);

        void onRemoteChannel(Link link, Channel channel);

        /** A link failed ({@link Link#failure()} says why): a wanter waiting on that peer need not wait on. */
        default void onLinkFailed(Link link) {
        }
    }

    private final Executor owner;
    private final Listener listener;
    private final long idleMillis;
    private final long connectMillis;
    private final Map<String, Link> sessions = new HashMap<>();
    private final Map<String, List<Link>> byPeer = new HashMap<>();
    private Ice ice = Ice.NONE;
    private long opened;
    private final Link.Listener linkListener = new Link.Listener() {
        @Override
        public void onSignal(Link link, SignalData data) {
            listener.sendSignal(link.remotePeer(), link.sessionHash(), data);
        }

        @Override
        public void onRemoteChannel(Link link, Channel channel) {
            listener.onRemoteChannel(link, channel);
        }

        @Override
        public void onClosed(Link link) {
            forget(link);
            if (link.failure() != null) {
                listener.onLinkFailed(link);
            }
        }
    };

    public Links(Executor owner, Listener listener, long idleMillis, long connectMillis) {
        this.owner = owner;
        this.listener = listener;
        this.idleMillis = idleMillis;
        this.connectMillis = connectMillis;
    }

    public void setIce(Ice ice) {
        this.ice = ice;
    }

    public Ice ice() {
        return ice;
    }

    /** Why no connection to {@code peer} has come up (see {@link Route#whyNoPath}), or null when one is up or none is tried. */
    public String whyNotConnected(String peer) {
        for (Link l : byPeer.getOrDefault(peer, List.of())) {
            if (l.isConnected()) {
                return null;
            }
        }
        for (Link l : byPeer.getOrDefault(peer, List.of())) {
            if (!l.isClosed()) {
                return Route.whyNoPath(ice, l.iceErrors());
            }
        }
        return null;
    }

    /**
     * Holder side: a channel for {@code hash} to {@code peer}, on a connected link if there is one
     * (no signaling needed), else on a new connection whose offer goes out through the listener.
     * False (and nothing opened) when that would exceed the connection caps.
     */
    public boolean openChannel(String peer, String hash, Consumer<Channel> onChannel) {
        return openChannel(peer, hash, Channel.PAGE, hash, onChannel);
    }

    /** As {@link #openChannel(String, String, Consumer)}, for a channel of another label (a live page's link). */
    public boolean openChannel(String peer, String session, String label, String protocol, Consumer<Channel> onChannel) {
        List<Link> existing = byPeer.getOrDefault(peer, List.of());
        for (Link l : existing) {
            if (l.isConnected()) {
                onChannel.accept(l.openChannel(label, protocol));
                return true;
            }
        }
        // A connection we offered is still being set up (requests from one wanter come in bursts): its offer
        // already carries the data-channel section, so more channels open with it, and no new connection
        // (with its native memory cost) is made.
        for (Link l : existing) {
            if (l.isOfferer() && !l.isClosed()) {
                onChannel.accept(l.openChannel(label, protocol));
                return true;
            }
        }
        if (!roomFor(peer)) {
            return false;
        }
        Link l = Link.offer(peer, session, label, protocol, ice, owner, linkListener, onChannel);
        register(l);
        return true;
    }

    /**
     * Applies a relayed signal. An offer starts a new connection (this peer never renegotiates), once per
     * pairing: a repeated offer while that connection lives is ignored, and so is one over the caps.
     */
    public void onSignal(String from, String hash, SignalData data, boolean acceptOffers) {
        String key = key(from, hash);
        if (data.sdp() != null && data.sdp().isOffer()) {
            Link live = sessions.get(key);
            if (!acceptOffers || (live != null && !live.isClosed()) || !roomFor(from)) {
                LOG.debug("ignoring an offer from {} for {}", from, hash);
                return;
            }
            Link l = Link.answer(from, hash, data.sdp(), ice, owner, linkListener);
            register(l);
            return;
        }
        Link l = sessions.get(key);
        if (l == null) {
            LOG.debug("signal from {} for {} without a session", from, hash);
            return;
        }
        l.onRemoteSignal(data);
    }

    /**
     * Whether a new connection to {@code peer} fits the caps. At the total cap the oldest connection that
     * has not connected yet is closed to make room (a handshake backlog, as TCP's SYN cache does): otherwise
     * a flood of requests from fresh peer ids, each left unanswered, would fill every slot and shut honest
     * wanters out until the connect timeout. An honest handshake takes well under a second and could only be
     * displaced by MAX_LINKS newer requests within it, more than the server routes to one holder in 5 s
     * (docs/protocol.md, "Fair routing"). The per-peer cap is never relieved that way.
     */
    private boolean roomFor(String peer) {
        if (byPeer.getOrDefault(peer, List.of()).size() >= MAX_LINKS_PER_PEER) {
            LOG.debug("connection cap per peer reached for {}", peer);
            return false;
        }
        List<Link> all = all();
        if (all.size() < MAX_LINKS) {
            return true;
        }
        Link oldest = null;
        for (Link l : all) {
            if (!l.isConnected() && (oldest == null || l.createdNanos() < oldest.createdNanos())) {
                oldest = l;
            }
        }
        if (oldest == null) {
            LOG.debug("connection cap reached ({} connected)", all.size());
            return false;
        }
        LOG.debug("connection cap reached: closing unconnected link {} to {}", oldest.id(), oldest.remotePeer());
        oldest.close();
        return true;
    }

    /** Closes the connection being set up for {@code (peer, session)}, if it has not connected (a connected one may carry other channels). */
    public void dropUnconnected(String peer, String session) {
        Link l = sessions.get(key(peer, session));
        if (l != null && !l.isConnected()) {
            l.close();
        }
    }

    /** Closes idle links and links that never connected. */
    public void reap() {
        long now = System.nanoTime();
        for (Link l : all()) {
            boolean idle = l.channelCount() == 0
                    && now - l.lastActiveNanos() > TimeUnit.MILLISECONDS.toNanos(idleMillis);
            boolean stuck = !l.isConnected()
                    && now - l.createdNanos() > TimeUnit.MILLISECONDS.toNanos(connectMillis);
            if (idle || stuck) {
                LOG.debug("closing {} link {} to {}", idle ? "idle" : "unconnected", l.id(), l.remotePeer());
                l.close();
            }
        }
    }

    public void closeAll() {
        all().forEach(Link::close);
    }

    public int size() {
        return all().size();
    }

    /** Peer connections created so far (each one costs native memory that is never returned). */
    public long opened() {
        return opened;
    }

    private List<Link> all() {
        List<Link> out = new ArrayList<>();
        byPeer.values().forEach(out::addAll);
        return out;
    }

    private void register(Link l) {
        opened++;
        Link previous = sessions.put(key(l.remotePeer(), l.sessionHash()), l);
        if (previous != null && previous != l) {
            LOG.debug("session {} replaced", key(l.remotePeer(), l.sessionHash()));
        }
        byPeer.computeIfAbsent(l.remotePeer(), p -> new ArrayList<>()).add(l);
    }

    private void forget(Link l) {
        sessions.remove(key(l.remotePeer(), l.sessionHash()), l);
        List<Link> list = byPeer.get(l.remotePeer());
        if (list != null) {
            list.remove(l);
            if (list.isEmpty()) {
                byPeer.remove(l.remotePeer());
            }
        }
    }

    private static String key(String peer, String hash) {
        return peer + "/" + hash;
    }
}
