package ephemeral.sim;

import ephemeral.protocol.Codec;
import ephemeral.protocol.signaling.ClientMessage;
import ephemeral.protocol.signaling.ServerMessage;
import ephemeral.protocol.signaling.SignalData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real signaling protocol: every simulated peer has its own WebSocket to the server and speaks exactly
 * what a browser would (welcome, have, want with exclusions, routed, content_request, an offer and an answer
 * relayed as signals, unwant). Only the data channel is left out: the swarm decides when the page arrives.
 */
final class ServerNetwork implements Network {
    private static final Logger LOG = LoggerFactory.getLogger(ServerNetwork.class);
    /** The handshake relayed for each transfer: as small as a real one is large, it only has to pass the checks. */
    private static final String SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    private final Swarm swarm;
    private final Clock clock;
    private final URI uri;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final WebSocket[] sockets;
    private final CompletableFuture<?>[] sending;
    private final String[] peerIds;
    private final Map<String, Integer> byPeerId = new HashMap<>();
    private final Map<String, Integer> byHash = new HashMap<>();
    private final AtomicLongArray messages;
    /** {@code peers} count frames received, over all peers: kept apart, the coin-flip model has no counts. */
    final LongAdder countFrames = new LongAdder();
    /** Errors the server sent, by code, and WebSockets that could not connect ("connect_failed"). */
    final Map<String, Long> errorCodes = new java.util.concurrent.ConcurrentSkipListMap<>();

    ServerNetwork(Swarm swarm, Clock clock, URI uri) {
        this.swarm = swarm;
        this.clock = clock;
        this.uri = uri;
        int n = swarm.workload().arrivals.size();
        this.sockets = new WebSocket[n];
        this.sending = new CompletableFuture<?>[n];
        this.peerIds = new String[n];
        this.messages = new AtomicLongArray(n);
        List<String> hashes = swarm.workload().hashes;
        for (int p = 0; p < hashes.size(); p++) {
            byHash.put(hashes.get(p), p);
        }
    }

    @Override
    public void connect(int peer) {
        http.newWebSocketBuilder().buildAsync(uri, new Listener(peer)).whenComplete((ws, e) -> {
            if (e != null) {
                errorCodes.merge("connect_failed", 1L, Long::sum);
                LOG.warn("peer {} could not connect: {}", peer, e.toString());
            }
        });
    }

    private void send(int peer, ClientMessage m) {
        WebSocket ws = sockets[peer];
        if (ws == null) {
            return;
        }
        String text = Codec.encode(m);
        messages.incrementAndGet(peer);
        // one frame in flight per socket, as WebSocket requires: chain them
        CompletableFuture<?> before = sending[peer] == null ? CompletableFuture.completedFuture(null) : sending[peer];
        sending[peer] = before.handle((r, e) -> null).thenCompose(x -> ws.sendText(text, true));
    }

    @Override
    public void have(int peer, int page) {
        send(peer, ClientMessage.Have.of(List.of(swarm.workload().hashes.get(page))));
    }

    @Override
    public void want(int peer, int page, Set<Integer> exclude) {
        Set<String> ids = new java.util.HashSet<>();
        for (int e : exclude) {
            if (peerIds[e] != null && ids.size() < 64) {
                ids.add(peerIds[e]);
            }
        }
        send(peer, new ClientMessage.Want(swarm.workload().hashes.get(page), ids));
    }

    @Override
    public void unwant(int peer, int page) {
        send(peer, new ClientMessage.Unwant(swarm.workload().hashes.get(page)));
    }

    @Override
    public void signal(int from, int to, int page, boolean offer) {
        if (peerIds[to] != null) {
            send(from, new ClientMessage.Signal(peerIds[to], swarm.workload().hashes.get(page),
                    SignalData.of(new SignalData.Sdp(offer ? "offer" : "answer", SDP))));
        }
    }

    @Override
    public void leave(int peer) {
        WebSocket ws = sockets[peer];
        if (ws != null) {
            ws.abort(); // a closed tab sends no close frame
        }
        sockets[peer] = null;
    }

    @Override
    public long messages(int peer) {
        return messages.get(peer);
    }

    /** Closes every socket still open (the end of the run). */
    void closeAll() {
        for (int i = 0; i < sockets.length; i++) {
            leave(i);
        }
    }

    private void handle(int peer, ServerMessage m) {
        if (m instanceof ServerMessage.Welcome w) {
            peerIds[peer] = w.peerId();
            byPeerId.put(w.peerId(), peer);
            swarm.onWelcome(peer);
        } else if (m instanceof ServerMessage.ContentRequest r) {
            Integer from = byPeerId.get(r.from());
            Integer page = byHash.get(r.hash());
            if (from != null && page != null) {
                swarm.onContentRequest(peer, page, from);
            }
        } else if (m instanceof ServerMessage.Routed r) {
            Integer holder = byPeerId.get(r.holder());
            if (holder != null) {
                swarm.onRouted(peer, holder);
            }
        } else if (m instanceof ServerMessage.Signal s) {
            Integer from = byPeerId.get(s.from());
            Integer page = byHash.get(s.hash());
            if (from != null && page != null && s.data().sdp() != null) {
                swarm.onSignal(peer, from, page, "offer".equals(s.data().sdp().type()));
            }
        } else if (m instanceof ServerMessage.Error e) {
            // e.g. not_paired: an offer to a wanter that left meanwhile (its pairings went with it)
            errorCodes.merge(e.code().wire(), 1L, Long::sum);
            LOG.debug("server refused a message of peer {}: {} {}", peer, e.code().wire(), e.message());
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final int peer;
        private final StringBuilder partial = new StringBuilder();

        Listener(int peer) {
            this.peer = peer;
        }

        /** Before any frame: the welcome's handling (posted after this) finds the socket set. */
        @Override
        public void onOpen(WebSocket ws) {
            clock.execute(() -> {
                if (swarm.online(peer)) {
                    sockets[peer] = ws;
                } else {
                    ws.abort(); // its session ended while it connected
                }
            });
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    Codec.parseServer(text).ifPresent(m -> {
                        if (m instanceof ServerMessage.Peers) {
                            countFrames.increment();
                        } else {
                            messages.incrementAndGet(peer);
                        }
                        clock.execute(() -> handle(peer, m));
                    });
                } catch (RuntimeException e) {
                    LOG.warn("bad frame from the server: {}", e.getMessage());
                }
            }
            ws.request(1);
            return null;
        }
    }
}
