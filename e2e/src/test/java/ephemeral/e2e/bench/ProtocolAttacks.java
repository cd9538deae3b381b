package ephemeral.e2e.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Attacks in the signaling protocol's own words (issue #10's table, server rows): roster poisoning, a want
 * flood steered with {@code exclude}, a roster filled with {@code have}s. Attackers are browser-like
 * {@link NioLoad} clients on a generator thread of their own, apart from the innocents'.
 */
final class ProtocolAttacks {
    private ProtocolAttacks() {
    }

    // ------------------------------------------------------------------------------------ (a) poisoning

    /**
     * Liars {@code have} a page they do not hold, beside one honest holder; honest wanters each ask for it
     * about once a second (as a visitor's retry would) and {@code report} a liar they are routed to. The
     * share of routes that reach liars after a settling time, for each number of liars; with
     * {@code falseReports}, three sybil wanters also report the honest holder whenever routed to it.
     */
    static List<Figure> poison(AttackServer server, AttackScale s, String prefix, Innocents innocents) throws Exception {
        List<Figure> figures = new ArrayList<>();
        try (NioLoad load = new NioLoad()) {
            Poison p = new Poison(load, server, s);
            for (int liars : s.liarCounts()) {
                double share = p.share(liars, 0);
                figures.add(Figure.info(prefix + "liar_share." + liars + "_liars", share * 100, "%")
                        .withNote(liars + " liar(s) + 1 honest holder; " + s.poisonWanters() + " honest wanters each want the page every 1.1 s and "
                                + "report a liar they are routed to; share of routes to liars over " + s.windowSeconds() + " s after "
                                + s.settleSeconds() + " s; blind 1/N would give " + pct(liars / (liars + 1.0))));
            }
            if (s.falseReports()) {
                int liars = 3;
                double share = p.share(liars, 3);
                figures.add(Figure.info(prefix + "liar_share." + liars + "_liars_3_false_reporters", share * 100, "%")
                        .withNote("as above with 3 liars, and 3 sybil wanters that report the honest holder each time they are routed to it"));
            }
        }
        return figures;
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.0f %%", share * 100);
    }

    /** One poisoning setup: the honest wanters stay connected from one page to the next. */
    private static final class Poison {
        private final NioLoad load;
        private final AttackServer server;
        private final AttackScale s;
        private final Set<String> liarIds = ConcurrentHashMap.newKeySet();
        private final AtomicLong toLiars = new AtomicLong();
        private final AtomicLong routes = new AtomicLong();
        private final List<NioLoad.Client> wanters;
        private volatile String page = "";
        private volatile String honestId = "";
        private volatile boolean counting;
        /** Holder entries before any page of this row: the innocents'. */
        private final long baseHolders;

        Poison(NioLoad load, AttackServer server, AttackScale s) throws Exception {
            this.load = load;
            this.server = server;
            this.s = s;
            baseHolders = server.stat("holders");
            // honest visitors are many machines: each wanter from an address of its own (reports count per address)
            load.from(i -> "127.0.1." + (1 + i));
            wanters = load.connect(server.ws(), s.poisonWanters(), i -> (client, frame) -> {
                if (!Frames.isType(frame, "routed") || !page.equals(Frames.field(frame, "hash"))) {
                    return;
                }
                String holder = Frames.field(frame, "holder");
                boolean liar = liarIds.contains(holder);
                if (counting) {
                    routes.incrementAndGet();
                    if (liar) {
                        toLiars.incrementAndGet();
                    }
                }
                if (liar) { // what a visitor does after the liar's offer never came (an unknown type to an older server)
                    client.send(report(page, holder));
                }
            });
            load.from(null);
        }

