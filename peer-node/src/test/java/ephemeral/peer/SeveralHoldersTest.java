package ephemeral.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A big page comes from several holders at once, each sending its own range (docs/protocol.md, "Several
 * holders"); a holder that lies about its range is found by another holder's digests of the ranges, and
 * named, and only its ranges are fetched again.
 */
class SeveralHoldersTest {
    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    /** Big enough that every holder is asked before the first could send it all. */
    private static final int SIZE = 40 << 20;

    private static byte[] page(int seed) {
        byte[] page = new byte[SIZE];
        new Random(seed).nextBytes(page);
        return page;
    }

    @Test
    void rangesComeFromThreeHolders() throws Exception {
        byte[] page = page(1);
        List<PeerNode> holders = new ArrayList<>();
        try (PeerNode wanter = TestPeers.start(server)) {
            String hash = null;
            for (int i = 0; i < 3; i++) {
                holders.add(TestPeers.start(server));
                hash = holders.get(i).share(page);
            }
            assertArrayEquals(page, wanter.get(hash, Duration.ofSeconds(60)));
            for (PeerNode h : holders) {
                Conditions.await("every holder sent a range", Duration.ofSeconds(10), () -> h.stats().bytesServed() > 0);
            }
            long fetched = wanter.stats().bytesFetched();
            // a range cut short for a newcomer may bring what its holder had queued (≤ 1 MiB) past its new end
            assertTrue(fetched >= SIZE && fetched <= SIZE + (3L << 20), "bytes fetched: " + fetched);
            assertEquals(0, wanter.stats().liarsFound());
        } finally {
            holders.forEach(PeerNode::close);
        }
    }

    @Test
    void aHolderLyingAboutItsRangeIsFoundAndTheTruePageArrives() throws Exception {
        byte[] page = page(2);
        try (PeerNode liar = PeerNode.start(TestPeers.config(server), TestPeers.guarded(server, new ephemeral.peer.store.InvertingStore()));
             PeerNode honest1 = TestPeers.start(server);
             PeerNode honest2 = TestPeers.start(server);
             PeerNode wanter = TestPeers.start(server)) {
            String hash = liar.share(page);
            honest1.share(page);
            honest2.share(page);
            assertArrayEquals(page, wanter.get(hash, Duration.ofSeconds(90)));
            assertEquals(List.of(liar.peerId()), wanter.liarsFound(), "the liar, and only it, is named");
            // a sender adds its bytes once its queue has drained, which it may see after the wanter is done
            Conditions.await("the liar was asked for a range", Duration.ofSeconds(10), () -> liar.stats().bytesServed() > 0);
            long lied = liar.stats().bytesServed();
            // another holder's digests locate the liar's ranges: the lie costs those once more, not the page
            long fetched = wanter.stats().bytesFetched();
            System.out.printf("a lie among three holders: %.2f × the page fetched (the liar sent %.2f × of it)%n",
                    fetched / (double) SIZE, lied / (double) SIZE);
            assertTrue(fetched <= SIZE + lied + (3L << 20), "bytes fetched: " + fetched + ", by the liar: " + lied);
        }
    }
}
