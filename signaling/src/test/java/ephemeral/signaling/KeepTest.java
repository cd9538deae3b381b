package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keep-alive on the server: volunteers, the uniform hand-off, room, failures, renewals and weak notices. */
class KeepTest extends ServerTest {

    @Override
    SignalingConfig config() {
        return super.config().withLimits(unthrottled()).withGuards(openRates());
    }

    private TestClient volunteer(long capacity, long maxPage, boolean adoptWeak) {
        TestClient v = client();
        v.send("{\"type\":\"volunteer\",\"capacity\":" + capacity + ",\"maxPage\":" + maxPage
                + (adoptWeak ? ",\"adoptWeak\":true" : "") + "}");
        return v;
    }

    private static void keep(TestClient holder, String hash, long size) {
        holder.send("{\"type\":\"keep\",\"hash\":\"" + hash + "\",\"size\":" + size + "}");
    }

    private static void kept(TestClient volunteer, String hash, long until) {
        volunteer.send("{\"type\":\"kept\",\"hash\":\"" + hash + "\",\"until\":" + until + "}");
    }

    /** A frame that makes the server answer, so that what was sent before it has been handled. */
    private static void sync(TestClient c) {
        c.send("{\"type\":\"ping\"}");
        c.await("pong");
    }

    @Test
    void eachKeepGoesToOneVolunteerChosenUniformly() throws Exception {
        List<TestClient> volunteers = List.of(volunteer(1L << 40, 1 << 20, false), volunteer(1L << 40, 1 << 20, false),
                volunteer(1L << 40, 1 << 20, false));
        volunteers.forEach(KeepTest::sync);
        TestClient holder = client();
        int pages = 300;
        Map<String, Integer> perVolunteer = new HashMap<>();
        for (int i = 0; i < pages; i++) {
            String page = hash("kept page " + i);
            holder.have(page);
            keep(holder, page, 1000);
            // whoever got it answers; the holder hears who keeps it
            JsonNode request = null;
            TestClient chosen = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (request == null && System.nanoTime() < deadline) {
                for (TestClient v : volunteers) {
                    for (JsonNode m : v.drain(Duration.ofMillis(1))) {
                        assertEquals("keep_request", m.get("type").asText(), m.toString());
                        assertTrue(request == null, "one keep reached two volunteers");
                        request = m;
                        chosen = v;
                    }
                }
            }
            assertTrue(request != null, "no volunteer was asked to keep page " + i);
            assertEquals(page, request.get("hash").asText());
            assertEquals(1000, request.get("size").asLong());
            assertEquals(holder.peerId, request.get("from").asText());
            kept(chosen, page, 1_900_000_000L + i);
            JsonNode answer = holder.await("kept", m -> page.equals(m.path("hash").asText()));
            assertEquals(chosen.peerId, answer.get("by").asText());
            assertEquals(1_900_000_000L + i, answer.get("until").asLong());
            perVolunteer.merge(chosen.peerId, 1, Integer::sum);
        }
        // chi-square against uniform, 2 degrees of freedom: p = 0.001 at 13.82
        double expected = pages / 3.0;
        double chi2 = perVolunteer.values().stream().mapToDouble(n -> (n - expected) * (n - expected) / expected).sum();
        assertEquals(3, perVolunteer.size(), "every volunteer was chosen: " + perVolunteer);
        assertTrue(chi2 < 13.82, "spread " + perVolunteer + " is not uniform (chi2 = " + chi2 + ")");
        assertEquals(pages, server.stats().keepsKept());
    }

    @Test
    void onlyVolunteersWithRoomAreAsked() {
        TestClient small = volunteer(100, 1000, false);
        TestClient narrow = volunteer(10_000, 50, false);
        sync(small);
        sync(narrow);
        TestClient holder = client();
        String big = hash("big"), mid = hash("mid"), more = hash("more");
        holder.have(big);
        holder.have(mid);
        holder.have(more);

        keep(holder, big, 500); // over small's room and narrow's largest page
        JsonNode refused = holder.awaitError("no_volunteer");
        assertEquals(big, refused.get("ref").asText());
        assertTrue(refused.get("message").asText().contains("room"), refused.toString());

        keep(holder, mid, 80); // only small takes pages of 80 bytes
        JsonNode request = small.await("keep_request");
        assertEquals(mid, request.get("hash").asText());

        keep(holder, more, 60); // small has 20 bytes left while it fetches mid, narrow takes 50 at most: nobody
        assertEquals(more, holder.awaitError("no_volunteer").get("ref").asText());

        kept(small, mid, 1_900_000_000L);
        holder.await("kept");
        small.send("{\"type\":\"volunteer\",\"capacity\":20,\"maxPage\":1000}"); // it stored mid
        sync(small);
        keep(holder, more, 60);
        assertEquals(more, holder.awaitError("no_volunteer").get("ref").asText());
        small.send("{\"type\":\"volunteer\",\"capacity\":70,\"maxPage\":1000}"); // its operator made room
        sync(small);
        keep(holder, more, 60);
        assertEquals(more, small.await("keep_request").get("hash").asText());
    }

