package ephemeral.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ephemeral.e2e.bench.NioLoad.Handshake;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * The signaling server alone, as a separate process, under load from one generator process. Every figure
 * is measured with browser-like clients (Origin, deflate offered) against the default server; routing and
 * memory are also measured, for the record, with bare clients and with a server that accepts deflate.
 */
final class SignalingBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The server's default per-connection limit (200/s, burst 400), which clients keep below, with a margin. */
    static final double PACE_PER_SECOND = 190;
    static final int PACE_BURST = 380;
    static final String DEFLATE = "--permessage-deflate";

    private SignalingBench() {
    }

    // ---------------------------------------------------------------------------------------------- routing

    /** One closed-loop routing run, and (if asked) the open loop at half its rate. */
    record RoutingRun(double throughput, double closedP50, double closedP99, double cpuPerRequest, double generatorShare,
                      double openRate, double openP50, double openP99, double sameNodeP99, double crossNodeP99,
                      int deflating, int connections, long errors, int dropped) {
        /** Refusals and dropped connections, if any: a figure measured with them is suspect. */
        String trouble() {
            return (errors > 0 ? "; " + errors + " wants refused (asked again after 20 ms)" : "")
                    + (dropped > 0 ? "; " + dropped + " connections dropped by the server" : "");
        }
    }

    /** Routing throughput (closed loop), then want → content_request latency at half that rate. */
    static List<Figure> routing(Scale scale) throws Exception {
        RoutingRun browser = routingRun(scale, Handshake.BROWSER, true);
        List<Figure> figures = new ArrayList<>(List.of(
                Figure.atLeast("routing.throughput", browser.throughput(), "requests/s", 20_000)
                        .withNote(scale.routingHolders() + " holders, " + scale.routingWanters() + " wanters, one page, closed loop; "
                                + "browser-like clients (Origin, deflate offered), default server (deflate declined: "
                                + browser.deflating() + " of " + browser.connections() + " connections compressed)" + limit(browser.generatorShare())
                                + browser.trouble()),
                Figure.info("routing.closed_loop.p50", browser.closedP50(), "ms")
                        .withNote("want sent → content_request received, in that closed loop"),
                Figure.info("routing.server_cpu_per_request", browser.cpuPerRequest(), "µs")
                        .withNote("server CPU time per routed request (all threads); one core's capacity is 10⁶ / this"),
                Figure.info("routing.generator_cpu_share", browser.generatorShare(), "cores")
                        .withNote("CPU used by the load generator's one thread during the closed loop; near 1 it, not the server, is the limit"),
                Figure.info("routing.latency.rate", browser.openRate(), "requests/s"),
                Figure.info("routing.latency.p50", browser.openP50(), "ms"),
                Figure.atMost("routing.latency.p99", browser.openP99(), "ms", 5)
                        .withNote("want sent → content_request received, at half the closed-loop rate")));
        if (!scale.variants()) {
            return figures;
        }
        RoutingRun bare = routingRun(scale, Handshake.BARE, false);
        RoutingRun deflate = routingRun(scale, Handshake.BROWSER, false, DEFLATE);
        figures.addAll(List.of(
                Figure.info("routing.bare.throughput", bare.throughput(), "requests/s")
                        .withNote("the same closed loop with bare clients: no Origin, no deflate offer" + limit(bare.generatorShare()) + bare.trouble()),
                Figure.info("routing.bare.closed_loop.p50", bare.closedP50(), "ms"),
                Figure.info("routing.bare.server_cpu_per_request", bare.cpuPerRequest(), "µs"),
                Figure.info("routing.deflate.throughput", deflate.throughput(), "requests/s")
                        .withNote("server started with " + DEFLATE + ", browser-like clients: " + deflate.deflating() + " of "
                                + deflate.connections() + " connections compressed (no context takeover)" + limit(deflate.generatorShare())
                                + deflate.trouble()),
                Figure.info("routing.deflate.closed_loop.p50", deflate.closedP50(), "ms"),
                Figure.info("routing.deflate.server_cpu_per_request", deflate.cpuPerRequest(), "µs"),
                Figure.info("routing.deflate.extra_cpu_per_request", deflate.cpuPerRequest() - browser.cpuPerRequest(), "µs")
                        .withNote("what deflate adds to one routed request (one want in, a content_request and a routed out)")));
        return figures;
    }

    static RoutingRun routingRun(Scale scale, Handshake handshake, boolean openLoop, String... serverArgs) throws Exception {
        try (ServerProcess server = ServerProcess.start(serverArgs)) {
            return routingRun(scale, handshake, openLoop, List.of(server), server);
        }
    }

    /**
     * The routing loops against {@code servers} (the nodes of one cluster, or one server): holders and wanters
     * are spread over them in turn; {@code measured} is whose CPU a routed request is charged.
     */
    static RoutingRun routingRun(Scale scale, Handshake handshake, boolean openLoop, List<ServerProcess> servers,
                                 BenchServer measured) throws Exception {
        String page = Frames.sha256("routing benchmark");
        IntFunction<URI> spread = i -> servers.get(i % servers.size()).ws();
        try (NioLoad load = new NioLoad(handshake)) {
            AtomicBoolean closedLoop = new AtomicBoolean(true);
            AtomicLong routed = new AtomicLong();
            int nw = scale.routingWanters();
            NioLoad.Client[] wanters = new NioLoad.Client[nw];
            Map<String, Integer> wanterIndex = new HashMap<>();
            long[] sentAt = new long[nw];
            Samples closed = new Samples(1 << 21);
            Samples open = new Samples(1 << 21);
            // with several nodes, the open loop's wants whose holder is on the wanter's node, and the others
            Samples sameNode = new Samples(1 << 21);
            Samples crossNode = new Samples(1 << 21);
            sameNode.on = true;
            crossNode.on = true;

            List<NioLoad.Client> holders = load.connect(spread, scale.routingHolders(), i -> (client, frame) -> {
                if (!Frames.isType(frame, "content_request")) {
                    return;
                }
                long now = System.nanoTime();
                routed.incrementAndGet();
                int w = wanterIndex.get(Frames.field(frame, "from"));
                closed.add(now - sentAt[w]);
                open.add(now - sentAt[w]);
                if (open.on) {
                    (i % servers.size() == w % servers.size() ? sameNode : crossNode).add(now - sentAt[w]);
                }
                if (closedLoop.get()) {
                    sentAt[w] = System.nanoTime();
                    wanters[w].want(page); // as fast as the server answers
                }
            }, true);
            holders.forEach(h -> h.have(page));
            // A wanter over its rate limit is refused and never routed; it asks again shortly, so that a
            // small run (few wanters, each pushed past its limit) keeps its loop going.
            ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
            AtomicLong errors = new AtomicLong();
            List<NioLoad.Client> wanterList = load.connect(spread, nw, i -> (client, frame) -> {
                if (closedLoop.get() && Frames.isType(frame, "error")) {
                    errors.incrementAndGet();
                    retries.schedule(() -> {
                        sentAt[i] = System.nanoTime();
                        client.want(page);
                    }, 20, TimeUnit.MILLISECONDS);
                }
            }, true);
            for (int i = 0; i < nw; i++) {
                wanters[i] = wanterList.get(i);
                wanterIndex.put(wanters[i].peerId, i);
            }
            for (ServerProcess server : servers) { // every node knows every holder (cluster-wide counts)
                awaitStats(server, s -> s.get("holders").asInt() == scale.routingHolders());
            }

            for (int i = 0; i < nw; i++) {
                sentAt[i] = System.nanoTime();
                wanters[i].want(page);
            }
            Warmup.await(scale, measured);
            Window w = Window.measure(routed, measured, load, closed, scale.routingSeconds());
            closedLoop.set(false);
            retries.shutdownNow();
            Thread.sleep(500);
            int deflating = load.deflating();
            int connections = scale.routingHolders() + nw;
            if (!openLoop) {
                return new RoutingRun(w.rate(), closed.millis(0.5), closed.millis(0.99), w.cpuMicrosPerOp(), w.generatorShare(),
                        Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, deflating, connections, errors.get(),
                        load.dropped());
            }

            // Open loop at half the measured rate, spread evenly over the wanters, one tick per millisecond.
            OpenLoop.run(w.rate() / 2, 1, n -> {
                int i = (int) (n % nw);
                sentAt[i] = System.nanoTime();
                wanters[i].want(page);
            }, open, scale.routingSeconds());
            return new RoutingRun(w.rate(), closed.millis(0.5), closed.millis(0.99), w.cpuMicrosPerOp(), w.generatorShare(),
                    open.count() / (double) scale.routingSeconds(), open.millis(0.5), open.millis(0.99),
                    sameNode.millis(0.99), crossNode.millis(0.99), deflating, connections,
                    errors.get(), load.dropped());
        }
    }

    /** What one measuring window of a closed loop saw: the rate of {@code counter}, and who spent CPU on it. */
    record Window(long ops, double rate, double cpuMicrosPerOp, double generatorShare) {
        static Window measure(AtomicLong counter, BenchServer server, NioLoad load, Samples samples, int seconds)
                throws IOException, InterruptedException {
            long n0 = counter.get();
            long cpu0 = server.cpuNanos();
            long gen0 = load.cpuNanos();
            long t0 = System.nanoTime();
            samples.on = true;
            Thread.sleep(seconds * 1_000L);
            samples.on = false;
            long ops = counter.get() - n0;
            long wall = System.nanoTime() - t0;
            double cpu = (server.cpuNanos() - cpu0) / 1e3 / Math.max(1, ops);
            return new Window(ops, ops / (wall / 1e9), cpu, (load.cpuNanos() - gen0) / (double) wall);
        }
    }

    // ------------------------------------------------------------------------------------------------ relay

    /** One closed relay loop. */
    record RelayRun(double throughput, double p50, double cpuPerSignal, double generatorShare, long refused, long paced,
                    double openRate, double openP50, double openP99) {
        String note() {
            return (refused > 0 ? refused + " signals refused (sent again); " : "")
                    + (paced > 0 ? paced + " sends held back by client-side pacing" : "no send held back by pacing");
        }
    }

    /** Relay: paired holders and wanters signal each other, 8 in flight per pair, closed loop. */
    static List<Figure> relay(Scale scale) throws Exception {
        RelayRun run = ourRelay(scale, Handshake.BROWSER, true);
        return List.of(
                Figure.info("relay.throughput", run.throughput(), "signals/s")
                        .withNote(scale.relayPairs() + " holder/wanter pairs (paired by a real want → content_request), "
                                + scale.relayWindow() + " signals in flight per pair, closed loop, ~450 B SDP each; browser-like clients; "
                                + run.note() + limit(run.generatorShare())),
                Figure.info("relay.p50", run.p50(), "ms").withNote("signal sent → relayed signal received, in that closed loop "
                        + "(queueing: see relay.latency.* for latency)"),
                Figure.info("relay.server_cpu_per_signal", run.cpuPerSignal(), "µs"),
                Figure.info("relay.generator_cpu_share", run.generatorShare(), "cores"),
                Figure.info("relay.latency.rate", run.openRate(), "signals/s")
                        .withNote("open loop at half the closed-loop rate, spread evenly over the pairs"),
                Figure.info("relay.latency.p50", run.openP50(), "ms"),
                Figure.info("relay.latency.p99", run.openP99(), "ms").withNote("signal sent → relayed signal received, at that rate"));
    }

    /** @param openLoop also measure latency at half the closed-loop rate ({@link Relay#openLoop}) */
    static RelayRun ourRelay(Scale scale, Handshake handshake, boolean openLoop, String... serverArgs) throws Exception {
        int n = scale.relayPairs();
        try (ServerProcess server = ServerProcess.start(serverArgs); NioLoad load = new NioLoad(handshake)) {
            String[] hashes = new String[n];
            for (int i = 0; i < n; i++) {
                hashes[i] = Frames.sha256("relay pair " + i);
            }
            String[] prefix = new String[2 * n]; // per side of a pair: the signal frame up to its SDP
            CountDownLatch paired = new CountDownLatch(2 * n);
            Relay[] relay = new Relay[1];
            NioLoad.Client[] holders = load.connect(server.ws(), n, i -> (client, frame) -> {
                if (Frames.isType(frame, "signal")) {
                    relay[0].received(i, false, frame);
                } else if (Frames.isType(frame, "content_request")) {
                    prefix[2 * i] = signalPrefix(Frames.field(frame, "from"), hashes[i]);
                    paired.countDown();
                } else if (Frames.isType(frame, "error")) {
                    relay[0].refused(i, false, frame.contains("\"rate_limited\""));
                }
            }).toArray(new NioLoad.Client[0]);
            NioLoad.Client[] wanters = load.connect(server.ws(), n, i -> (client, frame) -> {
                if (Frames.isType(frame, "signal")) {
                    relay[0].received(i, true, frame);
                } else if (Frames.isType(frame, "routed")) {
                    prefix[2 * i + 1] = signalPrefix(Frames.field(frame, "holder"), hashes[i]);
                    paired.countDown();
                } else if (Frames.isType(frame, "error")) {
                    relay[0].refused(i, true, frame.contains("\"rate_limited\""));
                }
            }).toArray(new NioLoad.Client[0]);
            relay[0] = new Relay(load, holders, wanters, scale.relayWindow(), PACE_PER_SECOND, PACE_BURST,
                    (pair, fromWanter, sdp) -> prefix[2 * pair + (fromWanter ? 1 : 0)] + sdp + "}}");
            for (int i = 0; i < n; i++) {
                holders[i].have(hashes[i]);
            }
            awaitStats(server, s -> s.get("holders").asInt() == n);
            for (int i = 0; i < n; i++) {
                wanters[i].want(hashes[i]);
            }
            if (!paired.await(60, TimeUnit.SECONDS)) {
                throw new IOException("pairs not routed: " + paired.getCount() + " sides missing");
            }
            try (Relay r = relay[0]) {
                return measure(r, server, load, scale, openLoop);
            }
        }
    }

    private static String signalPrefix(String to, String hash) {
        return "{\"type\":\"signal\",\"to\":\"" + to + "\",\"hash\":\"" + hash + "\",\"data\":{\"sdp\":";
    }

    /** Runs a relay loop: warm-up, one measured window, lets what is in flight arrive; then perhaps the open loop. */
    static RelayRun measure(Relay relay, BenchServer server, NioLoad load, Scale scale, boolean openLoop) throws Exception {
        relay.start();
        Warmup.await(scale, server);
        long refused0 = relay.refused.get();
        long paced0 = relay.paced.get();
        Window w = Window.measure(relay.relayed, server, load, relay.latencies, scale.relaySeconds());
        relay.stop();
        Thread.sleep(300);
        long refused = relay.refused.get() - refused0;
        long paced = relay.paced.get() - paced0;
        if (openLoop) {
            relay.openLoop(w.rate() / 2, scale.relaySeconds());
        }
        return new RelayRun(w.rate(), relay.latencies.millis(0.5), w.cpuMicrosPerOp(), w.generatorShare(), refused, paced,
                relay.open.count() / (double) scale.relaySeconds(), relay.open.millis(0.5), relay.open.millis(0.99));
    }

    // ------------------------------------------------------------------------------------------ connections

    /** The server's memory for idle connections. */
    record Idle(double rssPerConnection, double heapPerConnection, double serverRss, int deflating) {
    }

    /** Many concurrent connections, each holding one page: the server's memory per connection. */
    static List<Figure> connections(Scale scale) throws Exception {
        int n = scale.connections();
        Idle browser = ourIdle(n, Handshake.BROWSER);
        List<Figure> figures = new ArrayList<>(List.of(
                Figure.atMost("connections.rss_per_connection", browser.rssPerConnection(), "KB", 12)
                        .withNote(n + " browser-like WebSocket peers each holding one page, default server"),
                Figure.info("connections.heap_per_connection", browser.heapPerConnection(), "KB"),
                Figure.info("connections.server_rss", browser.serverRss(), "MB")));
        if (!scale.variants()) {
            return figures;
        }
        Idle bare = ourIdle(n, Handshake.BARE);
        Idle deflate = ourIdle(n, Handshake.BROWSER, DEFLATE);
        figures.addAll(List.of(
                Figure.info("connections.bare.rss_per_connection", bare.rssPerConnection(), "KB")
                        .withNote("the same with bare clients (no Origin, no deflate offer)"),
                Figure.info("connections.deflate.rss_per_connection", deflate.rssPerConnection(), "KB")
                        .withNote("server started with " + DEFLATE + ", browser-like clients: " + deflate.deflating() + " of " + n
                                + " connections compressed (no context takeover)"),
                Figure.info("connections.deflate.heap_per_connection", deflate.heapPerConnection(), "KB"),
                Figure.info("connections.deflate.extra_rss_per_connection", deflate.rssPerConnection() - browser.rssPerConnection(), "KB")));
        return figures;
    }

    static Idle ourIdle(int n, Handshake handshake, String... serverArgs) throws Exception {
        try (ServerProcess server = ServerProcess.start(serverArgs); NioLoad load = new NioLoad(handshake)) {
            // warm up the code paths, then measure from an idle baseline
            List<NioLoad.Client> warm = load.connect(server.ws(), 200, i -> (client, frame) -> { });
            for (int i = 0; i < warm.size(); i++) {
                warm.get(i).have(Frames.sha256("warm " + i));
            }
            awaitStats(server, s -> s.get("holders").asInt() == warm.size());
            warm.forEach(NioLoad.Client::close);
            awaitStats(server, s -> s.get("connections").asInt() == 0);
            int warmDeflating = load.deflating();
            // both snapshots the same way: full GC first, then RSS, so a GC between them can't skew the delta
            long heap0 = server.heapUsedAfterGc();
            long rss0 = server.rss();
            List<NioLoad.Client> clients = load.connect(server.ws(), n, i -> (client, frame) -> { });
            for (int i = 0; i < n; i++) {
                clients.get(i).have(Frames.sha256("page " + i));
            }
            awaitStats(server, s -> s.get("holders").asInt() == n);
            long heap1 = server.heapUsedAfterGc();
            long rss1 = server.rss();
            return new Idle((rss1 - rss0) / 1024.0 / n, (heap1 - heap0) / 1024.0 / n, rss1 / 1048576.0,
                    load.deflating() - warmDeflating);
        }
    }

    // ------------------------------------------------------------------------------------------------ storm

    /** A join storm: many peers announce one page within a second; count the peers messages it costs. */
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
            if (sawAll.get() < n) { // a figure from a storm that never settled would be a wrong one
                throw new IllegalStateException("only " + sawAll.get() + " of " + n + " peers saw the final count in 30 s");
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

    // -------------------------------------------------------------------------------------------- helpers

    /** Says when the load generator's one thread, not the server, set a closed loop's pace. */
    static String limit(double generatorShare) {
        return generatorShare >= 0.85
                ? String.format(java.util.Locale.ROOT, "; the load generator's thread was busy %.0f%% of the time: it is the limit", generatorShare * 100)
                : "";
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
        figures.addAll(relay(scale));
        figures.addAll(connections(scale));
        figures.addAll(joinStorm(scale));
        return figures;
    }
}
