package ephemeral.peer;

import ephemeral.testing.TestServer;
import java.time.Duration;

/** Node configs for tests: pointed at a test server, with short waits so failures show quickly. */
public final class TestPeers {
    private TestPeers() {
    }

    public static PeerConfig config(TestServer server) {
        return PeerConfig.defaults().withServer(server.baseUrl())
                .withConnectTimeout(Duration.ofSeconds(5))
                .withStallTimeout(Duration.ofSeconds(2));
    }
}
