package ephemeral.peer;

import ephemeral.peer.rtc.Rtc;
import ephemeral.peer.store.Body;
import ephemeral.peer.store.DiskStore;
import ephemeral.peer.store.MemoryStore;
import ephemeral.peer.store.Page;
import ephemeral.peer.store.PageStore;
import ephemeral.peer.transfer.Counters;
import ephemeral.protocol.Ids;
import ephemeral.protocol.live.LiveKey;
import ephemeral.protocol.live.LiveVersion;
import ephemeral.protocol.live.Mesh;
import ephemeral.protocol.signaling.ClientMessage;
import ephemeral.protocol.signaling.ServerMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A headless peer: holds pages and serves them to whoever the signaling server routes to it, and
 * fetches pages from other holders, verifying their hash (docs/protocol.md).
 *
 * <p>All protocol state lives on one thread per node ({@link NodeLoop}). All nodes of a process share one
 * native factory ({@link Rtc}); call {@link #disposeNative()} after the last node is closed so the JVM can exit.
 */
public final class PeerNode implements AutoCloseable {
    private final PeerConfig config;
    private final PageStore store;
    private final NodeLoop loop;
    private volatile boolean closed;

    private PeerNode(PeerConfig config, PageStore store) {
        this.config = config;
        this.store = store;
        this.loop = new NodeLoop(config, store);
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
        node.loop.start();
        try {
            if (!node.loop.welcomed.await(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
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

    /**
     * Holds and serves a body (bytes, or a file served from where it lies, read a block at a time) with
     * optional name and MIME type hints; returns the page's hash, read from the body once.
     */
    public String share(Body body, String name, String mime) throws IOException {
        Page page = new Page(body.sha256(), body, name, mime);
        hold(page);
        return page.hash();
    }

    /**
     * Holds and serves a file (its name and probed MIME type go along as hints): read now if it is small,
     * else served from where it lies ({@link Body#ofFile}), so it must stay as it is while shared.
     */
    public String share(Path file) throws IOException {
        return share(Body.ofFile(file), file.getFileName().toString(), Files.probeContentType(file));
    }

    /** Fetches a small page once (verified), without holding it, into memory. */
    public byte[] get(String hash, Duration timeout) throws PageUnavailableException {
        return getPage(hash, timeout).bytes();
    }

    /**
     * Fetches a page once (verified), without holding it. A page of 8 MiB or more arrives in a spool file
     * (see {@link PeerConfig#spoolDir}), which lasts until this node closes: read or move it before.
     */
    public Page getPage(String hash, Duration timeout) throws PageUnavailableException {
        return await(fetch(hash, false, timeout), hash);
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
        Ids.requireHash(hash);
        Optional<Page> held = store.get(hash);
        if (held.isPresent()) {
            return CompletableFuture.completedFuture(held.get());
        }
        CompletableFuture<Page> result = new CompletableFuture<>();
        loop.owner.execute(() -> loop.fetching.fetch(hash, hold, timeout.toMillis()).whenComplete((page, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
                return;
            }
            if (hold) {
                try {
                    hold(page);
                } catch (RuntimeException e) {
                    page.body().release();
                    loop.signaling.send(new ClientMessage.Unwant(hash));
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

    /**
     * Asks the network to keep a held page alive: the server hands it to one volunteer seed, which fetches
     * it from a holder. Completes with the volunteer's {@code kept} (who, until when), or fails with a
     * {@link KeepRefusedException} ({@code no_volunteer}: none had room or could fetch it).
     *
     * @param wish how long to keep it; null: the volunteer's own time (it may keep it for less)
     */
    public CompletableFuture<ServerMessage.Kept> keep(String hash, Duration wish) {
        Ids.requireHash(hash);
        CompletableFuture<ServerMessage.Kept> answer = new CompletableFuture<>();
        Optional<Page> held = store.get(hash);
        if (held.isEmpty()) {
            answer.completeExceptionally(new IllegalArgumentException("this node does not hold " + hash));
            return answer;
        }
        ClientMessage.Keep request = new ClientMessage.Keep(hash, held.get().size(),
                wish == null ? null : Math.max(1, wish.toSeconds()));
        loop.owner.execute(() -> {
            NodeLoop.PendingKeep before = loop.keeps.put(hash, new NodeLoop.PendingKeep(request, answer));
            if (before != null) {
                answer.whenComplete((k, e) -> { // one answer serves both callers
                    if (e != null) {
                        before.answer().completeExceptionally(e);
                    } else {
                        before.answer().complete(k);
                    }
                });
            }
            loop.signaling.send(request);
        });
        return answer;
    }

    /**
     * Waits until the server has handled every message this node sent before: a {@code ping} goes after
     * them and its {@code pong} comes back (one connection's messages are handled in order).
     *
     * @return false if no answer came within {@code timeout} (e.g. the connection was lost meanwhile)
     */
    public boolean sync(Duration timeout) {
        CompletableFuture<Void> pong = new CompletableFuture<>();
        loop.owner.execute(() -> {
            loop.pings.add(pong);
            loop.signaling.send(new ClientMessage.Ping());
        });
        try {
            pong.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Makes this node a volunteer seed's: keep requests and weak notices go to {@code listener}. */
    public void setKeepListener(KeepListener listener) {
        loop.keepListener = listener;
    }

    /** Sends a message to the signaling server (for roles built on a node, such as a volunteer seed). */
    public void send(ClientMessage message) {
        loop.send(message);
    }

    /** Stops holding a page. */
    public void drop(String hash) {
        loop.release(hash);
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
        return loop.peerId;
    }

    /**
     * The link people open to get a page: {@code <server base URL>/<hash>}, with {@code #n=<size>} when this
     * node holds the page, so a browser takes exactly that many bytes (docs/protocol.md, "Links").
     */
    public String link(String hash) {
        return config.server().link(hash) + store.get(hash).map(p -> "#n=" + p.size()).orElse("");
    }

    /** Bytes received and total size (-1 before the header) of a fetch in progress. */
    public Optional<long[]> progress(String hash) {
        return loop.ask(() -> loop.fetching.progress(hash), Optional.empty());
    }

    /** What a fetch in progress waits for now, in words (e.g. "asked holder 3f2a…, no answer yet"). */
    public Optional<String> status(String hash) {
        return loop.ask(() -> loop.fetching.status(hash), Optional.empty());
    }

    /** Peer ids of the holders this node caught sending bytes that are not the page's (or breaking the protocol), latest last. */
    public List<String> liarsFound() {
        return loop.counters.recentLiars();
    }

    public PeerStats stats() {
        long[] l = loop.ask(() -> new long[] {loop.links.size(), loop.links.opened()}, new long[] {-1, -1});
        Counters c = loop.counters;
        return new PeerStats(c.transfersServed.get(), c.bytesServed.get(), c.servesFailed.get(),
                c.servesRefusedBusy.get(), c.activeServes.get(), c.pagesFetched.get(),
                c.bytesFetched.get(), c.verifyFailures.get(), c.holdersAbandoned.get(), c.liarsFound.get(),
                store.hashes().size(), l[0], l[1], loop.signaling.connects());
    }

    /** Resident set size of this process in kB (VmRSS), or -1 where unknown. */
    public static long rssKb() {
        return Rtc.rssKb();
    }

    // ---- live pages (docs/protocol.md, "Live pages") ----

    /**
     * Follows a live page: joins the mesh of its holders, takes its newest version and every later one (each
     * signed by its key and its page verified), holds and serves it, until {@link #unfollow} or close.
     * {@code onVersion} (may be null) hears each version taken, on the node's thread: it must not block.
     */
    public void follow(LiveKey key, Consumer<LiveVersion> onVersion) {
        loop.owner.execute(() -> loop.live.follow(key, onVersion));
    }

    public void unfollow(LiveKey key) {
        loop.owner.execute(() -> loop.live.leave(key));
    }

    /** The version of a followed live page this node holds, if any yet. */
    public Optional<LiveVersion> liveVersion(LiveKey key) {
        return loop.ask(() -> loop.live.current(key), Optional.empty());
    }

    /** The other version of the held seq when the page's author signed two (every peer keeps the same one). */
    public Optional<LiveVersion> liveEquivocation(LiveKey key) {
        return loop.ask(() -> loop.live.equivocation(key), Optional.empty());
    }

    /** The peers this node has a mesh link to for a live page. */
    public List<String> liveLinks(LiveKey key) {
        return loop.ask(() -> loop.live.linkedPeers(key), List.of());
    }

    /** {@code version} announcements and mesh messages of any kind this node received for a live page. */
    public long[] liveMessages(LiveKey key) {
        return loop.ask(() -> loop.live.messageCounts(key), new long[2]);
    }

    /** Sends a mesh message as it is to every neighbour of a live page: for tests that play a lying peer. */
    void liveSendUnchecked(LiveKey key, String text) {
        loop.owner.execute(() -> loop.live.sendUnchecked(key, text));
    }

    /**
     * Follows a live page and waits until this node holds a version numbered {@code minSeq} or later; returns
     * it. Its page is then in {@link #store()}.
     */
    public LiveVersion awaitLive(LiveKey key, long minSeq, Duration timeout) throws PageUnavailableException {
        CompletableFuture<LiveVersion> got = new CompletableFuture<>();
        Consumer<LiveVersion> listener = v -> {
            if (v.seq() >= minSeq) {
                got.complete(v);
            }
        };
        loop.owner.execute(() -> {
            loop.live.follow(key, listener);
            loop.live.current(key).ifPresent(listener);
        });
        try {
            return got.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PageUnavailableException("interrupted while waiting for " + key.address(), e);
        } catch (ExecutionException | TimeoutException e) {
            Optional<LiveVersion> known = loop.ask(() -> loop.live.newestKnown(key), Optional.empty());
            int holders = loop.ask(() -> loop.live.holdersOnline(key), -1);
            throw new PageUnavailableException("no version " + (minSeq > 1 ? minSeq + " or later " : "") + "of "
                    + key.address() + " within " + timeout.toSeconds() + " s: " + (known.isPresent()
                    ? "version " + known.get().seq() + " was announced but its page could not be had"
                    : holders == 0 ? "nobody holds it now" : "no holder answered"), e);
        } finally {
            loop.owner.execute(() -> loop.live.removeListener(key, listener));
        }
    }

    /**
     * Publishes {@code bytes} as the next version of the live page {@code key} (whose private half is
     * {@code author}): joins its mesh, learns the newest version its holders have (waiting at most
     * {@code learn} for them, none if the server counts no holder), signs the next {@code seq}, holds the
     * page, and announces the version to every neighbour. Returns the version.
     */
    public LiveVersion publish(PrivateKey author, LiveKey key, byte[] bytes, Duration learn) {
        if (bytes.length > Math.min(config.maxPageBytes(), Mesh.MAX_PAGE_BYTES)) {
            throw new IllegalArgumentException("a live page's version is at most " + Math.min(config.maxPageBytes(), Mesh.MAX_PAGE_BYTES) + " bytes");
        }
        Page page = Page.of(bytes, null, null);
        follow(key, null);
        long deadline = System.nanoTime() + learn.toNanos();
        while (System.nanoTime() - deadline < 0) {
            boolean known = loop.ask(() -> loop.live.newestKnown(key).isPresent() || loop.live.holdersOnline(key) == 0, false);
            if (known) {
                break;
            }
            try {
                Thread.sleep(20); // a one-off wait of a command, bounded by learn
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        CompletableFuture<LiveVersion> done = new CompletableFuture<>();
        loop.owner.execute(() -> {
            try {
                long seq = loop.live.newestKnown(key).map(v -> v.seq() + 1).orElse(1L);
                LiveVersion v = LiveVersion.sign(author, key, seq, page.hash(), page.size());
                loop.live.publish(v, page);
                done.complete(v);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            return done.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish: " + (e.getCause() != null ? e.getCause().getMessage() : e), e);
        }
    }

    /** Closes every connection and leaves the server. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.close();
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
        if (!loop.hold(page)) {
            throw new IllegalStateException("no room to hold " + page.hash() + " (" + page.size()
                    + " bytes): the " + (config.storeDir() != null || store instanceof DiskStore ? "store" : "memory budget")
                    + " is full");
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
            // the fetch's own message says why: nobody online, or what each holder tried did
            throw new PageUnavailableException(cause instanceof TimeoutException
                    ? cause.getMessage() : "page " + hash + " could not be had: " + cause.getMessage(), cause);
        }
    }
}
