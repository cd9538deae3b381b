package ephemeral.peer.live;

import ephemeral.peer.rtc.Channel;
import ephemeral.peer.store.Page;
import ephemeral.protocol.live.LiveKey;
import ephemeral.protocol.live.LiveVersion;
import ephemeral.protocol.signaling.SignalData;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The live pages a node follows, by topic (docs/protocol.md, "Live pages: the mesh"). The node's loop hands
 * it every server message and channel that concerns a topic; everything runs on the owner thread.
 */
public final class LivePages {
    private final MeshHost host;
    private final int minPeers;
    private final int maxPeers;
    private final long maxPageBytes;
    private final Map<String, LiveMesh> byTopic = new HashMap<>();

    public LivePages(MeshHost host, int minPeers, int maxPeers, long maxPageBytes) {
        this.host = host;
        this.minPeers = minPeers;
        this.maxPeers = maxPeers;
        this.maxPageBytes = maxPageBytes;
    }

    /** Follows a live page (idempotent): joins its mesh, takes its newest version and every later one. */
    public void follow(LiveKey key, Consumer<LiveVersion> onVersion) {
        LiveMesh m = byTopic.computeIfAbsent(key.topic(), t -> new LiveMesh(key, host, minPeers, maxPeers, maxPageBytes));
        if (onVersion != null) {
            m.addListener(onVersion);
        }
    }

    public void removeListener(LiveKey key, Consumer<LiveVersion> onVersion) {
        mesh(key).ifPresent(m -> m.removeListener(onVersion));
    }

    public void leave(LiveKey key) {
        LiveMesh m = byTopic.remove(key.topic());
        if (m != null) {
            m.leave();
        }
    }

    /** The author's new version of a followed page, whose page is {@code page}. */
    public void publish(LiveVersion v, Page page) {
        mesh(v.key()).orElseThrow(() -> new IllegalStateException("not following " + v.key())).publish(v, page);
    }

    public boolean isTopic(String hash) {
        return byTopic.containsKey(hash);
    }

    public Optional<LiveVersion> current(LiveKey key) {
        return mesh(key).flatMap(LiveMesh::current);
    }

    /** The best version heard of, held or still being pulled. */
    public Optional<LiveVersion> newestKnown(LiveKey key) {
        return mesh(key).map(LiveMesh::newestKnown);
    }

    /** The other version of the held seq when the author signed two, if one was seen. */
    public Optional<LiveVersion> equivocation(LiveKey key) {
        return mesh(key).map(LiveMesh::equivocation);
    }

    /** Others holding the page as the server last counted them (-1: not known yet). */
    public int holdersOnline(LiveKey key) {
        return mesh(key).map(m -> m.holdersOnline).orElse(-1);
    }

    public List<String> linkedPeers(LiveKey key) {
        return mesh(key).map(LiveMesh::linkedPeers).orElse(List.of());
    }

    /** {@code version} announcements received, and mesh messages of any kind, for this page so far. */
    public long[] messageCounts(LiveKey key) {
        return mesh(key).map(m -> new long[] {m.announcementsReceived, m.messagesReceived}).orElse(new long[2]);
    }

    public void onWelcome() {
        byTopic.values().forEach(LiveMesh::onWelcome);
    }

    public void onContentRequest(String topic, String from) {
        byTopic.get(topic).onContentRequest(from);
    }

    public void onRouted(String topic, String holder) {
        byTopic.get(topic).onRouted(holder);
    }

    public void onPeers(String topic, int holders) {
        byTopic.get(topic).onPeers(holders);
    }

    public boolean expectsOffer(String from, String topic) {
        LiveMesh m = byTopic.get(topic);
        return m != null && m.expectsOffer(from);
    }

    /** A {@code live} channel opened by the other side; its protocol names the live key. */
    public void onRemoteChannel(Channel ch) {
        LiveMesh m = null;
        try {
            m = byTopic.get(new LiveKey(ch.protocol()).topic());
        } catch (RuntimeException e) {
            // not a live key: nothing this node follows
        }
        if (m == null) {
            ch.close();
        } else {
            m.onRemoteChannel(ch);
        }
    }

    /** Routes a signal for a live page's connection through the neighbour that introduced it; false: via the server. */
    public boolean relay(String to, String topic, SignalData data) {
        LiveMesh m = byTopic.get(topic);
        return m != null && m.relay(to, data);
    }

    /**
     * Sends {@code text} as it is to every neighbour of a live page, unchecked: for tests that play a peer
     * that lies. Nothing in the node calls it.
     */
    public void sendUnchecked(LiveKey key, String text) {
        mesh(key).ifPresent(m -> m.sendUnchecked(text));
    }

    public void tick() {
        byTopic.values().forEach(LiveMesh::tick);
    }

    public void closeAll() {
        byTopic.values().forEach(LiveMesh::leave);
        byTopic.clear();
    }

    private Optional<LiveMesh> mesh(LiveKey key) {
        return Optional.ofNullable(byTopic.get(key.topic()));
    }
}
