package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import ephemeral.signaling.roster.Fairness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/**
 * No peer can aim a flood at a holder or keep a page's wants to itself: wants are routed at bounded rates
 * (quicker ones wait, they are not refused), a holder past its rate is passed over for others, and a
 * holder reported by several wanters is chosen only when no other can be.
 */
class FairnessTest extends ServerTest {
    /** Small rates, so the test sees them bite within a second or two. */
    static final Fairness SMALL = new Fairness(1, 4, 3, 3, 60);

    @Override
    SignalingConfig config() {
        return super.config().withGuards(Guards.DEFAULTS.withFairness(SMALL));
    }

    @Test
    void aWantRetriedInALoopIsRoutedAtTheWantRateAndNeverRefused() throws Exception {
        String page = hash("retry loop");
        TestClient holder = client();
        holder.have(page);
        TestClient wanter = client();
        for (int i = 0; i < 40; i++) {
            wanter.want(page);
        }
        // burst 3 at once; the other 37 are one held-back retry (a want replaces the one before it), routed
        // when the rate allows, about a second later, without the wanter sending anything more
        long routed = count(holder.drain(Duration.ofMillis(2_000)), "content_request");
        assertEquals(4, routed, "requests from one wanter's loop of 40 wants");
        assertTrue(server.stats().requestsDeferred() > 0);
        assertTrue(wanter.drain(Duration.ofMillis(1)).stream().noneMatch(m -> "error".equals(m.get("type").asText())),
                "a quick want waits; it is not refused");
    }

    @Test
    void aFloodAimedWithExcludeCannotPassTheHoldersRateAndHonestWantsGoElsewhere() throws Exception {
        String page = hash("aimed");
        TestClient victim = client();
        TestClient other = client();
        victim.have(page);
        other.have(page);
        victim.awaitPeers(page, 2, 0);
        List<TestClient> attackers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            TestClient a = client();
            a.want(page, other.peerId); // exclude everyone but the victim
            attackers.add(a);
        }
        // the victim's burst (6) is spent by the flood; honest wants now all go to the other holder
        List<TestClient> honest = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            TestClient h = client();
            h.want(page);
            honest.add(h);
        }
        for (TestClient h : honest) {
            assertEquals(other.peerId, h.await("routed").get("holder").asText(), "passed over the saturated victim");
        }
        long atVictim = count(victim.drain(Duration.ofMillis(1_000)), "content_request");
        assertTrue(atVictim <= 9, atVictim + " requests reached the victim in about a second (burst 6, 3/s)");
    }

    @Test
    void aHolderReportedFromThreeAddressesIsChosenOnlyWhenNoOtherCanBe() throws Exception {
        String page = hash("reported");
        TestClient bad = client();
        TestClient good = client();
        bad.have(page);
        good.have(page);
        bad.awaitPeers(page, 2, 0);
        // three wanters on three addresses (127.0.0.2-4 are this machine's loopback too), each routed to the
        // bad holder, each reporting it
        List<StalledClient> reporters = new ArrayList<>();
        try {
            for (int i = 2; i <= 4; i++) {
                StalledClient w = new StalledClient(server.port(), InetAddress.getByName("127.0.0." + i));
                reporters.add(w);
                w.sendText("{\"type\":\"want\",\"hash\":\"" + page + "\",\"exclude\":[\"" + good.peerId + "\"]}");
                w.sendText("{\"type\":\"report\",\"hash\":\"" + page + "\",\"peer\":\"" + bad.peerId + "\",\"reason\":\"silent\"}");
            }
            awaitStat(() -> server.stats().reports() == 3);
            for (int i = 0; i < 4; i++) {
                TestClient w = client();
                w.want(page);
                assertEquals(good.peerId, w.await("routed").get("holder").asText(), "the quarantined holder is passed over");
            }
            TestClient last = client();
            last.want(page, good.peerId);
            assertEquals(bad.peerId, last.await("routed").get("holder").asText(), "but not shut out when it is the only one");
        } finally {
            for (StalledClient r : reporters) {
                r.close();
            }
        }
    }

    @Test
    void onlyAHolderYouWereRoutedToCanBeReported() {
        String page = hash("no pairing");
        TestClient holder = client();
        holder.have(page);
        TestClient stranger = client();
        stranger.send("{\"type\":\"report\",\"hash\":\"" + page + "\",\"peer\":\"" + holder.peerId + "\",\"reason\":\"stalled\"}");
        assertEquals(holder.peerId, stranger.awaitError("not_paired").get("ref").asText());
        assertEquals(0, server.stats().reports());
    }

    private static long count(List<JsonNode> frames, String type) {
        return frames.stream().filter(m -> type.equals(m.get("type").asText())).count();
    }

    private static void awaitStat(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(10);
        }
    }
}
