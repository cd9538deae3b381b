package ephemeral.e2e.bench;

import ephemeral.e2e.bench.NioLoad.Handshake;
import ephemeral.signaling.cluster.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Routing on a cluster of two nodes sharing one Redis (docs/cluster.md) beside one node in memory, in one run
 * on this machine: throughput and p99, Redis commands and bytes per routed want, Redis memory per holder
 * entry. Every process shares the machine's 2 cores: the two nodes, Redis and the load generator.
 */
final class ClusterBench {
    private ClusterBench() {
    }

    static List<Figure> cluster(Scale scale) throws Exception {
        SignalingBench.RoutingRun single = SignalingBench.routingRun(scale, Handshake.BROWSER, true);
        List<Figure> figures = new ArrayList<>();
        try (RedisServer redis = RedisServer.start(Files.createTempDirectory("cluster-bench"));
             ServerProcess a = ServerProcess.start("--redis", redis.url());
             ServerProcess b = ServerProcess.start("--redis", redis.url());
             RedisInfo info = new RedisInfo(redis.url())) {
            List<ServerProcess> nodes = List.of(a, b);
            BenchServer all = new Nodes(nodes, redis.pid());
            Map<String, Long> before = info.stats();
            long routedBefore = routed(nodes);
            long tripsBefore = published(nodes);
            SignalingBench.RoutingRun clustered = SignalingBench.routingRun(scale, Handshake.BROWSER, true, nodes, all);
            long routedWants = routed(nodes) - routedBefore;
            double trips = (published(nodes) - tripsBefore) / (double) routedWants;
            Map<String, Long> after = info.stats();
            double commands = (after.get("total_commands_processed") - before.get("total_commands_processed")) / (double) routedWants;
            double bytesIn = (after.get("total_net_input_bytes") - before.get("total_net_input_bytes")) / (double) routedWants;
            double bytesOut = (after.get("total_net_output_bytes") - before.get("total_net_output_bytes")) / (double) routedWants;
            String setup = scale.routingHolders() + " holders and " + scale.routingWanters()
                    + " wanters spread over 2 nodes, one page, browser-like clients; the same loop as routing.throughput";
            figures.addAll(List.of(
                    Figure.info("cluster.single.throughput", single.throughput(), "requests/s")
                            .withNote("one node, rosters in memory, measured in this run" + single.trouble()),
                    Figure.info("cluster.single.latency.p99", single.openP99(), "ms").withNote("at half its closed-loop rate"),
                    Figure.info("cluster.throughput", clustered.throughput(), "requests/s").withNote(setup + clustered.trouble()),
                    Figure.atLeast("cluster.throughput_ratio", clustered.throughput() / single.throughput(), "×", 0.5)
                            .withNote("two nodes + Redis over one node in memory, same run, same 2 cores"),
                    Figure.info("cluster.latency.rate", clustered.openRate(), "requests/s"),
                    Figure.info("cluster.latency.p50", clustered.openP50(), "ms"),
                    Figure.atMost("cluster.latency.p99", clustered.openP99(), "ms", 20)
                            .withNote("want sent → content_request received, at half the cluster's closed-loop rate; half the "
                                    + "wants go to a holder of the other node (through Redis)")));
            if (Double.isFinite(clustered.sameNodeP99()) && Double.isFinite(clustered.crossNodeP99())) {
                figures.add(Figure.info("cluster.latency.p99.same_node", clustered.sameNodeP99(), "ms")
                        .withNote("the wants of that open loop whose holder is on the wanter's node"));
                figures.add(Figure.info("cluster.latency.p99.cross_node", clustered.crossNodeP99(), "ms")
                        .withNote("the others: want → Redis → the holder's node"));
            }
            figures.addAll(List.of(
                    Figure.info("cluster.server_cpu_per_request", clustered.cpuPerRequest(), "µs")
                            .withNote("both nodes and Redis, per routed request"),
                    Figure.atMost("cluster.redis_round_trips_per_routed_want", trips, "round trips", 2)
                            .withNote("commands the nodes sent Redis (pipelined, never awaited on the routing path) per routed "
                                    + "want over the whole loop, the holders' announcements included, heartbeats not"),
                    Figure.atMost("cluster.redis_round_trips_per_first_want", firstWants(a, b), "round trips", 2)
                            .withNote("a peer's first want of a page, routed to a holder of the other node: the want's "
                                    + "roster change (one EVALSHA) and the request to the holder's node (one PUBLISH); a "
                                    + "re-want that stays on the roster costs only the request, and none if the holder is local"),
                    Figure.info("cluster.redis_commands_per_routed_want", commands, "commands")
                            .withNote("as Redis counts them (the SADD/SREM and PUBLISH inside a script count too), heartbeats included"),
                    Figure.info("cluster.redis_bytes_in_per_routed_want", bytesIn, "B"),
                    Figure.info("cluster.redis_bytes_out_per_routed_want", bytesOut, "B")
                            .withNote("Redis to the nodes: replies and PUB/SUB deliveries")));
        }
        figures.addAll(memory(scale));
        return figures;
    }

