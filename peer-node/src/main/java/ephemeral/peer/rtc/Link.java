package ephemeral.peer.rtc;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionIceErrorEvent;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import ephemeral.protocol.signaling.ServerMessage;
import ephemeral.protocol.signaling.SignalData;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer connection to a remote peer, created for a {@code (remotePeer, hash)} pairing and then reused
 * for further {@code page} channels (docs/protocol.md §2). Every method runs on the owner's executor;
 * native callbacks are wrapped (an escaping exception aborts the JVM) and re-posted there.
 */
public final class Link {
    private static final Logger LOG = LoggerFactory.getLogger(Link.class);
    private static final AtomicLong IDS = new AtomicLong();

    /** Called on the owner's executor. */
    public interface Listener {
        /** A local description or candidate to relay to the remote peer as {@code signal.data}. */
        void onSignal(Link link, SignalData data);

        /** The remote peer opened a channel on this link. */
        void onRemoteChannel(Link link, Channel channel);

        /** The link is closed (by us, or its connection failed). */
        void onClosed(Link link);
    }

    private final long id = IDS.incrementAndGet();
    private final String remotePeer;
    private final String sessionHash;
    private final boolean offerer;
    private final Executor owner;
    private final Listener listener;
    private final RTCPeerConnection pc;
    private final Set<Channel> channels = new LinkedHashSet<>();
    private final List<RTCIceCandidate> remoteCandidates = new ArrayList<>();
    private final List<SignalData> localCandidates = new ArrayList<>();
    /** More candidates than any real peer gathers (a few per interface and server). */
    static final int MAX_REMOTE_CANDIDATES = 64;
    private int remoteCandidateCount;
    private boolean remoteDescriptionSet;
    private boolean localDescriptionSent;
    private volatile boolean connected;
    private boolean closed;
    private final Ice ice;
    /** ICE candidate errors (a TURN server refusing us, say), for telling a person why nothing connected. */
    private final List<String> iceErrors = new ArrayList<>();
    private int localCandidateCount;
    /** How it connected ("relayed by TURN, rtt 3 ms"), once known. */
    private volatile String route = "";
    /** Why it closed, when it failed rather than being closed. */
    private String failure;
    private final long createdNanos = System.nanoTime();
    private volatile long lastActiveNanos = System.nanoTime();

    private Link(String remotePeer, String sessionHash, boolean offerer, Ice ice,
                 Executor owner, Listener listener) {
        this.remotePeer = remotePeer;
        this.sessionHash = sessionHash;
        this.offerer = offerer;
        this.owner = owner;
        this.listener = listener;
        this.ice = ice;
        this.pc = Rtc.factory().createPeerConnection(Signals.configuration(ice), new Observer());
    }

    /** Holder side: a new connection with a first {@code page} channel for {@code hash}, offer sent via the listener. */
    public static Link offer(String remotePeer, String hash, String label, String protocol, Ice ice, Executor owner,
                             Listener listener, Consumer<Channel> firstChannel) {
        Link l = new Link(remotePeer, hash, true, ice, owner, listener);
        firstChannel.accept(l.openChannel(label, protocol));
        l.pc.createOffer(new RTCOfferOptions(), l.new Created());
        return l;
    }

    /** Wanter side: answers a remote offer. */
    public static Link answer(String remotePeer, String hash, SignalData.Sdp offer, Ice ice,
                              Executor owner, Listener listener) {
        Link l = new Link(remotePeer, hash, false, ice, owner, listener);
        l.pc.setRemoteDescription(Signals.description(offer), l.new Applied(() -> {
            l.remoteDescriptionSet = true;
            l.flushRemoteCandidates();
            l.pc.createAnswer(new RTCAnswerOptions(), l.new Created());
        }));
        return l;
    }

    public long id() {
        return id;
    }

    public String remotePeer() {
        return remotePeer;
    }

    public String sessionHash() {
        return sessionHash;
    }

    public boolean isOfferer() {
        return offerer;
    }

    public boolean isConnected() {
        return connected && !closed;
    }

    public boolean isClosed() {
        return closed;
    }

    public int channelCount() {
        return channels.size();
    }