        double share(int liars, int falseReporters) throws Exception {
            String hash = Frames.sha256("poisoned page " + liars + " " + falseReporters);
            List<NioLoad.Client> holders = load.connect(server.ws(), 1 + liars, i -> (client, frame) -> { });
            liarIds.clear();
            for (int i = 1; i <= liars; i++) {
                liarIds.add(holders.get(i).peerId);
            }
            honestId = holders.get(0).peerId;
            page = hash;
            holders.forEach(h -> h.have(hash));
            if (!server.awaitStats(st -> st.get("holders").asLong() >= baseHolders + 1 + liars, 30)) {
                throw new IllegalStateException("the liars and the honest holder were not registered: " + server.stats());
            }
            load.from(i -> "127.0.2.1"); // the sybils: many connections of one machine
            List<NioLoad.Client> sybils = load.connect(server.ws(), falseReporters, i -> (client, frame) -> {
                if (Frames.isType(frame, "routed") && honestId.equals(Frames.field(frame, "holder"))) {
                    client.send(report(hash, honestId));
                }
            });
            load.from(null);
            List<NioLoad.Client> asking = new ArrayList<>(wanters);
            asking.addAll(sybils);
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
            long[] next = {0};
            // each wanter once per 1.1 s, spread evenly: under the per-(wanter, page) rate of 1/s
            ticker.scheduleAtFixedRate(() -> asking.get((int) (next[0]++ % asking.size())).want(hash),
                    0, 1_100_000 / asking.size(), TimeUnit.MICROSECONDS);
            try {
                Thread.sleep(s.settleSeconds() * 1_000L);
                routes.set(0);
                toLiars.set(0);
                counting = true;
                Thread.sleep(s.windowSeconds() * 1_000L);
                counting = false;
            } finally {
                ticker.shutdownNow();
                ticker.awaitTermination(5, TimeUnit.SECONDS);
            }
            wanters.forEach(w -> w.send("{\"type\":\"unwant\",\"hash\":\"" + hash + "\"}"));
            holders.forEach(NioLoad.Client::close);
            sybils.forEach(NioLoad.Client::close);
            server.awaitStats(st -> st.get("holders").asLong() <= baseHolders, 10); // gone before the next page's count
            return routes.get() == 0 ? Double.NaN : toLiars.get() / (double) routes.get();
        }
    }

    static String report(String hash, String holder) {
        return "{\"type\":\"report\",\"hash\":\"" + hash + "\",\"peer\":\"" + holder + "\",\"reason\":\"silent\"}";
    }

    // ------------------------------------------------------------------------------- (b) steered flood

