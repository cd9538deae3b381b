package ephemeral.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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

}
