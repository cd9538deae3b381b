package ephemeral.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ephemeral.signaling.SignalingConfig;
import ephemeral.signaling.SignalingServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A node outlives its signaling server: it reconnects with backoff and announces its pages again. */
class ReconnectTest {

    @Test
    void reconnectsAndReannouncesAfterServerRestart() throws Exception {
        SignalingServer first = SignalingServer.create(SignalingConfig.defaults().withHost("127.0.0.1").withPort(0));
        first.start();
        int port = first.port();
        String url = "http://127.0.0.1:" + port;
        PeerConfig cfg = PeerConfig.defaults().withServer(url).withStallTimeout(Duration.ofSeconds(2));
        byte[] page = "still here".getBytes(StandardCharsets.UTF_8);
        SignalingServer second = null;
        try (PeerNode holder = PeerNode.start(cfg)) {
            String hash = holder.share(page);
            String firstId = holder.peerId();
            first.stop();
            second = SignalingServer.create(SignalingConfig.defaults().withHost("127.0.0.1").withPort(port));
            second.start();
            Conditions.await("the holder reconnected", Duration.ofSeconds(30),
                    () -> holder.stats().signalingConnects() >= 2 && !firstId.equals(holder.peerId()));
            // the new server knows nothing: only the holder's re-announcement lets the visitor find the page
            try (PeerNode visitor = PeerNode.start(cfg)) {
                assertArrayEquals(page, visitor.get(hash, Duration.ofSeconds(20)));
            }
        } finally {
            if (second != null) {
                second.stop();
            }
        }
    }
}
