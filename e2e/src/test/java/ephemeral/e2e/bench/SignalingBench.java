package ephemeral.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** Figures 1–3: the signaling server alone, as a separate process, under load from one generator process. */
final class SignalingBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SignalingBench() {
    }

    /** 1. Routing throughput (closed loop), then want → content_request latency at half that rate. */
    static List<Figure> routing(Scale scale) throws Exception {
        String page = Frames.sha256("routing benchmark");
        try (ServerProcess server = ServerProcess.start(); NioLoad load = new NioLoad()) {
            AtomicBoolean closedLoop = new AtomicBoolean(true);
            AtomicLong routed = new AtomicLong();
            Map<String, NioLoad.Client> wanters = new HashMap<>();
            long[] sentAt = new long[scale.routingWanters()];
            Map<String, Integer> wanterIndex = new HashMap<>();
            long[] latencies = new long[4_000_000];
            AtomicLong latencyCount = new AtomicLong();
            AtomicBoolean recordLatency = new AtomicBoolean();

            List<NioLoad.Client> holders = load.connect(server.ws(), scale.routingHolders(), i -> (client, frame) -> {
                if (!Frames.isType(frame, "content_request")) {
                    return;
                }
                long now = System.nanoTime();
                routed.incrementAndGet();
                String from = Frames.field(frame, "from");
                if (recordLatency.get()) {
                    int w = wanterIndex.get(from);
                    long n = latencyCount.getAndIncrement();
                    if (n < latencies.length) {
                        latencies[(int) n] = now - sentAt[w];
                    }
                }
                if (closedLoop.get()) {
                    wanters.get(from).want(page); // as fast as the server answers
                }
            });
            holders.forEach(h -> h.have(page));
            // A wanter over its rate limit is refused and never routed; it asks again shortly, so that a
            // small run (few wanters, each pushed past its limit) keeps its loop going.
            ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
            List<NioLoad.Client> wanterList = load.connect(server.ws(), scale.routingWanters(), i -> (client, frame) -> {
                if (closedLoop.get() && Frames.isType(frame, "error")) {
                    retries.schedule(() -> client.want(page), 20, TimeUnit.MILLISECONDS);
                }
            });
            for (int i = 0; i < wanterList.size(); i++) {
                wanters.put(wanterList.get(i).peerId, wanterList.get(i));
                wanterIndex.put(wanterList.get(i).peerId, i);
            }
            awaitStats(server, s -> s.get("holders").asInt() == scale.routingHolders());

            wanterList.forEach(w -> w.want(page));
            Thread.sleep(5_000); // warm-up: until the JIT has compiled the hot paths, CPU time is mostly compiling
            long r0 = routed.get();
            long cpu0 = Procs.cpuNanos(server.pid());
            long t0 = System.nanoTime();
            Thread.sleep(scale.routingSeconds() * 1_000L);
            long requests = routed.get() - r0;
            double throughput = requests / ((System.nanoTime() - t0) / 1e9);
            double cpuPerRequest = (Procs.cpuNanos(server.pid()) - cpu0) / 1e3 / requests;
            closedLoop.set(false);
            retries.shutdownNow();
            Thread.sleep(500);

            // Open loop at half the measured rate, spread evenly over the wanters, one tick per millisecond.
            double perTick = throughput / 2 / 1_000;
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
            AtomicLong sent = new AtomicLong();
            double[] owed = {0};
            recordLatency.set(true);
            ticker.scheduleAtFixedRate(() -> {
                owed[0] += perTick;
                while (owed[0] >= 1) {
                    owed[0] -= 1;
                    int w = (int) (sent.getAndIncrement() % wanterList.size());
                    sentAt[w] = System.nanoTime();
                    wanterList.get(w).want(page);
                }
            }, 0, 1, TimeUnit.MILLISECONDS);
            Thread.sleep(scale.routingSeconds() * 1_000L);
            ticker.shutdownNow();
            Thread.sleep(300);
            recordLatency.set(false);
            int n = (int) Math.min(latencyCount.get(), latencies.length);
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            double achieved = n / (double) scale.routingSeconds();
            return List.of(
                    Figure.atLeast("routing.throughput", throughput, "requests/s", 20_000)
                            .withNote(scale.routingHolders() + " holders, " + scale.routingWanters() + " wanters, one page, closed loop"),
                    Figure.info("routing.server_cpu_per_request", cpuPerRequest, "µs")
                            .withNote("server CPU time per routed request (all threads); one core's capacity is 10⁶ / this"),
                    Figure.info("routing.latency.rate", achieved, "requests/s"),
                    Figure.info("routing.latency.p50", millis(percentile(sorted, 0.50)), "ms"),
                    Figure.atMost("routing.latency.p99", millis(percentile(sorted, 0.99)), "ms", 20)
                            .withNote("want sent → content_request received, at half the closed-loop rate"));
        }
    }

    /** 2. Many concurrent connections, each holding one page: the server's memory per connection. */
    static List<Figure> connections(Scale scale) throws Exception {
        try (ServerProcess server = ServerProcess.start(); NioLoad load = new NioLoad()) {
            // warm up the code paths, then measure from an idle baseline
            List<NioLoad.Client> warm = load.connect(server.ws(), 200, i -> (client, frame) -> { });
            warm.forEach(NioLoad.Client::close);
            awaitStats(server, s -> s.get("connections").asInt() == 0);
            // both snapshots the same way: full GC first, then RSS, so a GC between them can't skew the delta
            long heap0 = server.heapUsedAfterGc();
            long rss0 = server.rss();
            int n = scale.connections();
            List<NioLoad.Client> clients = load.connect(server.ws(), n, i -> (client, frame) -> { });
            for (int i = 0; i < n; i++) {
                clients.get(i).have(Frames.sha256("page " + i));
            }
            awaitStats(server, s -> s.get("holders").asInt() == n);
            long heap1 = server.heapUsedAfterGc();
            long rss1 = server.rss();
            return List.of(
                    Figure.atMost("connections.rss_per_connection", (rss1 - rss0) / 1024.0 / n, "KB", 30)
                            .withNote(n + " WebSocket peers each holding one page"),
                    Figure.info("connections.heap_per_connection", (heap1 - heap0) / 1024.0 / n, "KB"),
                    Figure.info("connections.server_rss", rss1 / 1048576.0, "MB"));
        }
    }

    /** 3. A join storm: many peers announce one page within a second; count the peers messages it costs. */
    static List<Figure> joinStorm(Scale scale) throws Exception {
        String page = Frames.sha256("join storm");
        try (ServerProcess server = ServerProcess.start(); NioLoad load = new NioLoad()) {
            int n = scale.stormPeers();
            AtomicLong received = new AtomicLong();
            AtomicLong sawAll = new AtomicLong();
            List<NioLoad.Client> clients = load.connect(server.ws(), n, i -> (client, frame) -> {
                if (Frames.isType(frame, "peers")) {
                    received.incrementAndGet();
                    if (Frames.intField(frame, "holders") == n) {
                        sawAll.incrementAndGet();
                    }
                }
            });
            long before = stats(server).get("peersMessagesSent").asLong();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long due = t0 + TimeUnit.MILLISECONDS.toNanos((long) scale.stormMillis() * i / n);
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                clients.get(i).have(page);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (sawAll.get() < n && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            double settled = (System.nanoTime() - t0) / 1e6;
            Thread.sleep(1_000); // any stragglers
            long sent = stats(server).get("peersMessagesSent").asLong() - before;
            return List.of(
                    Figure.atMost("storm.peers_messages_per_peer", sent / (double) n, "messages", 10)
                            .withNote(n + " peers announce one page within " + scale.stormMillis() + " ms; " + sent + " in total (N² would be " + (long) n * n + ")"),
                    Figure.info("storm.received_per_peer", received.get() / (double) n, "messages"),
                    Figure.info("storm.all_see_final_count_after", settled, "ms"));
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double millis(double nanos) {
        return nanos / 1e6;
    }

    static JsonNode stats(ServerProcess server) throws IOException, InterruptedException {
        return JSON.readTree(server.stats());
    }

    static void awaitStats(ServerProcess server, Predicate<JsonNode> condition) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode s;
        while (!condition.test(s = stats(server))) {
            if (System.nanoTime() > deadline) {
                throw new IOException("server never reached the expected state: " + s);
            }
            Thread.sleep(20);
        }
    }

    static List<Figure> all(Scale scale) throws Exception {
        List<Figure> figures = new ArrayList<>();
        figures.addAll(routing(scale));
        figures.addAll(connections(scale));
        figures.addAll(joinStorm(scale));
        return figures;
    }
}
