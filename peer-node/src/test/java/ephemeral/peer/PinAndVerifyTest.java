package ephemeral.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Seeds keep pages alive; wanters reject lying holders and fall back to honest ones. */
class PinAndVerifyTest {
    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    @Test
    void pageSurvivesItsCreatorLeavingBecauseASeedPinnedIt() throws Exception {
        byte[] page = new byte[200_000];
        new Random(7).nextBytes(page);
        try (PeerNode seed = TestPeers.start(server)) {
            String hash;
            try (PeerNode creator = TestPeers.start(server)) {
                hash = creator.share(page, "page.bin", "application/octet-stream");
                seed.pin(hash, Duration.ofSeconds(20));
                assertTrue(seed.held().contains(hash));
            }
            try (PeerNode visitor = TestPeers.start(server)) {
                assertArrayEquals(page, visitor.get(hash, Duration.ofSeconds(20)));
            }
            Conditions.await("the seed counted its transfer", Duration.ofSeconds(10),
                    () -> seed.stats().transfersServed() == 1);
        }
    }

    @Test
    void lyingHolderIsRejectedAndAnHonestHolderServes() throws Exception {
        byte[] page = "the real page".getBytes(StandardCharsets.UTF_8);
        try (PeerNode liar = PeerNode.start(TestPeers.config(server), TestPeers.guarded(server, new ephemeral.peer.store.CorruptingStore()));
             PeerNode wanter = TestPeers.start(server)) {
            String hash = liar.share(page);
            var result = wanter.fetch(hash, false, Duration.ofSeconds(30));
            // only the liar holds it: its bytes must be refused, and the want stays pending without it
            Conditions.await("the liar's bytes refused", Duration.ofSeconds(20),
                    () -> wanter.stats().verifyFailures() == 1);
            assertTrue(!result.isDone(), "wrong bytes are never delivered");
            try (PeerNode honest = TestPeers.start(server)) {
                honest.share(page);
                assertArrayEquals(page, result.get().bytes());
                Conditions.await("the honest holder counted its transfer", Duration.ofSeconds(10),
                        () -> honest.stats().transfersServed() == 1);
            }
            assertEquals(1, wanter.stats().verifyFailures());
            assertTrue(wanter.held().isEmpty());
        }
    }

    @Test
    void pinnedPageIsServedToManyVisitorsAtOnce() throws Exception {
        byte[] page = new byte[300_000];
        new Random(3).nextBytes(page);
        try (PeerNode seed = TestPeers.start(server)) {
            String hash = seed.share(page);
            PeerNode[] visitors = new PeerNode[6];
            try {
                var futures = new java.util.ArrayList<java.util.concurrent.CompletableFuture<ephemeral.peer.store.Page>>();
                for (int i = 0; i < visitors.length; i++) {
                    visitors[i] = TestPeers.start(server);
                    futures.add(visitors[i].fetch(hash, false, Duration.ofSeconds(30)));
                }
                for (var f : futures) {
                    assertArrayEquals(page, f.get().bytes());
                }
                Conditions.await("the seed counted every transfer", Duration.ofSeconds(10),
                        () -> seed.stats().transfersServed() == visitors.length);
            } finally {
                for (PeerNode v : visitors) {
                    if (v != null) {
                        v.close();
                    }
                }
            }
        }
    }

    @Test
    void seedPinsManyPagesFromABusyHolder() throws Exception {
        try (PeerNode creator = TestPeers.start(server, TestPeers.config(server).withMaxConcurrentServes(2));
             PeerNode seed = TestPeers.start(server)) {
            var hashes = new java.util.ArrayList<String>();
            for (int i = 0; i < 60; i++) {
                hashes.add(creator.share(("page " + i).repeat(500).getBytes(StandardCharsets.UTF_8)));
            }
            var pins = new java.util.ArrayList<java.util.concurrent.CompletableFuture<ephemeral.peer.store.Page>>();
            for (String h : hashes) {
                pins.add(seed.fetch(h, true, Duration.ofSeconds(60)));
            }
            for (var p : pins) {
                p.get();
            }
            assertEquals(new java.util.HashSet<>(hashes), seed.held());
            assertEquals(0, seed.stats().verifyFailures());
            assertEquals(1, creator.stats().linksOpened(), "a burst of requests from one wanter shares one connection");
            // 16 fetches in flight at a holder serving 2 at once: it said busy, and the seed came back for them
            assertTrue(creator.stats().servesRefusedBusy() > 0, "the holder was never busy: the test proved nothing");
            // the sender counts a transfer once its queue has drained, which it may see after the seed verified
            Conditions.await("the creator counted every transfer", Duration.ofSeconds(10),
                    () -> creator.stats().transfersServed() == 60);
        }
    }
}
