package ephemeral.peer;

import ephemeral.signaling.SignalingConfig;
import ephemeral.signaling.SignalingServer;
import java.time.Duration;

/** A real signaling server on a free port, and node configs pointing at it. */
final class TestServer implements AutoCloseable {
    final SignalingServer server;

    TestServer() {
        server = SignalingServer.create(SignalingConfig.defaults().withHost("127.0.0.1").withPort(0));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    PeerConfig config() {
        return PeerConfig.defaults().withServer(url())
                .withConnectTimeout(Duration.ofSeconds(5))
                .withStallTimeout(Duration.ofSeconds(2));
    }

    @Override
    public void close() {
        server.stop();
    }
}
