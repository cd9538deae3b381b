package ephemeral.e2e.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Innocent bystanders of an attack: browser-like holders of their own pages and wanters of them, asking at a
 * fixed rate (open loop) on their own generator thread, so an attacker's load cannot slow the measuring side.
 * Measures want sent → {@code content_request} received by a holder. A want still unrouted at the end
 * counts with its age then (a lower bound), so a server that stops routing shows as slow, not as missing.
 */
final class Innocents implements AutoCloseable {
    /** Each holder's pages: a repeat of one (wanter, page) within a second is rare at 2 wants/s per wanter. */
    static final int PAGES_PER_HOLDER = 10;
    /** How long wants sent in a window may take to be routed before they count as unrouted. */
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final NioLoad load;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "innocents");
        t.setDaemon(true);
        return t;
    });
    private final String[][] pages;
    private final List<NioLoad.Client> wanters;
    /** wanter peerId + hash → when its want was sent. */
    private final Map<String, Long> outstanding = new ConcurrentHashMap<>();
    /** error code → how many the wanters were sent (a refused want is never routed). */
    final Map<String, Long> refusals = new ConcurrentHashMap<>();
    private final List<Long> latencies = new ArrayList<>(); // selector thread adds, under its own lock
    private Run result;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;

    /** What the innocents saw in one window. */
    record Run(long sent, long routed, double p50, double p99) {
        long unrouted() {
            return sent - routed;
        }
    }

    private Innocents(NioLoad load, String[][] pages, List<NioLoad.Client> wanters) {
        this.load = load;
        this.pages = pages;
        this.wanters = wanters;
    }

    /** Connects the holders and wanters, announces the pages, and starts asking at {@code wantsPerSecond}. */
    static Innocents start(AttackServer server, int holders, int wanterCount, double wantsPerSecond) throws Exception {
        NioLoad load = new NioLoad();
        String[][] pages = new String[holders][PAGES_PER_HOLDER];
        for (int h = 0; h < holders; h++) {
            for (int k = 0; k < PAGES_PER_HOLDER; k++) {
                pages[h][k] = Frames.sha256("innocent " + h + " " + k);
            }
        }
        Innocents[] self = new Innocents[1];
        List<NioLoad.Client> holderClients = load.connect(server.ws(), holders, i -> (client, frame) -> {
            if (Frames.isType(frame, "content_request")) {
                self[0].routed(Frames.field(frame, "from") + Frames.field(frame, "hash"));
            }
        });
        List<NioLoad.Client> wanterClients = load.connect(server.ws(), wanterCount, i -> (client, frame) -> {
            if (Frames.isType(frame, "routed")) {
                client.send("{\"type\":\"unwant\",\"hash\":\"" + Frames.field(frame, "hash") + "\"}");
            } else if (Frames.isType(frame, "error")) {
                self[0].refusals.merge(Frames.field(frame, "code"), 1L, Long::sum);
            }
        });
        self[0] = new Innocents(load, pages, wanterClients);
        for (int h = 0; h < holders; h++) {
            for (String page : pages[h]) {
                holderClients.get(h).have(page);
            }
        }
        int entries = holders * PAGES_PER_HOLDER;
        if (!server.awaitStats(s -> s.get("holders").asInt() >= entries, 60)) {
            throw new IllegalStateException("innocent holders not registered: " + server.stats());
        }
        self[0].ask(wantsPerSecond);
        return self[0];
    }

    private void ask(double wantsPerSecond) {
        SplittableRandom random = new SplittableRandom(10);
        OpenLoop.start(ticker, wantsPerSecond, 5, n -> {
            NioLoad.Client w = wanters.get((int) (n % wanters.size()));
            String page = pages[random.nextInt(pages.length)][random.nextInt(PAGES_PER_HOLDER)];
            outstanding.put(w.peerId + page, System.nanoTime());
            w.want(page);
        });
    }

    private void routed(String key) {
        long now = System.nanoTime();
        Long sentAt = outstanding.remove(key);
        if (sentAt != null && sentAt >= windowStart && sentAt < windowEnd) {
            synchronized (latencies) {
                latencies.add(now - sentAt);
            }
        }
    }

    /** Starts a window: wants sent from now on are measured. */
    synchronized void begin() {
        result = null;
        synchronized (latencies) {
            latencies.clear();
        }
        windowEnd = Long.MAX_VALUE;
        windowStart = System.nanoTime();
    }

    /**
     * Ends the window, waits for its last wants to be routed (2 s at most), and reports it; later calls
     * return the same report (an attack ends the window itself before it measures the server's heap, since
     * the full GC that takes pauses the server).
     */
    synchronized Run end() throws InterruptedException {
        if (result != null) {
            return result;
        }
        long start = windowStart;
        long end = System.nanoTime();
        windowEnd = end;
        long deadline = end + GRACE_NANOS;
        while (System.nanoTime() < deadline && outstanding.values().stream().anyMatch(t -> t >= start && t < end)) {
            Thread.sleep(20);
        }
        long now = System.nanoTime();
        List<Long> all;
        synchronized (latencies) {
            all = new ArrayList<>(latencies);
        }
        int routed = all.size();
        outstanding.values().stream().filter(t -> t >= start && t < end).forEach(t -> all.add(now - t));
        long[] sorted = all.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        result = new Run(sorted.length, routed, Samples.percentile(sorted, 0.5) / 1e6, Samples.percentile(sorted, 0.99) / 1e6);
        return result;
    }

    /** Connections of the innocents the server closed (or that failed). */
    int dropped() {
        return load.dropped();
    }

    @Override
    public void close() throws Exception {
        ticker.shutdownNow();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        load.close();
    }
}