    /** Redis memory for holder entries: {@code scale.connections()} entries, 100 per connection, one node. */
    private static List<Figure> memory(Scale scale) throws Exception {
        int entries = scale.connections();
        int perPeer = 100;
        int peers = entries / perPeer;
        try (RedisServer redis = RedisServer.start(Files.createTempDirectory("cluster-memory"));
             ServerProcess node = ServerProcess.start("--redis", redis.url());
             RedisInfo info = new RedisInfo(redis.url());
             NioLoad load = new NioLoad(Handshake.BROWSER)) {
            long empty = info.usedMemory();
            List<NioLoad.Client> clients = load.connect(node.ws(), peers, i -> (client, frame) -> { });
            for (int p = 0; p < peers; p++) {
                StringBuilder have = new StringBuilder("{\"type\":\"have\",\"hashes\":[");
                for (int h = 0; h < perPeer; h++) {
                    have.append(h > 0 ? "," : "").append('"').append(Frames.sha256("memory " + p + " " + h)).append('"');
                }
                clients.get(p).send(have.append("]}").toString());
            }
            SignalingBench.awaitStats(node, s -> s.get("holders").asInt() == entries);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (info.entries() < entries && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long used = info.usedMemory() - empty;
            return List.of(Figure.info("cluster.redis_memory_per_10k_holder_entries", used * 10_000.0 / entries / 1024, "KiB")
                    .withNote(entries + " holder entries (" + peers + " peers × " + perPeer + " pages) on one node: Redis "
                            + "used_memory after minus before; " + String.format("%.0f", (double) used / entries)
                            + " B per entry (member `H <peer> <hash>`, 89 B, in the node's SET)"));
        }
    }

    /** Redis commands per want of a peer that did not want the page before, each routed to the other node. */
    private static double firstWants(ServerProcess a, ServerProcess b) throws Exception {
        String page = Frames.sha256("first wants");
        int wanters = 200;
        try (NioLoad load = new NioLoad(Handshake.BROWSER)) {
            List<NioLoad.Client> holders = load.connect(b.ws(), 10, i -> (client, frame) -> { });
            holders.forEach(h -> h.have(page));
            SignalingBench.awaitStats(a, s -> s.get("holders").asInt() == holders.size());
            List<NioLoad.Client> clients = load.connect(a.ws(), wanters, i -> (client, frame) -> { });
            long routedBefore = routed(List.of(a));
            long tripsBefore = published(List.of(a));
            clients.forEach(c -> c.want(page));
            SignalingBench.awaitStats(a, s -> s.get("requestsRouted").asLong() == routedBefore + wanters);
            return (published(List.of(a)) - tripsBefore) / (double) wanters;
        }
    }

    private static long routed(List<ServerProcess> nodes) throws IOException, InterruptedException {
        return sum(nodes, "requestsRouted");
    }

    /** Commands the nodes sent Redis for roster changes, requests and frames (heartbeats not counted). */
    private static long published(List<ServerProcess> nodes) throws IOException, InterruptedException {
        return sum(nodes, "clusterPublished");
    }

    private static long sum(List<ServerProcess> nodes, String stat) throws IOException, InterruptedException {
        long sum = 0;
        for (ServerProcess n : nodes) {
            sum += SignalingBench.stats(n).get(stat).asLong();
        }
        return sum;
    }

    /** The nodes and Redis as one measured server: CPU is theirs together. */
    private record Nodes(List<ServerProcess> nodes, long redisPid) implements BenchServer {
        @Override
        public long pid() {
            return nodes.get(0).pid();
        }

        @Override
        public List<Long> pids() {
            return nodes.stream().map(ServerProcess::pid).toList();
        }

        @Override
        public long cpuNanos() throws IOException {
            long sum = Procs.cpuNanos(redisPid);
            for (ServerProcess n : nodes) {
                sum += n.cpuNanos();
            }
            return sum;
        }

        @Override
        public void fullGc() {
        }

        @Override
        public void close() {
        }
    }

    /** Redis's own counters, read with INFO. */
    private static final class RedisInfo implements AutoCloseable {
        private final RedisClient client;
        private final StatefulRedisConnection<String, String> connection;

        RedisInfo(String url) {
            client = RedisClient.create(url);
            connection = client.connect();
        }

        Map<String, Long> stats() {
            return parse(connection.sync().info("stats"));
        }

        long usedMemory() {
            return parse(connection.sync().info("memory")).get("used_memory");
        }

        /** Members of every node's entry set. */
        long entries() {
            long n = 0;
            for (String key : connection.sync().keys("eph:entries:*")) {
                n += connection.sync().scard(key);
            }
            return n;
        }

        private static Map<String, Long> parse(String info) {
            Map<String, Long> values = new TreeMap<>();
            for (String line : info.split("\r?\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(colon + 1).matches("\\d+")) {
                    values.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 1)));
                }
            }
            return values;
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }
}
