package ephemeral.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.peer.store.Page;
import ephemeral.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A page has two holders, one of which ignores {@code content_request}. The wanter learns from
 * {@code routed} whom it waits for, gives up on the silent one after ROUTED_WAIT_MS (2 s), and is routed
 * to the honest one: each of 20 pages arrives within 6 s, and the silent holder is asked at most once per page.
 */
class SilentHolderTest {
    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    @Test
    void aSilentHolderCostsOneRoutedWaitNotSeveral() throws Exception {
        int trials = 20;
        List<byte[]> pages = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        try (PeerNode honest = TestPeers.start(server);
             SilentHolder silent = new SilentHolder(server);
             PeerNode wanterA = TestPeers.start(server);
             PeerNode wanterB = TestPeers.start(server)) {
            for (int i = 0; i < trials; i++) {
                byte[] page = ("page " + i + " of the silent-holder test").getBytes(StandardCharsets.UTF_8);
                pages.add(page);
                hashes.add(honest.share(page));
            }
            silent.have(hashes);
            Conditions.await("both holders announced", Duration.ofSeconds(5),
                    () -> server.stats().holders() == 2L * trials);

            // ten fetches per wanter at once (below its 16 in flight), each with a 6 s budget of its own
            List<CompletableFuture<Page>> got = new ArrayList<>();
            for (int i = 0; i < trials; i++) {
                PeerNode wanter = i % 2 == 0 ? wanterA : wanterB;
                got.add(wanter.fetch(hashes.get(i), false, Duration.ofSeconds(6)));
            }
            for (int i = 0; i < trials; i++) {
                assertArrayEquals(pages.get(i), got.get(i).get().bytes(), "page " + i); // fails on a timeout
            }
            int askedSilent = 0;
            for (String hash : hashes) {
                int n = silent.requestsFor(hash);
                assertTrue(n <= 1, "the silent holder was asked " + n + " times for one page");
                askedSilent += n;
            }
            assertTrue(askedSilent > 0, "the silent holder was never chosen: the test proved nothing");
            long abandoned = wanterA.stats().holdersAbandoned() + wanterB.stats().holdersAbandoned();
            assertTrue(abandoned >= askedSilent, askedSilent + " silent picks, " + abandoned + " given up on");
            long reports = askedSilent;
            Conditions.await("each silent pick reported to the server", Duration.ofSeconds(5),
                    () -> server.stats().reports() >= reports);
        }
    }

    /**
     * Three silent "holders" and one honest: each silent one costs a wanter one routed wait (2 s, then the
     * next want at once), so even the unluckiest of four visitors has the page within 10 s.
     */
    @Test
    void threeSilentHoldersCannotKeepAPageFromFourVisitors() throws Exception {
        byte[] page = "a page three silent peers claim to hold".getBytes(StandardCharsets.UTF_8);
        List<SilentHolder> silent = new ArrayList<>();
        try (PeerNode honest = TestPeers.start(server)) {
            String hash = honest.share(page);
            for (int i = 0; i < 3; i++) {
                SilentHolder s = new SilentHolder(server);
                s.have(List.of(hash));
                silent.add(s);
            }
            Conditions.await("four holders announced", Duration.ofSeconds(5), () -> server.stats().holders() == 4);
            // all four visitors draw the honest holder with probability 1/256: then the round proved nothing,
            // and another round of four runs (at most five rounds)
            for (int round = 0; round < 5 && silent.stream().mapToInt(s -> s.requestsFor(hash)).sum() == 0; round++) {
                List<PeerNode> visitors = new ArrayList<>();
                List<CompletableFuture<Page>> got = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    PeerNode v = TestPeers.start(server);
                    visitors.add(v);
                    got.add(v.fetch(hash, false, Duration.ofSeconds(10)));
                }
                for (CompletableFuture<Page> g : got) {
                    assertArrayEquals(page, g.get().bytes()); // fails on a timeout
                }
                visitors.forEach(PeerNode::close);
            }
            assertTrue(silent.stream().mapToInt(s -> s.requestsFor(hash)).sum() > 0, "no silent holder was ever chosen");
        } finally {
            silent.forEach(SilentHolder::close);
        }
    }
}
