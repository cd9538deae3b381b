package ephemeral.e2e.bench;

import ephemeral.peer.PeerConfig;
import ephemeral.peer.PeerNode;
import ephemeral.protocol.live.LiveKey;
import ephemeral.protocol.live.LiveVersion;
import ephemeral.protocol.live.Mesh;
import ephemeral.signaling.SignalingConfig;
import ephemeral.signaling.SignalingServer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Propagation of live page updates over the mesh: {@code liveHolders} Java holders (one JVM, one process-wide
 * WebRTC factory, loopback) follow a live page; once their mesh is up the signaling server is stopped, and
 * {@code liveUpdates} versions are published one after another, each from a holder picked in turn. Per
 * update: the time from publishing until every holder has verified the new page, and the {@code version}
 * announcements each holder received.
 */
final class LiveBench {
    private LiveBench() {
    }

    static List<Figure> live(Scale scale) throws Exception {
        int holders = scale.liveHolders();
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        LiveKey key = LiveKey.of(pair.getPublic());
        SignalingServer server = SignalingServer.create(SignalingConfig.defaults().withHost("127.0.0.1").withPort(0)).start();
        PeerConfig config = PeerConfig.defaults().withServer("http://127.0.0.1:" + server.port());
        List<PeerNode> nodes = new ArrayList<>();
        /** seq → holders that verified it, counted down by each holder's listener. */
        Map<Long, CountDownLatch> arrived = new ConcurrentHashMap<>();
        try {
            for (int i = 0; i < holders; i++) {
                PeerNode n = PeerNode.start(config);
                nodes.add(n);
            }
            nodes.get(0).publish(pair.getPrivate(), key, page(1), Duration.ofSeconds(5));
            for (PeerNode n : nodes) {
                n.follow(key, v -> arrived.computeIfAbsent(v.seq(), s -> new CountDownLatch(holders)).countDown());
            }
            long meshStart = System.nanoTime();
            for (PeerNode n : nodes) {
                n.awaitLive(key, 1, Duration.ofSeconds(60));
            }
            waitFor(() -> nodes.stream().allMatch(n -> n.liveLinks(key).size() >= Mesh.MIN_PEERS), 60);
            double meshMillis = (System.nanoTime() - meshStart) / 1e6;
            double meanLinks = nodes.stream().mapToInt(n -> n.liveLinks(key).size()).average().orElse(0);
            server.stop(); // from here on, nothing but the mesh

            long[] times = new long[scale.liveUpdates()];
            long[] before = new long[holders];
            long maxAnnouncements = 0;
            long totalAnnouncements = 0;
            for (int u = 0; u < times.length; u++) {
                for (int i = 0; i < holders; i++) {
                    before[i] = nodes.get(i).liveMessages(key)[0];
                }
                long seq = u + 2;
                CountDownLatch all = arrived.computeIfAbsent(seq, s -> new CountDownLatch(holders));
                long t0 = System.nanoTime();
                LiveVersion v = nodes.get(u % holders).publish(pair.getPrivate(), key, page(seq), Duration.ZERO);
                if (v.seq() != seq) {
                    throw new IllegalStateException("published seq " + v.seq() + ", expected " + seq);
                }
                if (!all.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("update " + seq + " reached " + (holders - all.getCount()) + " of " + holders);
                }
                times[u] = System.nanoTime() - t0;
                for (int i = 0; i < holders; i++) {
                    long got = nodes.get(i).liveMessages(key)[0] - before[i];
                    maxAnnouncements = Math.max(maxAnnouncements, got);
                    totalAnnouncements += got;
                }
            }
            Arrays.sort(times);
            String setup = holders + " Java holders in one JVM, loopback, server stopped after the mesh formed";
            return List.of(
                    Figure.info("live.mesh.formed", meshMillis, "ms").withNote(setup + "; from following to every holder having its version and " + Mesh.MIN_PEERS + " links"),
                    Figure.info("live.mesh.links.mean", meanLinks, "links"),
                    Figure.info("live.propagation.p50", Samples.percentile(times, 0.5) / 1e6, "ms").withNote(times.length + " updates, each until all " + holders + " verified it"),
                    Figure.atMost("live.propagation.p99", Samples.percentile(times, 0.99) / 1e6, "ms", 1000),
                    Figure.info("live.announcements.mean", (double) totalAnnouncements / times.length / holders, "per holder per update"),
                    Figure.atMost("live.announcements.max", maxAnnouncements, "per holder per update", Mesh.MIN_PEERS + 2));
        } finally {
            nodes.forEach(PeerNode::close);
            server.stop();
        }
    }

    private static byte[] page(long seq) {
        return ("# live page, version " + seq + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the mesh did not form within " + seconds + " s");
            }
            Thread.sleep(20);
        }
    }
}
