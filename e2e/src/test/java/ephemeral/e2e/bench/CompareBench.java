package ephemeral.e2e.bench;

import ephemeral.e2e.bench.NioLoad.Handshake;
import ephemeral.e2e.bench.SignalingBench.RelayRun;
import ephemeral.e2e.bench.SignalingBench.RoutingRun;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Ours side by side with peerjs-server (relay) and bittorrent-tracker's WebSocket tracker (routing), each
 * in its own process on 127.0.0.1, driven by the same {@link NioLoad} clients speaking each server's
 * protocol, one right after the other in one run. Needs node and npm (the servers are installed from npm
 * into {@code e2e/target/bench-node}), so the smoke run skips it unless asked for by name.
 */
final class CompareBench {
    private CompareBench() {
    }

    static List<Figure> compare(Scale scale) throws Exception {
        NodeServer.install(); // before anything is measured: npm is slow and busy

        RoutingRun ours = SignalingBench.routingRun(scale, Handshake.BROWSER, false);
        Routing tracker = trackerRouting(scale);
        RelayRun ourRelay = SignalingBench.ourRelay(scale, Handshake.BROWSER, false);
        RelayRun peerjs = peerjsRelay(scale);
        int n = scale.connections();
        double ourRss = SignalingBench.ourIdle(n, Handshake.BROWSER).rssPerConnection();
        double peerjsRss = peerjsIdle(n);
        double trackerRss = trackerIdle(n);

        String routingNote = scale.routingHolders() + " holders + " + scale.routingWanters()
                + " wanters of one page (one swarm), closed loop, browser-like clients";
        return List.of(
                Figure.info("compare.routing.ours", ours.throughput(), "requests/s")
                        .withNote(routingNote + "; ours: want → content_request to one random holder" + SignalingBench.limit(ours.generatorShare())),
                Figure.info("compare.routing.tracker", tracker.throughput(), "offers/s")
                        .withNote("bittorrent-tracker 11.2.3: announce with one offer → the offer handed to one random other peer of the swarm; "
                                + tracker.received() + " offers delivered in the window" + (tracker.failures() > 0 ? ", " + tracker.failures() + " failure answers" : "")
                                + SignalingBench.limit(tracker.generatorShare())),
                Figure.atLeast("compare.routing.ratio", ours.throughput() / tracker.throughput(), "×", 5)
                        .withNote("ours ÷ bittorrent-tracker, same run"),
                Figure.info("compare.routing.ours.p50", ours.closedP50(), "ms"),
                Figure.info("compare.routing.tracker.p50", tracker.p50(), "ms")
                        .withNote("announce sent → offer received, closed loop"),
                Figure.info("compare.routing.ours.server_cpu_per_request", ours.cpuPerRequest(), "µs"),
                Figure.info("compare.routing.tracker.server_cpu_per_request", tracker.cpuPerRequest(), "µs"),
                Figure.info("compare.routing.ours.generator_cpu_share", ours.generatorShare(), "cores"),
                Figure.info("compare.routing.tracker.generator_cpu_share", tracker.generatorShare(), "cores"),
                Figure.info("compare.relay.ours", ourRelay.throughput(), "signals/s")
                        .withNote(scale.relayPairs() + " pairs × " + scale.relayWindow() + " in flight, closed loop, browser-like clients; " + ourRelay.note()
                                + SignalingBench.limit(ourRelay.generatorShare())),
                Figure.info("compare.relay.peerjs", peerjs.throughput(), "signals/s")
                        .withNote("peerjs-server 1.0.2: OFFER/ANSWER {dst, payload: {sdp}} relayed with src; the same pairs, window and SDP"
                                + (peerjs.refused() > 0 ? "; " + peerjs.refused() + " other answers" : "") + SignalingBench.limit(peerjs.generatorShare())),
                Figure.atLeast("compare.relay.ratio", ourRelay.throughput() / peerjs.throughput(), "×", 1.5)
                        .withNote("ours ÷ peerjs-server, same run"),
                Figure.info("compare.relay.ours.p50", ourRelay.p50(), "ms"),
                Figure.info("compare.relay.peerjs.p50", peerjs.p50(), "ms"),
                Figure.info("compare.relay.ours.server_cpu_per_signal", ourRelay.cpuPerSignal(), "µs"),
                Figure.info("compare.relay.peerjs.server_cpu_per_signal", peerjs.cpuPerSignal(), "µs"),
                Figure.info("compare.relay.ours.generator_cpu_share", ourRelay.generatorShare(), "cores"),
                Figure.info("compare.relay.peerjs.generator_cpu_share", peerjs.generatorShare(), "cores"),
                Figure.info("compare.rss_per_connection.ours", ourRss, "KB")
                        .withNote(n + " idle browser-like connections, each holding one page"),
                Figure.info("compare.rss_per_connection.peerjs", peerjsRss, "KB")
                        .withNote(n + " idle clients, each registered (OPEN received)"),
                Figure.info("compare.rss_per_connection.tracker", trackerRss, "KB")
                        .withNote(n + " idle clients, each announced in its own swarm"));
    }

