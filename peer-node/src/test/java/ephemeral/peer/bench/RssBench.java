package ephemeral.peer.bench;

import ephemeral.peer.PeerConfig;
import ephemeral.peer.PeerNode;
import ephemeral.peer.PeerStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Memory and speed figures, run by hand in two JVMs so the seed's RSS is its own:
 * <pre>
 *   seed  SERVER PAGES SIZE_BYTES HASHFILE      # holds PAGES random pages, prints RSS/served every 2 s
 *   fetch SERVER HASHFILE COUNT reuse|fresh PAR # COUNT transfers; reuse: one wanter, fresh: a new peer each
 * </pre>
 */
public final class RssBench {
    public static void main(String[] args) throws Exception {
        PeerConfig cfg = PeerConfig.defaults().withServer(args[1]).withMaxConcurrentServes(256);
        if (args[0].equals("seed")) {
            seed(cfg, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Path.of(args[4]));
        } else {
            fetch(cfg, Path.of(args[2]), Integer.parseInt(args[3]), args[4].equals("fresh"), Integer.parseInt(args[5]));
        }
    }

    static void seed(PeerConfig cfg, int pages, int size, Path hashFile) throws Exception {
        long rss0 = PeerNode.rssKb();
        PeerNode node = PeerNode.start(cfg);
        long rssStarted = PeerNode.rssKb();
        Random r = new Random(42);
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            byte[] b = new byte[size];
            r.nextBytes(b);
            hashes.add(node.share(b));
        }
        Files.write(hashFile, hashes);
        System.gc();
        System.out.printf("seed: rss before start %d kB, after start %d kB, holding %d pages of %d B: %d kB%n",
                rss0, rssStarted, pages, size, PeerNode.rssKb());
        while (true) {
            Thread.sleep(2000);
            PeerStats s = node.stats();
            System.out.printf("seed: rss %d kB served %d linksOpen %d linksOpened %d failed %d busy %d heap %d kB%n",
                    PeerNode.rssKb(), s.transfersServed(), s.linksOpen(), s.linksOpened(), s.servesFailed(),
                    s.servesRefusedBusy(), (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1024);
        }
    }

    static void fetch(PeerConfig cfg, Path hashFile, int count, boolean fresh, int parallel) throws Exception {
        List<String> hashes = Files.readAllLines(hashFile);
        long t0 = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        CountDownLatch done = new CountDownLatch(parallel);
        PeerNode shared = fresh ? null : PeerNode.start(cfg);
        long bytes[] = new long[1];
        for (int w = 0; w < parallel; w++) {
            pool.execute(() -> {
                try {
                    int i;
                    while ((i = next.getAndIncrement()) < count) {
                        String h = hashes.get(i % hashes.size());
                        try {
                            if (fresh) {
                                try (PeerNode n = PeerNode.start(cfg)) {
                                    synchronized (bytes) { bytes[0] += n.get(h, Duration.ofSeconds(30)).length; }
                                }
                            } else {
                                byte[] b = shared.get(h, Duration.ofSeconds(30));
                                synchronized (bytes) { bytes[0] += b.length; }
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            System.err.println("fetch failed: " + e);
                        }
                        if (i % 100 == 0) {
                            System.out.printf("fetch: %d done, %.1f s%n", i, (System.nanoTime() - t0) / 1e9);
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("fetch: %d transfers (%s, %d parallel) in %.1f s = %.1f/s, %.1f MB/s, %d failed%n",
                count, fresh ? "fresh peer each" : "one reused wanter", parallel, secs, count / secs,
                bytes[0] / secs / 1e6, failed.get());
        if (shared != null) {
            shared.close();
        }
        pool.shutdown();
        PeerNode.disposeNative();
        System.exit(0);
    }
}
