package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import ephemeral.protocol.Limits;
import java.time.Duration;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every rule: a bad message gets an error, and the connection's other state is intact. */
class RefusalTest extends ServerTest {
    static final Limits SMALL = new Limits(4_096, 3, 4, 2, 2, 1_024, 50, 60, 120);

    @Override
    SignalingConfig config() {
        return super.config().withLimits(SMALL);
    }

    @Test
    void badFramesAreRefusedAndChangeNothing() throws Exception {
        String page = hash("kept");
        TestClient c = client();
        c.have(page);
        c.awaitPeers(page, 1, 0);
        String[][] cases = {
            {"not json", "bad_json"},
            {"{\"type\":\"have\",\"hash\":\"" + page + "\"", "bad_json"},
            {"[1,2]", "bad_json"},
            {"{}", "unknown_type"},
            {"{\"type\":\"fetch\",\"hash\":\"" + page + "\"}", "unknown_type"},
            {"{\"type\":\"have\",\"type\":\"drop\",\"hash\":\"" + page + "\"}", "bad_json"},
            {"{\"type\":\"drop\",\"hash\":\"" + page + "\",\"hash\":\"" + page + "\"}", "bad_json"},
            {"{\"type\":\"drop\",\"hash\":\"" + page + "\",\"extra\":1}", "bad_message"},
            {"{\"type\":\"drop\"}", "bad_message"},
            {"{\"type\":\"drop\",\"hash\":\"" + page + "\",\"hashes\":[\"" + page + "\"]}", "bad_message"},
            {"{\"type\":\"drop\",\"hash\":5}", "bad_message"},
            {"{\"type\":\"drop\",\"hash\":\"" + page.toUpperCase() + "\"}", "bad_hash"},
            {"{\"type\":\"drop\",\"hash\":\"abc\"}", "bad_hash"},
            {"{\"type\":\"drop\",\"hashes\":[]}", "bad_message"},
            {"{\"type\":\"drop\",\"hash\":\"" + page + "\"} {}", "bad_json"},
            {"{\"type\":\"want\",\"hash\":\"" + page + "\",\"exclude\":[\"nope\"]}", "bad_message"},
            {"{\"type\":\"signal\",\"to\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"hash\":\"" + page + "\"}", "bad_message"},
            {"{\"type\":\"drop\",\"hashes\":[" + hashes(4) + "]}", "too_many_hashes"},
        };
        for (String[] bad : cases) {
            c.send(bad[0]);
            JsonNode error = c.await("error");
            assertEquals(bad[1], error.get("code").asText(), "for " + bad[0]);
            assertFalse(error.get("message").asText().isBlank());
        }
        c.sendBinary(new byte[] {1, 2, 3});
        c.awaitError("binary_frame");

        // nothing changed: still the page's one holder, and the connection still works
        assertEquals(1, server.stats().holders());
        TestClient wanter = client();
        wanter.want(page);
        assertEquals(wanter.peerId, c.await("content_request").get("from").asText());
        assertFalse(c.closed.isDone());
    }