    // ------------------------------------------------------------------------------ bittorrent-tracker

    /** A tracker's closed loop: offers delivered per second. */
    record Routing(double throughput, double p50, double cpuPerRequest, double generatorShare, long received, long failures) {
    }

    /** 20 printable ASCII characters: the tracker takes info_hash and peer_id as 20-"byte" strings. */
    private static String id20(String prefix, long n) {
        String digits = Long.toString(n);
        return prefix + "0".repeat(20 - prefix.length() - digits.length()) + digits;
    }

    private static String announce(String infoHash, String peerId, boolean holder, String event) {
        return "{\"action\":\"announce\",\"info_hash\":\"" + infoHash + "\",\"peer_id\":\"" + peerId + "\",\"numwant\":"
                + (holder ? 0 : 1) + ",\"uploaded\":0,\"downloaded\":0,\"left\":" + (holder ? 0 : 1024)
                + (event == null ? "" : ",\"event\":\"" + event + "\"") + ",\"offers\":[";
    }

    /**
     * bittorrent-tracker's WebSocket routing, shaped like ours: holders (left 0) announce with no offer;
     * wanters announce with one offer, which the tracker hands to one random other peer of the swarm (a
     * holder or a wanter; its choice). Whoever receives an offer, its wanter announces the next one at once.
     * Each offer's SDP carries its send time.
     */
    static Routing trackerRouting(Scale scale) throws Exception {
        String infoHash = "bench-routing-swarm!";
        int nh = scale.routingHolders();
        int nw = scale.routingWanters();
        try (NodeServer server = NodeServer.start(NodeServer.Kind.TRACKER); NioLoad load = new NioLoad(Handshake.BROWSER)) {
            AtomicBoolean closedLoop = new AtomicBoolean(true);
            AtomicLong delivered = new AtomicLong();
            AtomicLong answers = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            AtomicLong offerIds = new AtomicLong();
            Samples samples = new Samples(1 << 21);
            NioLoad.Client[] wanters = new NioLoad.Client[nw];
            String[] next = new String[nw]; // a wanter's announce, up to its offer
            Map<String, Integer> wanterIndex = new HashMap<>();
            for (int i = 0; i < nw; i++) {
                String peerId = id20("-BW0001-", i);
                wanterIndex.put(peerId, i);
                next[i] = announce(infoHash, peerId, false, null);
            }
            NioLoad.FrameHandler handler = (client, frame) -> {
                if (frame.startsWith("{\"action\":\"announce\",\"offer\":")) {
                    long sentAt = Sdp.sentAt(frame);
                    samples.add(System.nanoTime() - sentAt);
                    delivered.incrementAndGet();
                    Integer w = wanterIndex.get(Frames.field(frame, "peer_id"));
                    if (closedLoop.get() && w != null) {
                        wanters[w].send(next[w] + offer(offerIds.incrementAndGet()));
                    }
                } else if (frame.contains("\"failure reason\"")) {
                    failures.incrementAndGet();
                } else {
                    answers.incrementAndGet();
                }
            };
            URI uri = server.uri("/");
            List<NioLoad.Client> holders = load.connect(i -> uri, nh, i -> handler, false);
            for (int i = 0; i < nh; i++) {
                holders.get(i).send(announce(infoHash, id20("-BH0001-", i), true, "started") + "]}");
            }
            awaitCount(answers, nh, failures);
            List<NioLoad.Client> wanterList = load.connect(i -> uri, nw, i -> handler, false);
            for (int i = 0; i < nw; i++) {
                wanters[i] = wanterList.get(i);
            }
            for (int i = 0; i < nw; i++) {
                wanters[i].send(announce(infoHash, id20("-BW0001-", i), false, "started") + offer(offerIds.incrementAndGet()));
            }
            Warmup.await(scale, server);
            long failures0 = failures.get();
            SignalingBench.Window w = SignalingBench.Window.measure(delivered, server, load, samples, scale.routingSeconds());
            closedLoop.set(false);
            Thread.sleep(500);
            return new Routing(w.rate(), samples.millis(0.5), w.cpuMicrosPerOp(), w.generatorShare(),
                    w.ops(), failures.get() - failures0);
        }
    }

    /** The offers array of a wanter's announce, from its one offer on: an SDP carrying the send time. */
    private static String offer(long offerId) {
        return "{\"offer\":" + Sdp.json(true, System.nanoTime()) + ",\"offer_id\":\"" + id20("o", offerId) + "\"}]}";
    }