    /** How this link connected, e.g. "relayed by TURN, rtt 3 ms"; empty until known. */
    public String route() {
        return route;
    }

    /** ICE candidate errors seen so far, in words. */
    List<String> iceErrors() {
        return List.copyOf(iceErrors);
    }

    /** Why this link failed (null while open, or when closed on purpose). */
    public String failure() {
        return failure;
    }

    public long createdNanos() {
        return createdNanos;
    }

    public long lastActiveNanos() {
        return lastActiveNanos;
    }

    void touch() {
        lastActiveNanos = System.nanoTime();
    }

    /**
     * Opens a channel with this label ({@link Channel#PAGE}, {@link Channel#LIVE}, {@link Channel#PULL}) and
     * protocol (a {@code page} channel's carries the page hash, so the wanter knows what it is for).
     */
    public Channel openChannel(String label, String protocol) {
        RTCDataChannelInit init = new RTCDataChannelInit(); // ordered, reliable
        init.protocol = protocol;
        RTCDataChannel dc = pc.createDataChannel(label, init);
        Channel ch = new Channel(this, dc, owner);
        channels.add(ch);
        ch.register();
        ch.reportIfOpen();
        touch();
        return ch;
    }

    /** Applies a relayed {@code signal.data} from the remote peer. */
    public void onRemoteSignal(SignalData data) {
        if (closed) {
            return;
        }
        if (data.sdp() != null) {
            if (offerer && !data.sdp().isOffer()) {
                pc.setRemoteDescription(Signals.description(data.sdp()), new Applied(() -> {
                    remoteDescriptionSet = true;
                    flushRemoteCandidates();
                }));
            } else {
                LOG.debug("ignoring unexpected sdp {} on link {}", data.sdp().type(), id);
            }
            return;
        }
        Signals.candidate(data.candidate()).ifPresent(candidate -> {
            if (++remoteCandidateCount > MAX_REMOTE_CANDIDATES) {
                return; // a real peer has a handful; a flood must not grow memory or native work
            }
            // candidates added before the remote description are silently dropped by libwebrtc
            remoteCandidates.add(candidate);
            if (remoteDescriptionSet) {
                flushRemoteCandidates();
            }
        });
    }

    /** Closes every channel, then the connection (teardown order matters natively). Idempotent. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Channel ch : List.copyOf(channels)) {
            ch.close();
        }
        try {
            pc.close();
        } catch (Throwable t) {
            LOG.debug("pc close: {}", t.toString());
        }
        listener.onClosed(this);
    }

    void channelClosed(Channel ch) {
        channels.remove(ch);
        touch();
    }

    private void flushRemoteCandidates() {
        for (RTCIceCandidate c : remoteCandidates) {
            try {
                pc.addIceCandidate(c);
            } catch (Throwable t) { // a malformed candidate throws java.lang.Error
                LOG.debug("bad remote candidate {}: {}", c.sdp, t.toString());
            }
        }
        remoteCandidates.clear();
    }

    private void localDescriptionReady(RTCSessionDescription desc) {
        listener.onSignal(this, Signals.description(desc));
        localDescriptionSent = true;
        // candidates found before the description went out must follow it, not precede it
        localCandidates.forEach(c -> listener.onSignal(this, c));
        localCandidates.clear();
    }

    private void fail(String what) {
        LOG.debug("link {} to {}: {}", id, remotePeer, what);
        if (!closed) {
            failure = what;
        }
        close();
    }

    /** Reads the selected candidate pair once connected: the path people see in {@code -v} and diagnostics. */
    private void readRoute() {
        try {
            pc.getStats(report -> {
                try {
                    String r = Route.describe(report);
                    post(() -> {
                        route = r;
                        LOG.info("connected to {} {}", remotePeer, r.isEmpty() ? "(path unknown)" : r);
                    });
                } catch (Throwable t) {
                    LOG.debug("stats: {}", t.toString());
                }
            });
        } catch (Throwable t) { // closed meanwhile
            LOG.debug("stats: {}", t.toString());
        }
    }

