package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Peer counts: right after joining, after every change, and coalesced under a burst. */
class CountsTest extends ServerTest {

    @Test
    void countsFollowJoinsLeavesAndDisconnects() {
        String page = hash("counts");
        TestClient a = client();
        a.have(page);
        a.awaitPeers(page, 1, 0);
        TestClient b = client();
        b.want(page);
        b.awaitPeers(page, 1, 1);
        a.awaitPeers(page, 1, 1);
        b.have(page);
        a.awaitPeers(page, 2, 0);
        b.awaitPeers(page, 2, 0);
        TestClient c = client();
        c.want(page);
        c.awaitPeers(page, 2, 1);
        c.send("{\"type\":\"unwant\",\"hash\":\"" + page + "\"}");
        a.awaitPeers(page, 2, 0);
        a.send("{\"type\":\"drop\",\"hash\":\"" + page + "\"}");
        b.awaitPeers(page, 1, 0);
        assertEquals(1, server.stats().holders());
        a.have(page);
        b.awaitPeers(page, 2, 0);

        a.close(); // a disconnect leaves every roster at once
        b.awaitPeers(page, 1, 0);
        Stats stats = server.stats();
        assertEquals(1, stats.holders());
        assertEquals(0, stats.wanters());
        assertEquals(1, stats.pages());
    }

    @Test
    void aDisconnectLeavesEveryPageAtOnce() {
        String p1 = hash("one");
        String p2 = hash("two");
        TestClient seed = client();
        seed.send("{\"type\":\"have\",\"hashes\":[\"" + p1 + "\",\"" + p2 + "\"]}");
        TestClient watcher = client();
        watcher.have(p1);
        watcher.want(p2);
        watcher.awaitPeers(p1, 2, 0);
        watcher.awaitPeers(p2, 1, 1);
        seed.close();
        watcher.awaitPeers(p1, 1, 0);
        watcher.awaitPeers(p2, 0, 1);
        assertEquals(2, server.stats().pages());
        watcher.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (server.stats().pages() > 0 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // not a spin: the server needs the core
        }
        Stats st = server.stats();
        assertEquals(List.of(0, 0, 0, 0, 0L, 0L), List.of(st.connections(), st.pages(), st.holders(), st.wanters(),
                st.signalsRelayed(), st.errorsSent()));
    }

    @Test
    void aBurstOfJoinsIsCoalesced() throws Exception {
        String page = hash("burst");
        int n = 200;
        List<TestClient> joined = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TestClient c = client();
            c.have(page);
            joined.add(c);
        }
        for (TestClient c : joined) {
            c.awaitPeers(page, n, 0);
        }
        long sent = server.stats().peersMessagesSent();
        // N² would be 20,000; one immediate message each plus a few coalesced broadcasts is O(N)
        assertTrue(sent <= 10L * n, "sent " + sent + " peers messages for " + n + " joins");
        int received = 0;
        for (TestClient c : joined) {
            received += c.drain(Duration.ofMillis(1)).size();
        }
        assertTrue(received < 9L * n, "received " + received);
    }

    @Test
    void aJoiningPeerGetsOnePeersMessageNotTwo() throws Exception {
        String page = hash("once");
        TestClient holder = client();
        holder.have(page);
        holder.awaitPeers(page, 1, 0);
        TestClient wanter = client();
        wanter.want(page);
        holder.awaitPeers(page, 1, 1); // the broadcast of this join has gone out
        List<?> counts = wanter.drain(Duration.ofMillis(300)).stream()
                .filter(m -> "peers".equals(m.get("type").asText())).toList();
        assertEquals(1, counts.size(), "one snapshot, no identical broadcast after it: " + counts);
        assertTrue(holder.drain(Duration.ofMillis(1)).stream().noneMatch(m -> "peers".equals(m.get("type").asText())),
                "the holder got the change once");
    }
}
