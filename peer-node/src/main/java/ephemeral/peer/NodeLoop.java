package ephemeral.peer;

import ephemeral.peer.live.LivePages;
import ephemeral.peer.live.MeshHost;
import ephemeral.peer.rtc.Channel;
import ephemeral.peer.rtc.Ice;
import ephemeral.peer.rtc.Link;
import ephemeral.peer.rtc.Links;
import ephemeral.peer.signaling.SignalingClient;
import ephemeral.peer.store.Page;
import ephemeral.peer.store.PageStore;
import ephemeral.peer.transfer.Counters;
import ephemeral.peer.transfer.Fetching;
import ephemeral.peer.transfer.Serving;
import ephemeral.peer.transfer.Spool;
import ephemeral.protocol.ErrorCode;
import ephemeral.protocol.signaling.ClientMessage;
import ephemeral.protocol.signaling.ServerMessage;
import ephemeral.protocol.signaling.SignalData;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's one owner thread and what runs on it: signaling messages, native WebRTC callbacks and timers
 * are all posted here, so the protocol state (links, fetches, serves) needs no locks. Page bytes are pumped
 * out on worker threads. {@link PeerNode} is the public face; this is the engine room.
 */
final class NodeLoop {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLoop.class);
    private static final AtomicInteger NODES = new AtomicInteger();

    private final PeerConfig config;
    private final PageStore store;
    private final ScheduledThreadPoolExecutor ownerThread;
    final Executor owner;
    private final ExecutorService pumps;
    final SignalingClient signaling;
    final Links links;
    final Fetching fetching;
    final LivePages live;
    private final Serving serving;
    final Counters counters = new Counters();
    final Spool spool;
    final CountDownLatch welcomed = new CountDownLatch(1);
    volatile String peerId;
    private int maxHashesPerMessage;
    private int maxExclude = ephemeral.protocol.Limits.DEFAULTS.maxExclude();
    /** Keep requests and weak notices go here when this node volunteers (a seed); null otherwise. */
    volatile KeepListener keepListener;
    /** This node's own keep requests waiting for an answer, by hash; re-sent after a reconnect. Owner thread only. */
    final Map<String, PendingKeep> keeps = new HashMap<>();

    /** Pings sent with {@link PeerNode#sync}, oldest first; a pong answers the oldest. Owner thread only. */
    final ArrayDeque<CompletableFuture<Void>> pings = new ArrayDeque<>();

    record PendingKeep(ClientMessage.Keep request, CompletableFuture<ServerMessage.Kept> answer) {
    }
    private ScheduledFuture<?> credentialRefresh;

    NodeLoop(PeerConfig config, PageStore store) {
        this.config = config;
        this.store = store;
        this.spool = new Spool(config.spoolBase());
        int n = NODES.incrementAndGet();
        this.ownerThread = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "peer-node-" + n));
        this.ownerThread.setRemoveOnCancelPolicy(true);
        // grace timers (channel closes) must not hold up close()
        this.ownerThread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.owner = r -> {
            try {
                ownerThread.execute(() -> {
                    try {
                        r.run();
                    } catch (Throwable t) {
                        LOG.warn("event failed", t);
                    }
                });
            } catch (RejectedExecutionException e) {
                // closed: late native callbacks are dropped
            }
        };
        AtomicInteger pumpIds = new AtomicInteger();
        this.pumps = new ThreadPoolExecutor(0, config.maxConcurrentServes() + 16, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> daemon(r, "peer-node-" + n + "-send-" + pumpIds.incrementAndGet()));
        long stall = config.stallTimeout().toMillis();
        this.signaling = new SignalingClient(config.server(), owner, ownerThread, new SignalingClient.Listener() {
            @Override
            public void onMessage(ServerMessage message) {
                dispatch(message);
            }

            @Override
            public void onDisconnected() {
                LOG.info("disconnected from the signaling server; reconnecting");
            }
        }, config.serverSilence());
        this.links = new Links(owner, new Links.Listener() {
            @Override
            public void sendSignal(String to, String hash, SignalData data) {
                if (!live.relay(to, hash, data)) {
                    signaling.send(new ClientMessage.Signal(to, hash, data));
                }
            }

            @Override
            public void onRemoteChannel(Link link, Channel channel) {
                switch (channel.label()) {
                    case Channel.LIVE -> live.onRemoteChannel(channel);
                    case Channel.PULL -> serving.serveOn(channel);
                    default -> fetching.onRemoteChannel(link, channel);
                }
            }

            @Override
            public void onLinkFailed(Link link) {
                fetching.onLinkFailed(link.remotePeer(), link.failure());
            }
        }, config.idleLinkTimeout().toMillis(), Math.max(15_000, stall * 3));
        this.serving = new Serving(store, links, ownerThread, pumps, counters, config.maxConcurrentServes(),
                config.maxPageBytes(), stall);
        this.fetching = new Fetching(signaling::send, counters, config.maxPageBytes(), spool, stall,
                config.holdersPerPage(), owner, ForkJoinPool.commonPool());
        this.fetching.setLinkTrouble(links::whyNotConnected);
        this.live = new LivePages(new Host(), config.minPeers(), config.maxPeers(), config.maxPageBytes());
    }

    void start() {
        // the clocks of docs/protocol.md are checked here: 100 ms keeps each within a tenth of a second
        ownerThread.scheduleWithFixedDelay(() -> owner.execute(this::tick), 100, 100, TimeUnit.MILLISECONDS);
        signaling.start();
    }

    /** Runs {@code query} on the owner thread and returns its answer, or {@code fallback} if that takes over a second. */
    <T> T ask(Supplier<T> query, T fallback) {
        CompletableFuture<T> f = new CompletableFuture<>();
        owner.execute(() -> f.complete(query.get()));
        try {
            return f.get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback;
        } catch (ExecutionException | TimeoutException e) {
            return fallback;
        }
    }

    void send(ClientMessage message) {
        owner.execute(() -> signaling.send(message));
    }

    /**
     * TURN credentials expire (the server's {@code --turn-ttl}): shortly before, this node reconnects to get
     * fresh ones in a new {@code welcome}, so a long-running seed can still be reached through the relay.
     */
    private void refreshCredentials(Ice ice) {
        if (credentialRefresh != null) {
            credentialRefresh.cancel(false);
        }
        credentialRefresh = ice.refreshAfter(Instant.now()).map(after -> ownerThread.schedule(() -> {
            LOG.info("TURN credentials expire soon: reconnecting for fresh ones");
            signaling.reconnect();
        }, after.toMillis(), TimeUnit.MILLISECONDS)).orElse(null);
    }

    private void tick() {
        fetching.tick();
        live.tick();
        links.reap();
    }

    private void dispatch(ServerMessage m) {
        if (m instanceof ServerMessage.Welcome w) {
            peerId = w.peerId();
            maxHashesPerMessage = w.limits().maxHashesPerMessage();
            signaling.setLimits(w.limits());
            Ice ice = new Ice(w.iceServers(), w.iceTransportPolicy());
            links.setIce(ice);
            refreshCredentials(ice);
            fetching.setMaxExclude(w.limits().maxExclude());
            maxExclude = w.limits().maxExclude();
            announceAll();
            live.onWelcome();
            fetching.rewantAll();
            keeps.values().forEach(k -> signaling.send(k.request()));
            // pings of the last connection will never be answered
            pings.forEach(p -> p.completeExceptionally(new IllegalStateException("reconnected")));
            pings.clear();
            KeepListener volunteer = keepListener;
            if (volunteer != null) {
                volunteer.onWelcome();
            }
            LOG.info("connected to {} as {}", config.server().webSocket(), peerId);
            welcomed.countDown();
        } else if (m instanceof ServerMessage.ContentRequest r && live.isTopic(r.hash())) {
            live.onContentRequest(r.hash(), r.from());
        } else if (m instanceof ServerMessage.ContentRequest r) {
            serving.onContentRequest(r.hash(), r.from());
        } else if (m instanceof ServerMessage.Routed r && live.isTopic(r.hash())) {
            live.onRouted(r.hash(), r.holder());
        } else if (m instanceof ServerMessage.Routed r) {
            fetching.onRouted(r.hash(), r.holder());
        } else if (m instanceof ServerMessage.Signal s) {
            fetching.onSignal(s.from(), s.hash());
            links.onSignal(s.from(), s.hash(), s.data(),
                    fetching.expectsOffer(s.from(), s.hash()) || live.expectsOffer(s.from(), s.hash()));
        } else if (m instanceof ServerMessage.Peers p && live.isTopic(p.hash())) {
            live.onPeers(p.hash(), p.holders());
        } else if (m instanceof ServerMessage.Peers p) {
            fetching.onPeers(p.hash(), p.holders());
        } else if (m instanceof ServerMessage.Pong) {
            CompletableFuture<Void> ping = pings.poll();
            if (ping != null) {
                ping.complete(null);
            }
        } else if (m instanceof ServerMessage.KeepRequest r && keepListener != null) {
            keepListener.onKeepRequest(r);
        } else if (m instanceof ServerMessage.Weak w && keepListener != null) {
            keepListener.onWeak(w);
        } else if (m instanceof ServerMessage.Kept k) {
            PendingKeep pending = keeps.remove(k.hash());
            if (pending != null) {
                pending.answer().complete(k);
            }
        } else if (m instanceof ServerMessage.Error e && e.ref() != null && keeps.containsKey(e.ref())
                && KEEP_REFUSALS.contains(e.code())) {
            keeps.remove(e.ref()).answer().completeExceptionally(new KeepRefusedException(e.code(), e.message()));
        } else if (m instanceof ServerMessage.Error e && e.code() == ErrorCode.UNAVAILABLE && e.ref() != null) {
            fetching.onUnavailable(e.ref());
        } else if (m instanceof ServerMessage.Error e) {
            LOG.warn("server refused a message: {} {} {}", e.code().wire(), e.message(), e.ref() == null ? "" : e.ref());
        }
    }

    /** The errors that answer a {@code keep} (docs/protocol.md, "Keep-alive"). */
    private static final Set<ErrorCode> KEEP_REFUSALS =
            EnumSet.of(ErrorCode.NO_VOLUNTEER, ErrorCode.NOT_HOLDING, ErrorCode.RATE_LIMITED);

    /** Holds a page and announces it; false (nothing held) when the store has no room. Any thread. */
    boolean hold(Page page) {
        if (!store.put(page)) {
            return false;
        }
        send(ClientMessage.Have.of(List.of(page.hash())));
        return true;
    }

    /** Stops holding a page and tells the server. Any thread. */
    void release(String hash) {
        store.remove(hash);
        send(ClientMessage.Drop.of(List.of(hash)));
    }

    /** After (re)connecting, every held page is announced again, in messages of at most the server's limit. */
    private void announceAll() {
        List<String> all = new ArrayList<>(store.hashes());
        for (int i = 0; i < all.size(); i += maxHashesPerMessage) {
            signaling.send(ClientMessage.Have.of(all.subList(i, Math.min(all.size(), i + maxHashesPerMessage))));
        }
    }

    /** Ends every fetch and connection, leaves the server, and stops the threads. */
    void close() {
        CountDownLatch done = new CountDownLatch(1);
        owner.execute(() -> {
            try {
                fetching.cancelAll(new IllegalStateException("node closed"));
                keeps.values().forEach(k -> k.answer().completeExceptionally(new IllegalStateException("node closed")));
                keeps.clear();
                live.closeAll();
                links.closeAll();
            } finally {
                done.countDown();
            }
        });
        try {
            done.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        signaling.close();
        ownerThread.shutdown();
        pumps.shutdownNow();
        try {
            ownerThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spool.close(); // received pages held without a store go with the node
    }

    /** What the live pages' meshes use of this node. */
    private final class Host implements MeshHost {
        @Override
        public String selfId() {
            return peerId;
        }

        @Override
        public void send(ClientMessage m) {
            signaling.send(m);
        }

        @Override
        public boolean openLive(String peer, String topic, String key, java.util.function.Consumer<Channel> onChannel) {
            return links.openChannel(peer, topic, Channel.LIVE, key, onChannel);
        }

        @Override
        public void dropSession(String peer, String topic) {
            links.dropUnconnected(peer, topic);
        }

        @Override
        public void signal(String from, String topic, SignalData data) {
            links.onSignal(from, topic, data, true);
        }

        @Override
        public boolean hold(Page page) {
            return NodeLoop.this.hold(page);
        }

        @Override
        public void release(String hash) {
            NodeLoop.this.release(hash);
        }

        @Override
        public boolean holds(String hash) {
            return store.contains(hash);
        }

        @Override
        public void liar(String peer) {
            counters.liar(peer);
        }

        @Override
        public int maxExclude() {
            return maxExclude;
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
