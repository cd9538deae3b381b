package ephemeral.peer.seed;

import ephemeral.peer.KeepListener;
import ephemeral.peer.PeerConfig;
import ephemeral.peer.PeerNode;
import ephemeral.peer.SignalingUnavailableException;
import ephemeral.peer.store.DiskStore;
import ephemeral.protocol.signaling.ClientMessage;
import ephemeral.protocol.signaling.ServerMessage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A volunteer seed (docs/protocol.md, "Keep-alive"): offers the server its free room, takes the keep
 * requests it is sent (and, with {@code adoptWeak}, pages down to one holder), fetches each page from a
 * holder like any wanter — so the bytes are verified against the hash before they are kept — serves it
 * from its store, and drops it when its time is up. The store and {@link Keeps} survive restarts.
 */
public final class Seed implements KeepListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Seed.class);
    /** Denied pages already held are looked for this often (the deny list may be edited while running). */
    private static final long SWEEP_SECONDS = 30;

    private final SeedOptions options;
    private final DiskStore store;
    private final Keeps keeps;
    private final DenyList deny;
    private final long maxPage;
    private final PeerNode node;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "seed-expiry");
        t.setDaemon(true);
        return t;
    });
    /** Pages being fetched, with the time a keep request asked for (null: a weak page nobody asked for). */
    private final Map<String, Instant> fetching = new HashMap<>();
    private ScheduledFuture<?> nextExpiry;

    private Seed(SeedOptions options, DiskStore store, Keeps keeps, DenyList deny, PeerNode node) {
        this.options = options;
        this.store = store;
        this.keeps = keeps;
        this.deny = deny;
        this.node = node;
        this.maxPage = Math.min(options.maxPage(), node.config().maxPageBytes());
    }

    /**
     * Opens the store, forgets what expired or was denied while stopped, connects, serves what is left and
     * offers the rest of its room to the server.
     */
    public static Seed start(PeerConfig config, SeedOptions options) throws IOException, SignalingUnavailableException {
        DiskStore store = new DiskStore(options.store(), options.capacity());
        Keeps keeps = Keeps.open(options.store());
        DenyList deny = new DenyList(options.denyFile());
        Instant now = Instant.now();
        for (String hash : keeps.all().keySet()) {
            if (!store.contains(hash)) {
                keeps.remove(hash);
            }
        }
        for (String hash : store.hashes()) {
            if (keeps.until(hash).isEmpty()) {
                keeps.extend(hash, now.plus(options.keepFor())); // put there by hand: kept like a new page
            }
        }
        for (String hash : keeps.expired(now)) {
            LOG.info("{} expired while the seed was stopped: dropped", hash);
            store.remove(hash);
            keeps.remove(hash);
        }
        Seed seed = new Seed(options, store, keeps, deny, PeerNode.start(config, store));
        seed.dropDenied();
        seed.node.setKeepListener(seed);
        seed.offer();
        // started means the server knows the offer: a keep sent right after start finds this volunteer
        seed.node.sync(config.connectTimeout());
        seed.scheduleExpiry();
        seed.timer.scheduleWithFixedDelay(seed::dropDenied, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
        return seed;
    }

    public PeerNode node() {
        return node;
    }

    public Keeps keeps() {
        return keeps;
    }

    /** Bytes this seed can still take. */
    public long free() {
        return Math.max(0, options.capacity() - store.usedBytes());
    }

    @Override
    public void onWelcome() {
        offer();
    }

    @Override
    public synchronized void onKeepRequest(ServerMessage.KeepRequest r) {
        String hash = r.hash();
        Duration wish = r.seconds() == null ? options.keepFor() : Duration.ofSeconds(r.seconds());
        Instant until = Instant.now().plus(wish.compareTo(options.keepFor()) < 0 ? wish : options.keepFor());
        if (deny.denies(hash)) {
            failed(hash, "this seed's operator does not keep that page");
        } else if (store.contains(hash)) {
            kept(hash, keeps.extend(hash, until)); // a renewal
        } else if (fetching.containsKey(hash)) {
            fetching.merge(hash, until, (a, b) -> a == null || b.isAfter(a) ? b : a); // answered when it arrives
        } else if (r.size() > maxPage) {
            failed(hash, "pages over " + maxPage + " bytes are not kept here");
        } else if (r.size() > free()) {
            failed(hash, "no room: " + free() + " bytes free");
        } else {
            fetch(hash, until);
        }
    }

    @Override
    public synchronized void onWeak(ServerMessage.Weak w) {
        String hash = w.hash();
        boolean fits = w.size() == null || w.size() <= maxPage && w.size() <= free();
        if (fits && !deny.denies(hash) && !store.contains(hash) && !fetching.containsKey(hash)) {
            LOG.info("{} is down to one holder: adopting it", hash);
            fetch(hash, null);
        }
    }

    private void fetch(String hash, Instant asked) {
        fetching.put(hash, asked);
        node.fetch(hash, true, options.fetchTimeout()).whenComplete((page, error) -> {
            synchronized (this) {
                Instant wanted = fetching.remove(hash);
                if (error != null) {
                    LOG.info("could not keep {}: {}", hash, error.getMessage());
                    if (wanted != null) {
                        failed(hash, error.getMessage());
                    }
                    return;
                }
                Instant until = keeps.extend(hash, wanted != null ? wanted : Instant.now().plus(options.keepFor()));
                LOG.info("keeping {} ({} bytes) until {}", hash, page.size(), until);
                if (wanted != null) {
                    kept(hash, until);
                }
                offer();
                scheduleExpiry();
            }
        });
    }

    private void kept(String hash, Instant until) {
        node.send(new ClientMessage.Kept(hash, until.getEpochSecond()));
        scheduleExpiry();
    }

    private void failed(String hash, String reason) {
        String r = reason == null ? "failed" : reason;
        node.send(new ClientMessage.KeepFailed(hash, r.length() > ClientMessage.KeepFailed.MAX_REASON
                ? r.substring(0, ClientMessage.KeepFailed.MAX_REASON - 1) + "…" : r));
    }

    /** Tells the server how much room is left (after every change, and on each connection). */
    private void offer() {
        node.send(new ClientMessage.Volunteer(free(), maxPage, options.adoptWeak() ? true : null));
    }

    private synchronized void scheduleExpiry() {
        if (nextExpiry != null) {
            nextExpiry.cancel(false);
        }
        nextExpiry = keeps.next().map(at -> timer.schedule(this::expire,
                Math.max(0, Duration.between(Instant.now(), at).toMillis()), TimeUnit.MILLISECONDS)).orElse(null);
    }

    private synchronized void expire() {
        for (String hash : keeps.expired(Instant.now())) {
            LOG.info("{}: its time is up, dropped", hash);
            drop(hash);
        }
        scheduleExpiry();
    }

    private synchronized void dropDenied() {
        for (String hash : deny.all()) {
            if (store.contains(hash)) {
                LOG.info("{} is on the deny list: dropped", hash);
                drop(hash);
            }
        }
    }

    private void drop(String hash) {
        node.drop(hash);
        keeps.remove(hash);
        offer();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        node.close();
    }
}