    /** Idle clients, each announced in a swarm of its own (as ours each hold one page). */
    static double trackerIdle(int n) throws Exception {
        try (NodeServer server = NodeServer.start(NodeServer.Kind.TRACKER); NioLoad load = new NioLoad(Handshake.BROWSER)) {
            AtomicLong answers = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            NioLoad.FrameHandler handler = (client, frame) -> {
                if (frame.contains("\"failure reason\"")) {
                    failures.incrementAndGet();
                } else {
                    answers.incrementAndGet();
                }
            };
            URI uri = server.uri("/");
            List<NioLoad.Client> warm = load.connect(i -> uri, 200, i -> handler, false);
            for (int i = 0; i < warm.size(); i++) {
                warm.get(i).send(announce(id20("warm-", i), id20("-BI0001-", i), true, "started") + "]}");
            }
            awaitCount(answers, warm.size(), failures);
            warm.forEach(NioLoad.Client::close);
            Thread.sleep(1_000);
            server.fullGc();
            long rss0 = server.rss();
            List<NioLoad.Client> clients = load.connect(i -> uri, n, i -> handler, false);
            for (int i = 0; i < n; i++) {
                clients.get(i).send(announce(id20("idle-", i), id20("-BI0002-", i), true, "started") + "]}");
            }
            awaitCount(answers, warm.size() + n, failures);
            server.fullGc();
            return (server.rss() - rss0) / 1024.0 / n;
        }
    }

    private static void awaitCount(AtomicLong count, long expected, AtomicLong failures) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count.get() < expected) {
            if (failures.get() > 0) {
                throw new IOException(failures.get() + " requests failed");
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("only " + count.get() + " of " + expected + " answers");
            }
            Thread.sleep(20);
        }
    }

    // ---------------------------------------------------------------------------------------- peerjs-server

    private static IntFunction<URI> peerjsUris(NodeServer server, String prefix) {
        return i -> server.uri("/peerjs?key=peerjs&id=" + prefix + i + "&token=t" + i);
    }

    /**
     * peerjs-server's relay: holder {@code h<i>} and wanter {@code w<i>} (ids the clients choose, as PeerJS
     * clients may) exchange OFFER/ANSWER messages {@code {type, dst, payload: {sdp}}}; the server relays
     * each to {@code dst} with {@code src} added. It pairs nobody and limits no rate, so nothing comes
     * first and the clients do not pace.
     */
    static RelayRun peerjsRelay(Scale scale) throws Exception {
        int n = scale.relayPairs();
        try (NodeServer server = NodeServer.start(NodeServer.Kind.PEERJS); NioLoad load = new NioLoad(Handshake.BROWSER)) {
            Relay[] relay = new Relay[1];
            NioLoad.Client[] holders = load.connect(peerjsUris(server, "h"), n, i -> (client, frame) -> {
                if (frame.startsWith("{\"type\":\"OFFER\"")) {
                    relay[0].received(i, false, frame);
                } else {
                    relay[0].refused(i, false, false);
                }
            }, true).toArray(new NioLoad.Client[0]);
            NioLoad.Client[] wanters = load.connect(peerjsUris(server, "w"), n, i -> (client, frame) -> {
                if (frame.startsWith("{\"type\":\"ANSWER\"")) {
                    relay[0].received(i, true, frame);
                } else {
                    relay[0].refused(i, true, false);
                }
            }, true).toArray(new NioLoad.Client[0]);
            String[] prefix = new String[2 * n];
            for (int i = 0; i < n; i++) {
                prefix[2 * i] = "{\"type\":\"ANSWER\",\"dst\":\"w" + i + "\",\"payload\":{\"sdp\":";
                prefix[2 * i + 1] = "{\"type\":\"OFFER\",\"dst\":\"h" + i + "\",\"payload\":{\"sdp\":";
            }
            relay[0] = new Relay(load, holders, wanters, scale.relayWindow(), 0, 0,
                    (pair, fromWanter, sdp) -> prefix[2 * pair + (fromWanter ? 1 : 0)] + sdp + "}}");
            try (Relay r = relay[0]) {
                return SignalingBench.measure(r, server, load, scale, false);
            }
        }
    }

    /** Idle clients, each registered with its id (OPEN received). */
    static double peerjsIdle(int n) throws Exception {
        try (NodeServer server = NodeServer.start(NodeServer.Kind.PEERJS); NioLoad load = new NioLoad(Handshake.BROWSER)) {
            List<NioLoad.Client> warm = load.connect(peerjsUris(server, "warm"), 200, i -> (client, frame) -> { }, true);
            warm.forEach(NioLoad.Client::close);
            Thread.sleep(1_000);
            server.fullGc();
            long rss0 = server.rss();
            load.connect(peerjsUris(server, "idle"), n, i -> (client, frame) -> { }, true);
            server.fullGc();
            return (server.rss() - rss0) / 1024.0 / n;
        }
    }
}