    @Test
    void limitsOnHeldAndWantedPagesAreEnforcedWithoutPartialEffects() {
        TestClient c = client();
        c.send("{\"type\":\"have\",\"hashes\":[" + hashes(3) + "]}");
        c.send("{\"type\":\"have\",\"hashes\":[\"" + hash("4") + "\",\"" + hash("5") + "\"]}");
        JsonNode error = c.awaitError("too_many_hashes");
        assertTrue(error.get("message").asText().contains("4"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.stats().holders() != 3 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // not a spin: the server needs the core
        }
        assertEquals(3, server.stats().holders(), "the refused have added nothing");

        c.want(hash("w1"));
        c.want(hash("w2"));
        c.want(hash("w3"));
        assertEquals(hash("w3"), c.awaitError("too_many_wants").get("ref").asText());
        c.want(hash("w1")); // a retry of a held want is not a new want
        c.send("{\"type\":\"unwant\",\"hash\":\"" + hash("w2") + "\"}");
        c.want(hash("w3"));
        c.awaitPeers(hash("w3"), 0, 1);
        assertEquals(2, server.stats().wanters());
    }

    @Test
    void overTheRateAMessageIsRefusedAndSustainedAbuseClosesOnlyThatConnection() throws Exception {
        TestClient calm = client();
        String page = hash("calm");
        calm.have(page);
        TestClient flood = client();
        String unwant = "{\"type\":\"unwant\",\"hash\":\"" + page + "\"}";
        for (int i = 0; i < 70; i++) {
            flood.send(unwant);
        }
        flood.awaitError("rate_limited");
        assertFalse(flood.closed.isDone(), "a burst over the limit is refused, not punished");
        // burst + refill while sending, then more than a burst of refusals: closed. Sending stops there, so the
        // client is still reading when the close frame comes; the server may close before the last sends
        // are out, and then they fail on the client ("Output closed")
        for (int i = 0; i < 2 * SMALL.messageBurst() + 15 && !flood.closed.isDone(); i++) {
            try {
                flood.send(unwant);
            } catch (java.util.concurrent.CompletionException closedUnderUs) {
                break;
            }
        }
        String closedWith = flood.closed.get(10, TimeUnit.SECONDS);
        // The JDK client reports the close frame, unless the socket ends under its pending writes first
        // ("closed input", "connection reset"); so the server's own count says why it closed
        assertEquals(1, server.stats().closedForAbuse(), "closed as abusive, the client saw: " + closedWith);
        if (closedWith.matches("\\d+ .*")) {
            assertEquals("1008 rate limit exceeded", closedWith);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.stats().connections() != 1 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // not a spin: the server needs the core
        }
        assertEquals(1, server.stats().connections(), "the flooding connection is gone, the calm one stays");

        TestClient wanter = client();
        wanter.want(page);
        assertEquals(wanter.peerId, calm.await("content_request").get("from").asText());
        assertFalse(calm.closed.isDone());
    }

    @Test
    void ordinaryUseNeverTripsTheDefaultRateLimit() throws Exception {
        server.stop();
        server = SignalingServer.create(SignalingConfig.defaults().withHost("127.0.0.1").withPort(0)).start();
        TestClient holder = client();
        String page = hash("busy");
        holder.have(page);
        holder.awaitPeers(page, 1, 0);
        TestClient visitor = client();
        // a visitor retrying and a burst of ICE candidates: dozens of messages within a second
        for (int i = 0; i < 60; i++) {
            visitor.want(page);
        }
        for (int i = 0; i < 60; i++) {
            visitor.send(SignalRelayTest.signal(holder.peerId, page, SignalRelayTest.CANDIDATE));
        }
        // the candidates all reached the holder: none of the 120 messages was refused
        for (int i = 0; i < 60; i++) {
            holder.await("signal");
        }
        assertEquals(0, server.stats().errorsSent(), "refused: " + visitor.drain(Duration.ofMillis(1)));
    }

    @Test
    void aFrameOverTheLimitClosesTheConnection() throws Exception {
        TestClient c = client();
        c.send("{\"type\":\"drop\",\"hash\":\"" + "x".repeat(SMALL.maxFrameBytes()) + "\"}");
        assertTrue(c.closed.get(10, TimeUnit.SECONDS).startsWith("1009"));
    }

    @Test
    void aBinaryMessageOverTheLimitClosesTheConnection() throws Exception {
        TestClient c = client();
        c.sendBinary(new byte[SMALL.maxFrameBytes() + 1]);
        assertTrue(c.closed.get(10, TimeUnit.SECONDS).startsWith("1009"));
        assertEquals(0, server.stats().errorsSent(), "cut off, not refused as a binary frame");
    }

    @Test
    void foreignOriginsAreRefusedAndTheServersOwnIsAccepted() {
        TestClient own = TestClient.connect(server, "http://127.0.0.1:" + server.port());
        own.close();
        var thrown = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CompletionException.class,
                () -> TestClient.connect(server, "http://evil.example"));
        assertEquals(403, ((java.net.http.WebSocketHandshakeException) thrown.getCause()).getResponse().statusCode());
        // the right host and port under another scheme is another origin
        thrown = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CompletionException.class,
                () -> TestClient.connect(server, "ftp://127.0.0.1:" + server.port()));
        assertEquals(403, ((java.net.http.WebSocketHandshakeException) thrown.getCause()).getResponse().statusCode());
        assertEquals(0, server.stats().connections());
    }

    static String hashes(int n) {
        return hashes(0, n);
    }

    /** {@code n} distinct quoted hashes, the {@code from}-th on. */
    static String hashes(int from, int n) {
        StringJoiner j = new StringJoiner(",");
        for (int i = from; i < from + n; i++) {
            j.add("\"" + hash(Integer.toString(i)) + "\"");
        }
        return j.toString();
    }
}
