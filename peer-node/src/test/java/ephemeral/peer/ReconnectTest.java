package ephemeral.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ephemeral.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A node outlives its signaling server: it reconnects with backoff and announces its pages again. */
class ReconnectTest {

    @Test
    void reconnectsAndReannouncesAfterServerRestart() throws Exception {
        byte[] page = "still here".getBytes(StandardCharsets.UTF_8);
        try (TestServer server = TestServer.start(); PeerNode holder = TestPeers.start(server)) {
            String hash = holder.share(page);
            String firstId = holder.peerId();
            server.restart(); // a new server on the same port, knowing nothing
            Conditions.await("the holder reconnected", Duration.ofSeconds(30),
                    () -> holder.stats().signalingConnects() >= 2 && !firstId.equals(holder.peerId()));
            // only the holder's re-announcement lets the visitor find the page
            try (PeerNode visitor = TestPeers.start(server)) {
                assertArrayEquals(page, visitor.get(hash, Duration.ofSeconds(20)));
            }
            server.assertClean();
        }
    }

    /**
     * A server that goes silent (no frame, no ping: a dropped network looks like this, and TCP never says
     * so) is taken as gone after the silence limit, and the node reconnects; while the server pings (every
     * second here), a quiet connection is kept.
     */
    @Test
    void aSilentServerIsReplacedByAReconnect() throws Exception {
        try (TestServer pinging = TestServer.start("127.0.0.1", c -> c.withHeartbeat(1, 600));
             PeerNode kept = TestPeers.start(pinging, TestPeers.config(pinging).withServerSilence(Duration.ofSeconds(3)));
             TestServer silent = TestServer.start("127.0.0.1", c -> c.withHeartbeat(300, 600));
             PeerNode node = TestPeers.start(silent, TestPeers.config(silent).withServerSilence(Duration.ofSeconds(2)))) {
            String firstId = node.peerId();
            Conditions.await("the node to give up on the silent connection and reconnect", Duration.ofSeconds(15),
                    () -> node.stats().signalingConnects() >= 2 && !firstId.equals(node.peerId()));
            assertEquals(1, kept.stats().signalingConnects(), "a pinged connection was kept");
        }
    }
}