    /**
     * A victim and four other holders hold the same pages; attackers ask for them as fast as the
     * per-connection message rate allows, each want excluding the four others, so that every request
     * would reach the victim.
     */
    static List<Figure> flood(AttackServer server, AttackScale s, String prefix, Innocents innocents) throws Exception {
        try (NioLoad load = new NioLoad()) {
            AtomicLong victimRequests = new AtomicLong();
            AtomicLong otherRequests = new AtomicLong();
            AtomicLong attackerRouted = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            AtomicBoolean counting = new AtomicBoolean();
            NioLoad.Client victim = load.connect(server.ws(), 1, i -> (client, frame) -> {
                if (counting.get() && Frames.isType(frame, "content_request")) {
                    victimRequests.incrementAndGet();
                }
            }).get(0);
            List<NioLoad.Client> others = load.connect(server.ws(), 4, i -> (client, frame) -> {
                if (counting.get() && Frames.isType(frame, "content_request")) {
                    otherRequests.incrementAndGet();
                }
            });
            String[] pages = new String[s.floodPages()];
            long holders0 = server.stat("holders");
            for (int k = 0; k < pages.length; k++) {
                pages[k] = Frames.sha256("flooded page " + k);
                victim.have(pages[k]);
                for (NioLoad.Client o : others) {
                    o.have(pages[k]);
                }
            }
            server.awaitStats(st -> st.get("holders").asLong() >= holders0 + 5L * pages.length, 30);
            String exclude = String.join(",", others.stream().map(o -> "\"" + o.peerId + "\"").toList());
            String[] wants = new String[pages.length];
            for (int k = 0; k < pages.length; k++) {
                wants[k] = "{\"type\":\"want\",\"hash\":\"" + pages[k] + "\",\"exclude\":[" + exclude + "]}";
            }
            List<NioLoad.Client> attackers = load.connect(server.ws(), s.floodConnections(), i -> (client, frame) -> {
                if (!counting.get()) {
                    return;
                }
                if (Frames.isType(frame, "routed")) {
                    attackerRouted.incrementAndGet();
                } else if (Frames.isType(frame, "error")) {
                    refused.incrementAndGet();
                }
            });
            // every attacker at 190 messages/s, just under the server's per-connection rate (200/s)
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
            OpenLoop.start(ticker, attackers.size() * SignalingBench.PACE_PER_SECOND, 1,
                    n -> attackers.get((int) (n % attackers.size())).send(wants[(int) (n / attackers.size() % wants.length)]));
            try {
                Thread.sleep(1_000); // past the burst every bucket starts with
                long cpu0 = server.cpuNanos();
                long t0 = System.nanoTime();
                counting.set(true);
                Thread.sleep(s.windowSeconds() * 1_000L);
                counting.set(false);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double cores = (server.cpuNanos() - cpu0) / 1e9 / seconds;
                String setup = attackers.size() + " connections × 190 wants/s over " + pages.length
                        + " pages held by the victim and 4 others, every want excluding the 4 others";
                return List.of(
                        Figure.info(prefix + "victim_requests_per_s", victimRequests.get() / seconds, "requests/s").withNote(setup),
                        Figure.info(prefix + "other_holders_requests_per_s", otherRequests.get() / seconds, "requests/s")
                                .withNote("content_requests the 4 excluded holders got, in all"),
                        Figure.info(prefix + "attacker_routes_per_s", attackerRouted.get() / seconds, "routes/s"),
                        Figure.info(prefix + "attacker_refusals_per_s", refused.get() / seconds, "errors/s"),
                        Figure.info(prefix + "server_cpu", cores, "cores"));
            } finally {
                ticker.shutdownNow();
                ticker.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    // ------------------------------------------------------------------------------ (c) roster filling

    /**
     * Attackers each announce {@code hashesPerConnection} made-up pages, 2,000 per {@code have}, each from an
     * address of its own (127.0.0.2 and up: as many machines), so a per-address share does not stop them and
     * only the global budget stands between them and the innocents.
     */
    static List<Figure> roster(AttackServer server, AttackScale s, String prefix, Innocents innocents) throws Exception {
        try (NioLoad load = new NioLoad().from(i -> "127.0.0." + (2 + i))) {
            AtomicLong full = new AtomicLong();
            AtomicLong otherErrors = new AtomicLong();
            List<NioLoad.Client> attackers = new ArrayList<>(load.connect(server.ws(), s.rosterConnections() + 1, i -> (client, frame) -> {
                if (Frames.isType(frame, "error")) {
                    (frame.contains("\"server_full\"") ? full : otherErrors).incrementAndGet();
                }
            }));
            // one more connection for the top-up (the others may reach their own limit of hashes), connected
            // now: a server the attack has starved may never greet a new one
            NioLoad.Client topUp = attackers.remove(attackers.size() - 1);
            long holders0 = server.stat("holders");
            long t0 = System.nanoTime();
            int perMessage = 2_000;
            long counter = 0;
            for (int m = 0; m < s.hashesPerConnection() / perMessage; m++) {
                for (NioLoad.Client a : attackers) {
                    StringBuilder b = new StringBuilder(perMessage * 67 + 40).append("{\"type\":\"have\",\"hashes\":[");
                    for (int k = 0; k < perMessage; k++) {
                        String hex = Long.toHexString(counter++);
                        b.append(k == 0 ? "\"" : ",\"").append("0".repeat(64 - hex.length())).append(hex).append('"');
                    }
                    a.send(b.append("]}").toString());
                }
            }
            // until the server has taken (or refused) them all, or stopped answering
            long expected = (long) attackers.size() * (s.hashesPerConnection() / perMessage);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(s.attackSeconds());
            long last = -2;
            long held = -1;
            while (System.nanoTime() < deadline) {
                held = server.stat("holders");
                if (held >= 0 && held - holders0 + full.get() * perMessage >= expected * perMessage) {
                    break;
                }
                if (held == last && held >= 0 && full.get() > 0) {
                    break; // a build without a budget refuses nothing; one with it has settled
                }
                last = held;
                Thread.sleep(1_000);
            }
            double took = (System.nanoTime() - t0) / 1e9;
            // then fill what room is left, 50 at a time: a budget filled to the last entry refuses every new want
            long fullBefore = full.get();
            for (int m = 0; m < s.topUpMessages(); m++) {
                StringBuilder b = new StringBuilder("{\"type\":\"have\",\"hashes\":[");
                for (int k = 0; k < 50; k++) {
                    String hex = Long.toHexString(counter++);
                    b.append(k == 0 ? "\"" : ",\"").append("0".repeat(64 - hex.length())).append(hex).append('"');
                }
                topUp.send(b.append("]}").toString());
            }
            Thread.sleep(s.holdSeconds() * 1_000L);
            innocents.end(); // before the full GC, which pauses the server
            double heap = server.healthy() ? server.heapMbAfterGc() : Double.NaN;
            long heldAfter = server.stat("holders");
            long accepted = heldAfter < 0 ? -1 : heldAfter - holders0;
            return List.of(
                    Figure.info(prefix + "entries_accepted", accepted, "entries")
                            .withNote(attackers.size() + " connections × " + s.hashesPerConnection() + " `have` (2,000 per message), then "
                                    + s.topUpMessages() + " `have`s of 50 to fill what room is left; -1: stats did not answer"),
                    Figure.info(prefix + "server_full_refusals", full.get(), "messages")
                            .withNote(fullBefore + " of them before the top-up"),
                    Figure.info(prefix + "seconds_to_take", took, "s").withNote("until the 2,000-hash messages were taken or refused"),
                    Figure.info(prefix + "heap_after_gc", heap, "MB").withNote("NaN: the server did not answer"),
                    Figure.info(prefix + "rss", server.rssMb(), "MB"));
        }
    }
}
