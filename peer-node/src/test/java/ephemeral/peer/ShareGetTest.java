package ephemeral.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.protocol.Ids;
import ephemeral.protocol.Sha256;
import ephemeral.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Java ↔ Java through a real signaling server and real WebRTC. */
class ShareGetTest {
    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    @Test
    void getFetchesASharedPageAndVerifiesIt() throws Exception {
        try (PeerNode holder = TestPeers.start(server);
             PeerNode wanter = TestPeers.start(server)) {
            byte[] page = "<h1>hello</h1>".getBytes(StandardCharsets.UTF_8);
            String hash = holder.share(page);
            assertEquals(Sha256.of(page), hash);
            assertArrayEquals(page, wanter.get(hash, Duration.ofSeconds(20)));
            assertEquals(1, wanter.stats().pagesFetched());
            assertTrue(wanter.held().isEmpty(), "get does not hold");
        }
    }

    @Test
    void largePageInManyChunksAndConnectionReuse() throws Exception {
        try (PeerNode holder = TestPeers.start(server);
             PeerNode wanter = TestPeers.start(server)) {
            byte[] big = new byte[5 * 1024 * 1024 + 123];
            new Random(1).nextBytes(big);
            String h1 = holder.share(big);
            long t0 = System.nanoTime();
            assertArrayEquals(big, wanter.get(h1, Duration.ofSeconds(30)));
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("5 MiB in %.3f s (%.1f MB/s)%n", secs, big.length / secs / 1e6);
            String h2 = holder.share("second".getBytes(StandardCharsets.UTF_8));
            assertArrayEquals("second".getBytes(StandardCharsets.UTF_8), wanter.get(h2, Duration.ofSeconds(20)));
            assertEquals(1, holder.stats().linksOpened(), "the second page reused the first connection");
        }
    }

    /** Pages one after another over one reused connection: each new channel gets its page without a stall. */
    @Test
    void manyPagesInARowOverOneConnection() throws Exception {
        try (PeerNode holder = TestPeers.start(server);
             PeerNode wanter = TestPeers.start(server)) {
            for (int i = 0; i < 20; i++) {
                byte[] page = ("page " + i).getBytes(StandardCharsets.UTF_8);
                String h = holder.share(page);
                long t0 = System.nanoTime();
                assertArrayEquals(page, wanter.get(h, Duration.ofSeconds(20)));
                System.out.printf("page %d in %d ms, abandoned %d%n", i, (System.nanoTime() - t0) / 1_000_000,
                        wanter.stats().holdersAbandoned());
            }
            assertEquals(1, holder.stats().linksOpened(), "every page reused the first connection");
            assertEquals(0, wanter.stats().holdersAbandoned(), "no channel stalled");
        }
    }

    @Test
    void missingPageTimesOut() throws Exception {
        try (PeerNode wanter = TestPeers.start(server)) {
            String hash = Sha256.of("nobody has this".getBytes(StandardCharsets.UTF_8));
            assertThrows(PageUnavailableException.class, () -> wanter.get(hash, Duration.ofSeconds(1)));
        }
    }
}