    @Test
    void aFailedVolunteerIsNotAskedAgainAndTheNextOneIs() {
        TestClient a = volunteer(1 << 20, 1 << 20, false);
        TestClient b = volunteer(1 << 20, 1 << 20, false);
        TestClient c = volunteer(1 << 20, 1 << 20, false);
        List.of(a, b, c).forEach(KeepTest::sync);
        TestClient holder = client();
        String page = hash("fragile");
        holder.have(page);
        keep(holder, page, 10);

        List<TestClient> asked = new ArrayList<>();
        TestClient first = awaitAsked(page, a, b, c);
        asked.add(first);
        first.send("{\"type\":\"keep_failed\",\"hash\":\"" + page + "\",\"reason\":\"bytes did not match\"}");
        TestClient second = awaitAsked(page, a, b, c);
        assertTrue(second != first, "the volunteer that failed was asked again");
        asked.add(second);
        second.close(); // leaves without answering
        TestClient third = awaitAsked(page, a, b, c);
        assertTrue(!asked.contains(third), "a volunteer was asked twice");
        third.send("{\"type\":\"keep_failed\",\"hash\":\"" + page + "\",\"reason\":\"disk full\"}");

        JsonNode refused = holder.awaitError("no_volunteer");
        assertTrue(refused.get("message").asText().contains("disk full"), refused.toString());
        // an answer nobody asked for is refused
        first.send("{\"type\":\"kept\",\"hash\":\"" + page + "\",\"until\":1}");
        assertEquals(page, first.awaitError("not_paired").get("ref").asText());
    }

    private static TestClient awaitAsked(String page, TestClient... volunteers) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (TestClient v : volunteers) {
                if (v.closed.isDone()) {
                    continue;
                }
                try {
                    for (JsonNode m : v.drain(Duration.ofMillis(5))) {
                        if ("keep_request".equals(m.path("type").asText()) && page.equals(m.path("hash").asText())) {
                            return v;
                        }
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        }
        throw new AssertionError("no volunteer was asked to keep " + page);
    }

    @Test
    void onlyAHolderMayAskAndTwoAskersShareOneHandOff() throws Exception {
        TestClient v = volunteer(1 << 20, 1 << 20, false);
        sync(v);
        TestClient h1 = client();
        TestClient h2 = client();
        String page = hash("shared keep");
        keep(h1, page, 5);
        assertEquals(page, h1.awaitError("not_holding").get("ref").asText());

        h1.have(page);
        h2.have(page);
        keep(h1, page, 5);
        keep(h2, page, 5);
        sync(h2);
        List<JsonNode> requests = v.drain(Duration.ofMillis(100)).stream()
                .filter(m -> "keep_request".equals(m.path("type").asText())).toList();
        assertEquals(1, requests.size(), "two askers, one hand-off: " + requests);
        kept(v, page, 1_900_000_000L);
        assertEquals(v.peerId, h1.await("kept").get("by").asText());
        assertEquals(v.peerId, h2.await("kept").get("by").asText());
    }

    @Test
    void aRenewalGoesToTheVolunteerThatKeepsThePage() {
        TestClient a = volunteer(1 << 20, 1 << 20, false);
        TestClient b = volunteer(1 << 20, 1 << 20, false);
        sync(a);
        sync(b);
        TestClient holder = client();
        String page = hash("renewed");
        holder.have(page);
        keep(holder, page, 10);
        TestClient keeper = awaitAsked(page, a, b);
        keeper.have(page);
        kept(keeper, page, 1_900_000_000L);
        holder.await("kept");
        for (int i = 0; i < 10; i++) {
            keep(holder, page, 10);
            assertEquals(keeper, awaitAsked(page, a, b), "renewal " + i + " went to the other volunteer");
            kept(keeper, page, 1_900_000_000L + i);
            holder.await("kept", m -> m.path("until").asLong() > 1_900_000_000L - 1);
        }
    }

    @Test
    void aPageDownToOneHolderIsOfferedToOneAdoptingVolunteer() throws Exception {
        TestClient adopter = volunteer(1 << 20, 1 << 20, true);
        TestClient other = volunteer(1 << 20, 1 << 20, false);
        sync(adopter);
        sync(other);
        String page = hash("weak page");
        TestClient h1 = client();
        TestClient h2 = client();
        TestClient h3 = client();
        h1.have(page);
        h2.have(page);
        h3.have(page);
        sync(h3);
        h3.close(); // three to two: not weak
        h2.send("{\"type\":\"drop\",\"hash\":\"" + page + "\"}"); // two to one: weak
        JsonNode weak = adopter.await("weak");
        assertEquals(page, weak.get("hash").asText());
        assertTrue(weak.path("size").isMissingNode(), "no holder declared a size: " + weak);
        h2.have(page);
        h2.send("{\"type\":\"drop\",\"hash\":\"" + page + "\"}"); // weak again within a minute: not repeated
        sync(h2);
        List<JsonNode> more = adopter.drain(Duration.ofMillis(100));
        assertTrue(more.stream().noneMatch(m -> "weak".equals(m.path("type").asText())), more.toString());
        assertTrue(other.drain(Duration.ofMillis(10)).isEmpty(), "a volunteer that does not adopt was told");
        assertEquals(1, server.stats().weakNotices());
    }
}
