package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import ephemeral.signaling.cluster.RedisServer;
import ephemeral.signaling.roster.Fairness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes sharing one real Redis behave as one server (docs/cluster.md): the 1/N rule over the holders of
 * all nodes, exclusions, pending wants, signals between nodes only for paired peers, exact counts.
 */
class ClusterTest {
    @TempDir
    static Path dir;
    static RedisServer redis;
    final List<SignalingServer> nodes = new ArrayList<>();
    final List<TestClient> clients = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start(dir);
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    static SignalingConfig nodeConfig(String redisUrl) {
        return SignalingConfig.defaults().withHost("127.0.0.1").withPort(0).withGuards(ServerTest.openRates())
                .withRedis(redisUrl);
    }

    @BeforeEach
    void startNodes() {
        for (int i = 0; i < 3; i++) {
            nodes.add(SignalingServer.create(nodeConfig(redis.url())).start());
        }
    }

    @AfterEach
    void stopNodes() {
        clients.forEach(TestClient::close);
        nodes.forEach(SignalingServer::stop);
    }

    TestClient on(int node) {
        TestClient c = TestClient.connect(nodes.get(node));
        clients.add(c);
        return c;
    }

    /** Waits until every node's stats satisfy {@code condition} (the rosters are replicated asynchronously). */
    static void awaitAll(List<SignalingServer> servers, Predicate<Stats> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!servers.stream().map(SignalingServer::stats).allMatch(condition)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nodes did not agree in 15 s: "
                        + servers.stream().map(SignalingServer::stats).toList());
            }
            Thread.sleep(10);
        }
    }

    @Test
    void wantsReachOneHolderUniformlyOverAllNodes() throws Exception {
        String page = Hashes.of("cluster uniform");
        List<TestClient> holders = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            TestClient h = on(i % 3);
            h.have(page);
            holders.add(h);
        }
        awaitAll(nodes, s -> s.holders() == 6 && s.nodes() == 3);
        List<TestClient> wanters = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            wanters.add(on(i % 3));
        }
        int wants = 1_200;
        for (int i = 0; i < wants; i++) {
            wanters.get(i % wanters.size()).want(page);
        }
        awaitAll(nodes, s -> nodes.stream().mapToLong(n -> n.stats().requestsRouted()).sum() == wants);
        Set<String> wanterIds = wanters.stream().map(w -> w.peerId).collect(Collectors.toSet());
        Set<String> holderIds = holders.stream().map(h -> h.peerId).collect(Collectors.toSet());
        Map<String, Integer> perHolder = new HashMap<>();
        int total = 0;
        for (TestClient h : holders) {
            int n = 0;
            for (JsonNode m : h.drain(Duration.ofMillis(300))) {
                if ("content_request".equals(m.get("type").asText())) {
                    assertTrue(wanterIds.contains(m.get("from").asText()));
                    n++;
                }
            }
            perHolder.put(h.peerId, n);
            total += n;
        }
        assertEquals(wants, total, "each want reaches exactly one holder, on whichever node: " + perHolder);
        for (TestClient w : wanters) {
            for (JsonNode m : w.drain(Duration.ofMillis(10))) {
                if ("routed".equals(m.get("type").asText())) {
                    assertTrue(holderIds.contains(m.get("holder").asText()), "routed names a holder: " + m);
                }
            }
        }
        // chi-square against uniform, 5 degrees of freedom: p = 0.001 at 20.52
        double expected = wants / 6.0;
        double chi2 = perHolder.values().stream().mapToDouble(n -> (n - expected) * (n - expected) / expected).sum();
        assertTrue(chi2 < 20.52, "spread " + perHolder + " is not uniform (chi2 = " + chi2 + ")");
    }

    @Test
    void exclusionsAndTheSenderHoldAcrossNodes() throws Exception {
        String page = Hashes.of("cluster exclusions");
        TestClient a = on(0);
        TestClient b = on(1);
        TestClient c = on(2);
        for (TestClient h : List.of(a, b, c)) {
            h.have(page);
        }
        awaitAll(nodes, s -> s.holders() == 3);
        TestClient wanter = on(0);
        for (int i = 0; i < 20; i++) {
            wanter.want(page, a.peerId, b.peerId);
            assertEquals(c.peerId, wanter.await("routed").get("holder").asText());
        }
        for (int i = 0; i < 20; i++) {
            b.want(page, c.peerId); // a holder asking for its own page: never itself
            assertEquals(a.peerId, b.await("routed").get("holder").asText());
        }
    }

    @Test
    void aPendingWantIsServedByAHolderJoiningOnAnotherNode() throws Exception {
        String page = Hashes.of("cluster pending");
        TestClient wanter = on(0);
        wanter.want(page);
        awaitAll(nodes, s -> s.wanters() == 1);
        TestClient holder = on(2);
        holder.have(page);
        JsonNode request = holder.await("content_request");
        assertEquals(wanter.peerId, request.get("from").asText());
        assertEquals(holder.peerId, wanter.await("routed").get("holder").asText());
    }

    @Test
    void signalsCrossNodesOnlyBetweenPairedPeers() throws Exception {
        String page = Hashes.of("cluster signals");
        TestClient holder = on(2);
        holder.have(page);
        awaitAll(nodes, s -> s.holders() == 1);
        TestClient wanter = on(0);
        wanter.want(page);
        holder.await("content_request");
        wanter.send(SignalRelayTest.signal(holder.peerId, page, SignalRelayTest.CANDIDATE));
        JsonNode candidate = holder.await("signal");
        assertEquals(wanter.peerId, candidate.get("from").asText());
        assertEquals(0, candidate.at("/data/candidate/sdpMLineIndex").asInt());
        holder.send(SignalRelayTest.signal(wanter.peerId, page, SignalRelayTest.OFFER));
        JsonNode offer = wanter.await("signal");
        assertEquals(holder.peerId, offer.get("from").asText());
        assertEquals("offer", offer.at("/data/sdp/type").asText());

        TestClient stranger = on(1);
        stranger.have(page); // a member of the page, but nobody paired it with the wanter
        stranger.send(SignalRelayTest.signal(wanter.peerId, page, SignalRelayTest.OFFER));
        stranger.awaitError("not_paired");
        assertTrue(wanter.drain(Duration.ofMillis(300)).stream().noneMatch(m -> "signal".equals(m.get("type").asText())),
                "an unpaired peer's signal is not relayed");
    }

    @Test
    void countsAreExactAcrossNodes() throws Exception {
        String page = Hashes.of("cluster counts");
        TestClient h1 = on(0);
        h1.have(page);
        TestClient w = on(1);
        w.want(page);
        TestClient h2 = on(2);
        h2.have(page);
        h1.awaitPeers(page, 2, 1);
        w.awaitPeers(page, 2, 1);
        h2.awaitPeers(page, 2, 1);
        h2.close(); // a disconnect on node C
        h1.awaitPeers(page, 1, 1);
        w.awaitPeers(page, 1, 1);
        w.send("{\"type\":\"unwant\",\"hash\":\"" + page + "\"}");
        h1.awaitPeers(page, 1, 0);
        awaitAll(nodes, s -> s.holders() == 1 && s.wanters() == 0 && s.pages() == 1);
    }

    @Test
    void keepAliveHandsAPageToAVolunteerOfAnotherNode() throws Exception {
        String page = Hashes.of("cluster keep");
        TestClient seed = on(2);
        seed.send("{\"type\":\"volunteer\",\"capacity\":1000000,\"maxPage\":100000,\"adoptWeak\":true}");
        awaitAll(nodes, s -> s.volunteers() == 1);
        TestClient holder = on(0);
        holder.have(page);
        holder.send("{\"type\":\"keep\",\"hash\":\"" + page + "\",\"size\":500}");
        JsonNode request = seed.await("keep_request");
        assertEquals(page, request.get("hash").asText());
        assertEquals(holder.peerId, request.get("from").asText());
        seed.send("{\"type\":\"kept\",\"hash\":\"" + page + "\",\"until\":4102444800}");
        JsonNode kept = holder.await("kept");
        assertEquals(seed.peerId, kept.get("by").asText());
        assertEquals(4102444800L, kept.get("until").asLong());

        String other = Hashes.of("cluster keep refused");
        holder.have(other);
        holder.send("{\"type\":\"keep\",\"hash\":\"" + other + "\",\"size\":500}");
        seed.await("keep_request", m -> other.equals(m.path("hash").asText()));
        seed.send("{\"type\":\"keep_failed\",\"hash\":\"" + other + "\",\"reason\":\"disk full\"}");
        assertTrue(holder.awaitError("no_volunteer").get("message").asText().contains("disk full"),
                "the volunteer's reason reaches the holder on the other node");

        // a page going from two holders to one is offered once, by the last holder's node, to the adopting seed
        String weak = Hashes.of("cluster weak");
        TestClient second = on(1);
        holder.have(weak);
        second.have(weak);
        awaitAll(nodes, s -> s.holders() == 4);
        second.close();
        assertEquals(weak, seed.await("weak").get("hash").asText());
        assertTrue(seed.drain(Duration.ofMillis(500)).stream().noneMatch(m -> "weak".equals(m.get("type").asText())),
                "one weak notice, not one per node");
    }

    /** A holder's request rate holds for the whole cluster: each node routes its share of it, not the whole. */
    @Test
    void aHolderIsSentItsRateInAllNotPerNode() throws Exception {
        double rate = 20;
        SignalingConfig limited = nodeConfig(redis.url())
                .withGuards(Guards.DEFAULTS.withFairness(new Fairness(1e6, 1e6, rate, 3, 60)));
        List<SignalingServer> two = List.of(SignalingServer.create(limited).start(), SignalingServer.create(limited).start());
        nodes.addAll(two); // stopped after the test; five live nodes now
        awaitAll(two, s -> s.nodes() == 5);
        String page = Hashes.of("cluster holder rate");
        TestClient holder = TestClient.connect(two.get(0));
        clients.add(holder);
        holder.have(page);
        awaitAll(two, s -> s.holders() == 1);
        List<TestClient> wanters = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            TestClient w = TestClient.connect(two.get(i % 2));
            clients.add(w);
            wanters.add(w);
        }
        long start = System.nanoTime();
        for (int round = 0; round < 10; round++) { // 100 wants from each node's wanters over about 2 s
            for (TestClient w : wanters) {
                w.want(page);
            }
            Thread.sleep(200);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long requests = holder.drain(Duration.ofMillis(200)).stream()
                .filter(m -> "content_request".equals(m.get("type").asText())).count();
        // the whole cluster's bucket: the rate over the window plus one full burst (2 s of it)
        double most = rate * seconds + 2 * rate;
        assertTrue(requests > 0 && requests <= most, requests + " requests in " + seconds + " s (at most " + most + ")");
    }
}
