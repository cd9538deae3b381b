package ephemeral.peer;

import ephemeral.signaling.SignalingConfig;
import ephemeral.signaling.SignalingServer;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real signaling server on a free port for one test class, and node configs pointing at it:
 * {@code @RegisterExtension static final TestServer server = new TestServer();}
 */
final class TestServer implements BeforeAllCallback, AfterAllCallback {
    private SignalingServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = SignalingServer.create(SignalingConfig.defaults().withHost("127.0.0.1").withPort(0)).start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.stop();
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    PeerConfig config() {
        return PeerConfig.defaults().withServer(url())
                .withConnectTimeout(Duration.ofSeconds(5))
                .withStallTimeout(Duration.ofSeconds(2));
    }
}
