package ephemeral.peer.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ephemeral.peer.Conditions;
import ephemeral.peer.PeerNode;
import ephemeral.peer.TestPeers;
import ephemeral.protocol.live.LiveKey;
import ephemeral.protocol.live.LiveVersion;
import ephemeral.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Twelve Java holders of a live page with minPeers 3: six are killed at random; the survivors heal their
 * links within 10 s and an update reaches each of them; then, with the signaling server stopped, another
 * update still reaches every holder over the mesh alone.
 */
class MeshHealingTest {
    static final int HOLDERS = 12;

    @Test
    void survivorsHealAndUpdatesTravelWithoutTheServer() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        LiveKey key = LiveKey.of(pair.getPublic());
        List<PeerNode> nodes = new ArrayList<>();
        try (TestServer server = TestServer.start()) {
            try {
                for (int i = 0; i < HOLDERS; i++) {
                    nodes.add(TestPeers.start(server));
                }
                nodes.get(0).publish(pair.getPrivate(), key, bytes("v1"), Duration.ofSeconds(5));
                for (PeerNode n : nodes.subList(1, HOLDERS)) {
                    n.follow(key, null);
                }
                for (PeerNode n : nodes) {
                    n.awaitLive(key, 1, Duration.ofSeconds(20));
                }
                Conditions.await("every holder has 3 links", Duration.ofSeconds(20),
                        () -> nodes.stream().allMatch(n -> n.liveLinks(key).size() >= 3));

                List<PeerNode> doomed = new ArrayList<>(nodes);
                Collections.shuffle(doomed, new Random(7));
                doomed = doomed.subList(0, HOLDERS / 2);
                List<PeerNode> survivors = new ArrayList<>(nodes);
                survivors.removeAll(doomed);
                long killed = System.nanoTime();
                doomed.forEach(PeerNode::close);
                Conditions.await("every survivor has 3 links again", Duration.ofSeconds(10),
                        () -> survivors.stream().allMatch(n -> n.liveLinks(key).size() >= 3));
                System.out.printf("healed in %d ms%n", (System.nanoTime() - killed) / 1_000_000);

                LiveVersion v2 = survivors.get(0).publish(pair.getPrivate(), key, bytes("v2"), Duration.ofSeconds(5));
                assertEquals(2, v2.seq());
                for (PeerNode n : survivors) {
                    assertEquals(v2, n.awaitLive(key, 2, Duration.ofSeconds(5)));
                }

                server.stop();
                LiveVersion v3 = survivors.get(1).publish(pair.getPrivate(), key, bytes("v3"), Duration.ofSeconds(5));
                assertEquals(3, v3.seq());
                for (PeerNode n : survivors) {
                    assertEquals(v3, n.awaitLive(key, 3, Duration.ofSeconds(5)), "over the mesh, no server");
                }
            } finally {
                nodes.forEach(PeerNode::close);
            }
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