    private void post(Runnable r) {
        owner.execute(() -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("link {} event failed", id, e);
            }
        });
    }

    private final class Created implements CreateSessionDescriptionObserver {
        @Override
        public void onSuccess(RTCSessionDescription desc) {
            post(() -> {
                if (closed) {
                    return;
                }
                if (offerer) {
                    // an offer goes out only once applied: the answer may come back at once, and an answer
                    // before our offer is applied would be refused
                    pc.setLocalDescription(desc, new Applied(() -> localDescriptionReady(desc)));
                } else {
                    // an answer is sent before it is applied: the offerer works on it while
                    // setLocalDescription runs here (tens of ms on a first visit's path); our candidates
                    // come only once it is applied
                    localDescriptionReady(desc);
                    pc.setLocalDescription(desc, new Applied(() -> { }));
                }
            });
        }

        @Override
        public void onFailure(String error) {
            post(() -> fail("create description: " + error));
        }
    }

    private final class Applied implements SetSessionDescriptionObserver {
        private final Runnable then;

        Applied(Runnable then) {
            this.then = then;
        }

        @Override
        public void onSuccess() {
            post(() -> {
                if (!closed) {
                    then.run();
                }
            });
        }

        @Override
        public void onFailure(String error) {
            post(() -> fail("set description: " + error));
        }
    }

    private final class Observer implements PeerConnectionObserver {
        @Override
        public void onIceCandidate(RTCIceCandidate c) {
            try {
                SignalData data = Signals.candidate(c);
                post(() -> {
                    if (closed) {
                        return;
                    }
                    localCandidateCount++;
                    if (localDescriptionSent) {
                        listener.onSignal(Link.this, data);
                    } else {
                        localCandidates.add(data);
                    }
                });
            } catch (Throwable t) {
                LOG.debug("candidate: {}", t.toString());
            }
        }

        @Override
        public void onConnectionChange(RTCPeerConnectionState state) {
            try {
                post(() -> {
                    if (state == RTCPeerConnectionState.CONNECTED) {
                        connected = true;
                        touch();
                        readRoute();
                    } else if (state == RTCPeerConnectionState.FAILED) {
                        fail(connected ? "connection lost" : Route.whyNoPath(ice, iceErrors));
                    } else if (state == RTCPeerConnectionState.CLOSED) {
                        fail("connection " + state);
                    } else if (state == RTCPeerConnectionState.DISCONNECTED && channels.isEmpty()) {
                        // the remote peer most likely left; nothing is lost by not waiting for the idle timeout
                        fail("connection " + state + " with no open channel");
                    }
                });
            } catch (Throwable t) {
                LOG.debug("connection change: {}", t.toString());
            }
        }

        /**
         * Gathering found no candidate at all (relay-only, and the TURN server refused or did not answer):
         * no path can ever be found, so the link fails now, with the reason, instead of at a timeout.
         */
        @Override
        public void onIceGatheringChange(RTCIceGatheringState state) {
            try {
                post(() -> {
                    if (state == RTCIceGatheringState.COMPLETE && localCandidateCount == 0 && !closed) {
                        fail(Route.whyNoPath(ice, iceErrors));
                    }
                });
            } catch (Throwable t) {
                LOG.debug("gathering change: {}", t.toString());
            }
        }

        @Override
        public void onIceCandidateError(RTCPeerConnectionIceErrorEvent e) {
            try {
                String what = e.getUrl() + " answered " + e.getErrorCode() + " " + e.getErrorText();
                post(() -> {
                    if (iceErrors.size() < 8 && !iceErrors.contains(what)) {
                        iceErrors.add(what);
                    }
                });
            } catch (Throwable t) {
                LOG.debug("candidate error: {}", t.toString());
            }
        }

        @Override
        public void onDataChannel(RTCDataChannel dc) {
            try {
                post(() -> {
                    Channel ch = new Channel(Link.this, dc, owner);
                    if (closed) {
                        ch.close();
                        return;
                    }
                    channels.add(ch);
                    ch.register();
                    ch.syncState();
                    touch();
                    listener.onRemoteChannel(Link.this, ch);
                });
            } catch (Throwable t) {
                LOG.debug("data channel: {}", t.toString());
            }
        }
    }
}
