package ephemeral.peer;

import ephemeral.peer.store.ForwardingStore;
import ephemeral.peer.store.MemoryStore;
import ephemeral.peer.store.Page;
import ephemeral.peer.store.PageStore;
import ephemeral.testing.TestServer;
import java.time.Duration;

/**
 * Nodes for tests: pointed at a test server, with short waits so failures show quickly, and a store that
 * registers every page the node holds with the server's content guard (checked after each test).
 */
public final class TestPeers {
    private TestPeers() {
    }

    public static PeerConfig config(TestServer server) {
        return PeerConfig.defaults().withServer(server.baseUrl())
                .withConnectTimeout(Duration.ofSeconds(5))
                .withStallTimeout(Duration.ofSeconds(2));
    }

    public static PeerNode start(TestServer server) throws Exception {
        return start(server, config(server));
    }

    public static PeerNode start(TestServer server, PeerConfig config) throws Exception {
        return PeerNode.start(config, guarded(server, new MemoryStore(config.memoryBudgetBytes())));
    }

    /** {@code store}, with every page put into it registered as content the server must never see. */
    public static PageStore guarded(TestServer server, PageStore store) {
        return new ForwardingStore(store) {
            @Override
            public boolean put(Page page) {
                server.guard().register(page.bytes());
                return super.put(page);
            }
        };
    }
}
