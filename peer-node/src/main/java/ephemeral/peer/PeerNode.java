package ephemeral.peer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import ephemeral.peer.rtc.Channel;
import ephemeral.peer.rtc.Link;
import ephemeral.peer.rtc.Links;
import ephemeral.peer.rtc.Rtc;
import ephemeral.peer.signaling.ClientMessage;
import ephemeral.peer.signaling.ServerMessage;
import ephemeral.peer.signaling.SignalingClient;
import ephemeral.peer.store.DiskStore;
import ephemeral.peer.store.Hashes;
import ephemeral.peer.store.MemoryStore;
import ephemeral.peer.store.Page;
import ephemeral.peer.store.PageStore;
import ephemeral.peer.transfer.Counters;
import ephemeral.peer.transfer.Fetching;
import ephemeral.peer.transfer.Serving;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A headless peer: holds pages and serves them to whoever the signaling server routes to it, and
 * fetches pages from other holders, verifying their hash (docs/protocol.md).
 *
 * <p>All protocol state lives on one thread per node (the "owner"): signaling messages, native WebRTC
 * callbacks and timers are all posted there, so none of it needs locks. Page bytes are pumped out on
 * worker threads. All nodes of a process share one native factory ({@link Rtc}); call
 * {@link #disposeNative()} after the last node is closed so the JVM can exit.
 */
public final class PeerNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerNode.class);
    private static final AtomicInteger NODES = new AtomicInteger();

    private final PeerConfig config;
    private final PageStore store;
    private final ScheduledThreadPoolExecutor ownerThread;
    private final Executor owner;
    private final ExecutorService pumps;
    private final SignalingClient signaling;
    private final Links links;
    private final Serving serving;
    private final Fetching fetching;
    private final Counters counters = new Counters();
    private final CountDownLatch welcomed = new CountDownLatch(1);
    private volatile String peerId;
    private volatile boolean closed;
    private int maxHashesPerMessage = 2000;

    private PeerNode(PeerConfig config, PageStore store) {
        this.config = config;
        this.store = store;
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
        });
        this.links = new Links(owner, new Links.Listener() {
            @Override
            public void sendSignal(String to, String hash, ObjectNode data) {
                signaling.send(new ClientMessage.Signal(to, hash, data));
            }

            @Override
            public void onRemoteChannel(Link link, Channel channel) {
                fetching.onRemoteChannel(link, channel);
            }
        }, config.idleLinkTimeout().toMillis(), Math.max(15_000, stall * 3));
        this.serving = new Serving(store, links, ownerThread, pumps, counters, config.maxConcurrentServes(),
                config.maxPageBytes(), stall);
        this.fetching = new Fetching(signaling::send, counters, config.maxPageBytes(), stall);
    }

    /** Starts a node with the store the config describes (memory, or {@code storeDir}) and waits for the server. */
    public static PeerNode start(PeerConfig config) throws SignalingUnavailableException, IOException {
        PageStore store = config.storeDir() != null
                ? new DiskStore(config.storeDir(), config.memoryBudgetBytes())
                : new MemoryStore(config.memoryBudgetBytes());
        return start(config, store);
    }

    /**
     * Starts a node serving from {@code store} (which may already hold pages: they are announced at once)
     * and waits until the signaling server welcomed it. Later disconnections are retried for ever.
     */
    public static PeerNode start(PeerConfig config, PageStore store) throws SignalingUnavailableException {
        Rtc.factory(); // load the native library now rather than in the middle of a first transfer
        PeerNode node = new PeerNode(config, store);
        node.ownerThread.scheduleWithFixedDelay(() -> node.owner.execute(node::tick), 250, 250, TimeUnit.MILLISECONDS);
        node.signaling.start();
        try {
            if (!node.welcomed.await(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                node.close();
                throw new SignalingUnavailableException("cannot reach the signaling server at "
                        + config.server().webSocket() + " within " + config.connectTimeout().toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            node.close();
            throw new SignalingUnavailableException("interrupted while connecting");
        }
        return node;
    }

    /** Holds and serves {@code bytes}; returns the page's hash. */
    public String share(byte[] bytes) {
        return share(bytes, null, null);
    }

    /** Holds and serves {@code bytes} with optional name and MIME type hints; returns the page's hash. */
    public String share(byte[] bytes, String name, String mime) {
        Page page = Page.of(bytes, name, mime);
        hold(page);
        return page.hash();
    }

    /** Holds and serves a file's bytes (its name and probed MIME type go along as hints). */
    public String share(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return share(bytes, file.getFileName().toString(), Files.probeContentType(file));
    }

    /** Fetches a page once (verified), without holding it. */
    public byte[] get(String hash, Duration timeout) throws PageUnavailableException {
        return await(fetch(hash, false, timeout), hash).bytes();
    }

    /** Fetches a page (verified) and from then on holds and serves it. */
    public void pin(String hash, Duration timeout) throws PageUnavailableException {
        await(fetch(hash, true, timeout), hash);
    }

    /**
     * Fetches a page asynchronously. {@code hold}: keep and serve it once verified. A page already held
     * completes at once. The future fails with a {@link TimeoutException} when no holder delivered in time.
     */
    public CompletableFuture<Page> fetch(String hash, boolean hold, Duration timeout) {
        Hashes.requireHash(hash);
        Optional<Page> held = store.get(hash);
        if (held.isPresent()) {
            return CompletableFuture.completedFuture(held.get());
        }
        CompletableFuture<Page> result = new CompletableFuture<>();
        owner.execute(() -> fetching.fetch(hash, hold, timeout.toMillis()).whenComplete((page, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
                return;
            }
            if (hold) {
                try {
                    hold(page);
                } catch (RuntimeException e) {
                    signaling.send(new ClientMessage.Unwant(hash));
                    result.completeExceptionally(e);
                    return;
                }
            }
            result.complete(page);
        }));
        if (closed) {
            result.completeExceptionally(new IllegalStateException("node closed"));
        }
        return result;
    }

    /** Stops holding a page. */
    public void drop(String hash) {
        store.remove(hash);
        owner.execute(() -> signaling.send(new ClientMessage.Drop(hash)));
    }

    public Set<String> held() {
        return store.hashes();
    }

    public PageStore store() {
        return store;
    }

    public PeerConfig config() {
        return config;
    }

    /** This node's current peer id (changes on reconnect), or null before the first welcome. */
    public String peerId() {
        return peerId;
    }

    /** The link people open to get a page: {@code <server base URL>/<hash>}. */
    public String link(String hash) {
        return config.server().link(hash);
    }

    /** Bytes received and total size (-1 before the header) of a fetch in progress. */
    public Optional<long[]> progress(String hash) {
        CompletableFuture<Optional<long[]>> f = new CompletableFuture<>();
        owner.execute(() -> f.complete(fetching.progress(hash)));
        try {
            return f.get(1, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }

    public PeerStats stats() {
        CompletableFuture<long[]> f = new CompletableFuture<>();
        owner.execute(() -> f.complete(new long[] {links.size(), links.opened()}));
        long[] l;
        try {
            l = f.get(1, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            l = new long[] {-1, -1};
        }
        return new PeerStats(counters.transfersServed.get(), counters.bytesServed.get(), counters.servesFailed.get(),
                counters.servesRefusedBusy.get(), counters.activeServes.get(), counters.pagesFetched.get(),
                counters.bytesFetched.get(), counters.verifyFailures.get(), counters.holdersAbandoned.get(),
                store.hashes().size(), l[0], l[1], signaling.connects());
    }

    /** Resident set size of this process in kB (VmRSS), or -1 where unknown. */
    public static long rssKb() {
        return Rtc.rssKb();
    }

    /** Closes every connection and leaves the server. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CountDownLatch done = new CountDownLatch(1);
        owner.execute(() -> {
            try {
                fetching.cancelAll(new IllegalStateException("node closed"));
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
    }

    /** Frees the process-wide native factory; only after every node is closed (the JVM cannot exit before). */
    public static void disposeNative() {
        Rtc.dispose();
    }

    private void hold(Page page) {
        if (page.size() > config.maxPageBytes()) {
            throw new IllegalArgumentException("page of " + page.size() + " bytes is over the limit of "
                    + config.maxPageBytes());
        }
        if (!store.put(page)) {
            throw new IllegalStateException("no room to hold " + page.hash() + " (" + page.size()
                    + " bytes): the memory budget is full");
        }
        owner.execute(() -> signaling.send(new ClientMessage.Have(List.of(page.hash()))));
    }

    private void tick() {
        fetching.tick();
        links.reap();
    }

    private void dispatch(ServerMessage m) {
        if (m instanceof ServerMessage.Welcome w) {
            peerId = w.peerId();
            maxHashesPerMessage = w.limits().maxHashesPerMessage();
            signaling.setLimits(w.limits());
            links.setIceServers(w.iceServers());
            fetching.setMaxExclude(w.limits().maxExclude());
            announceAll();
            fetching.rewantAll();
            LOG.info("connected to {} as {}", config.server().webSocket(), peerId);
            welcomed.countDown();
        } else if (m instanceof ServerMessage.ContentRequest r) {
            serving.onContentRequest(r.hash(), r.from());
        } else if (m instanceof ServerMessage.Signal s) {
            if (s.data().get("sdp") instanceof ObjectNode sdp && "offer".equals(sdp.path("type").asText())) {
                fetching.onOffer(s.from(), s.hash());
            }
            links.onSignal(s.from(), s.hash(), s.data(), fetching.wants(s.hash()));
        } else if (m instanceof ServerMessage.Peers p) {
            fetching.onPeers(p.hash(), p.holders());
        } else if (m instanceof ServerMessage.Error e) {
            LOG.warn("server refused a message: {} {} {}", e.code(), e.message(), e.ref() == null ? "" : e.ref());
        }
    }

    /** After (re)connecting, every held page is announced again, in messages of at most the server's limit. */
    private void announceAll() {
        List<String> all = new ArrayList<>(store.hashes());
        for (int i = 0; i < all.size(); i += maxHashesPerMessage) {
            signaling.send(new ClientMessage.Have(all.subList(i, Math.min(all.size(), i + maxHashesPerMessage))));
        }
    }

    private static Page await(CompletableFuture<Page> f, String hash) throws PageUnavailableException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PageUnavailableException("interrupted while fetching " + hash, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new PageUnavailableException(cause instanceof TimeoutException
                    ? "page " + hash + " could not be had in time: no holder delivered it"
                    : "page " + hash + " could not be had: " + cause.getMessage(), cause);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
