package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.signaling.cluster.RedisServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What peers see when a node dies without a word, and when Redis goes away and comes back empty. */
class ClusterFailureTest {
    private static final Pattern LISTENING = Pattern.compile("listening on [^ ]+:(\\d+)");

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        open.add(resource);
        return resource;
    }

    private SignalingServer node(RedisServer redis) {
        SignalingServer server = SignalingServer.create(ClusterTest.nodeConfig(redis.url())).start();
        open.add(server::stop);
        return server;
    }

    /** A node as its own process (java -cp the test class path), so it can be killed with SIGKILL. */
    private static Process nodeProcess(RedisServer redis, CompletableFuture<Integer> port) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--host", "127.0.0.1", "--port", "0", "--redis", redis.url())
                .redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (Exception e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new AssertionError("the node process ended before listening"));
        });
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    @Test
    void aKilledNodesPeersLeaveTheRostersWithinTenSeconds() throws Exception {
        RedisServer redis = closeLater(RedisServer.start(dir));
        SignalingServer a = node(redis);
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Process doomed = nodeProcess(redis, port);
        open.add(doomed::destroyForcibly);
        int doomedPort = port.get(30, TimeUnit.SECONDS);

        String page = Hashes.of("killed node");
        TestClient survivor = closeLater(TestClient.connect(a));
        survivor.have(page);
        TestClient victim = closeLater(TestClient.connectTo(doomedPort));
        victim.have(page);
        TestClient wanter = closeLater(TestClient.connect(a));
        wanter.want(page);
        wanter.awaitPeers(page, 2, 1);
        // this first want may go to either holder: take its answer now, so the checks below see only theirs
        wanter.await("routed");

        long killedAt = System.nanoTime();
        doomed.destroyForcibly(); // SIGKILL: no goodbye to Redis or to anyone
        survivor.awaitPeers(page, 1, 1);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killedAt);
        assertTrue(seconds < 10, "the dead node's peers left the counts after " + seconds + " s");
        ClusterTest.awaitAll(List.of(a), s -> s.nodes() == 1 && s.holders() == 1);
        for (int i = 0; i < 10; i++) {
            wanter.want(page);
            assertEquals(survivor.peerId, wanter.await("routed").get("holder").asText(), "never routed to the dead");
        }
    }

    @Test
    void withoutRedisWantsAreRefusedAndAfterItsReturnTheRostersAreRebuilt() throws Exception {
        RedisServer redis = closeLater(RedisServer.start(dir));
        SignalingServer a = node(redis);
        SignalingServer b = node(redis);
        String page = Hashes.of("redis outage");
        TestClient holder = closeLater(TestClient.connect(b));
        holder.have(page);
        TestClient wanter = closeLater(TestClient.connect(a));
        ClusterTest.awaitAll(List.of(a, b), s -> s.holders() == 1);
        wanter.want(page); // paired before the outage
        assertEquals(wanter.peerId, holder.await("content_request").get("from").asText());

        redis.stop();
        ClusterTest.awaitAll(List.of(a, b), s -> s.redisRoundTripMillis() < 0);
        wanter.want(page);
        assertEquals(page, wanter.awaitError("unavailable").get("ref").asText());
        assertTrue(holder.closed.isDone() == false && wanter.closed.isDone() == false, "connections are kept");

        redis.restart(); // empty: the nodes fill it again, nobody reconnects
        ClusterTest.awaitAll(List.of(a, b), s -> s.redisRoundTripMillis() >= 0 && s.nodes() == 2 && s.holders() == 1);
        // what each node reloaded of the other kept the pairing: the holder may still answer the wanter
        holder.send(SignalRelayTest.signal(wanter.peerId, page, SignalRelayTest.OFFER));
        assertEquals(holder.peerId, wanter.await("signal").get("from").asText());
        wanter.want(page);
        assertEquals(holder.peerId, wanter.await("routed").get("holder").asText());
        assertEquals(wanter.peerId, holder.await("content_request").get("from").asText());
    }

    @Test
    void aNodeThatCannotReachItsRedisDoesNotStart() throws Exception {
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        IceFlagsTest.assertExits(1, "cannot join the cluster at redis://127.0.0.1:" + closedPort,
                "--host", "127.0.0.1", "--port", "0", "--redis", "redis://127.0.0.1:" + closedPort);
        IceFlagsTest.assertExits(2, "--redis takes a URL like redis://", "--redis", "127.0.0.1:6379");
    }
}
