package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Signals go only between the two peers a content_request paired, and only SDP/ICE shapes pass. */
class SignalRelayTest extends ServerTest {
    static final String OFFER = "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\n\"}}";
    static final String CANDIDATE = "{\"candidate\":{\"candidate\":\"candidate:1 1 udp 2122260223 192.0.2.2 50000 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}";

    static String signal(String to, String hash, String data) {
        return "{\"type\":\"signal\",\"to\":\"" + to + "\",\"hash\":\"" + hash + "\",\"data\":" + data + "}";
    }

    private TestClient holder;
    private TestClient wanter;

    /** A holder and a wanter of {@code page}, paired by the wanter's want. */
    private void pair(String page) {
        holder = client();
        holder.have(page);
        wanter = client();
        wanter.want(page);
        holder.await("content_request");
    }

    @Test
    void pairedPeersSignalBothWays() {
        String page = hash("relay");
        pair(page);

        holder.send(signal(wanter.peerId, page, OFFER));
        JsonNode offer = wanter.await("signal");
        assertEquals(holder.peerId, offer.get("from").asText());
        assertEquals(page, offer.get("hash").asText());
        assertEquals("offer", offer.at("/data/sdp/type").asText());
        assertTrue(offer.at("/data/sdp/sdp").asText().startsWith("v=0"));

        wanter.send(signal(holder.peerId, page, CANDIDATE));
        JsonNode candidate = holder.await("signal");
        assertEquals(wanter.peerId, candidate.get("from").asText());
        assertEquals(0, candidate.at("/data/candidate/sdpMLineIndex").asInt());
        wanter.send(signal(holder.peerId, page, "{\"candidate\":{\"candidate\":\"\",\"sdpMid\":null,\"sdpMLineIndex\":null}}"));
        assertTrue(holder.await("signal").at("/data/candidate/sdpMid").isNull());
        assertEquals(3, server.stats().signalsRelayed());
    }

    /** Signals are relayed outside the hub's lock: each sender's still arrive in the order it sent them. */
    @Test
    void eachSendersSignalsArriveInOrderWhileBothSignalAtOnce() {
        String page = hash("order");
        pair(page);
        int n = 150; // under the per-connection burst (400): none is refused
        Thread other = new Thread(() -> {
            for (int i = 0; i < n; i++) {
                wanter.send(signal(holder.peerId, page, candidate(i)));
            }
        });
        other.start();
        for (int i = 0; i < n; i++) {
            holder.send(signal(wanter.peerId, page, candidate(i)));
        }
        for (int i = 0; i < n; i++) {
            assertEquals(port(i), port(wanter.await("signal")), "signal " + i + " from the holder");
            assertEquals(port(i), port(holder.await("signal")), "signal " + i + " from the wanter");
        }
        assertEquals(2 * n, server.stats().signalsRelayed());
    }

    private static String candidate(int i) {
        return "{\"candidate\":{\"candidate\":\"candidate:1 1 udp 2122260223 192.0.2.2 " + port(i)
                + " typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}";
    }

    private static int port(int i) {
        return 50_000 + i;
    }

    private static int port(JsonNode signal) {
        String[] words = signal.at("/data/candidate/candidate").asText().split(" ");
        return Integer.parseInt(words[5]);
    }

    @Test
    void unpairedSignalsAreRefused() throws Exception {
        String page = hash("unpaired");
        TestClient a = client();
        TestClient b = client();
        a.have(page);
        b.have(page);
        a.awaitPeers(page, 2, 0);
        a.send(signal(b.peerId, page, OFFER));
        JsonNode error = a.awaitError("not_paired");
        assertEquals(b.peerId, error.get("ref").asText());

        // paired for one page does not pair them for another
        TestClient wanter = client();
        wanter.want(page);
        String other = hash("other page");
        TestClient chosen = awaitRequest(a, b);
        chosen.send(signal(wanter.peerId, other, OFFER));
        chosen.awaitError("not_paired");
        // a peer that does not exist
        a.send(signal("AAAAAAAAAAAAAAAAAAAAAA", page, OFFER));
        a.awaitError("not_paired");
        assertTrue(wanter.drain(Duration.ofMillis(200)).stream().noneMatch(m -> "signal".equals(m.get("type").asText())));
        assertEquals(0, server.stats().signalsRelayed());
    }

    private static TestClient awaitRequest(TestClient a, TestClient b) throws InterruptedException {
        for (int i = 0; i < 250; i++) {
            for (TestClient h : new TestClient[] {a, b}) {
                if (h.drain(Duration.ofMillis(20)).stream().anyMatch(m -> "content_request".equals(m.get("type").asText()))) {
                    return h;
                }
            }
        }
        throw new AssertionError("no request routed");
    }

    @Test
    void onlySdpAndIceShapesAreRelayed() {
        String page = hash("shapes");
        pair(page);
        String[] smuggled = {
            "{\"content\":\"the page\"}",
            "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"the page\"}}",
            "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\nthe page\"}}",
            "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\nx=the page\"}}",
            "{\"sdp\":{\"type\":\"pranswer\",\"sdp\":\"v=0\"}}",
            "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\",\"extra\":\"the page\"}}",
            "{\"candidate\":{\"candidate\":\"the page\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}",
            "{\"candidate\":{\"candidate\":\"candidate:1\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0},\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}",
            "\"v=0 the page\"",
        };
        for (String data : smuggled) {
            holder.send(signal(wanter.peerId, page, data));
            holder.awaitError("bad_message");
        }
        // grammatical SDP, but more of it than maxSignalBytes
        String huge = "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0" + ("\\r\\na=" + "a".repeat(1_000)).repeat(20) + "\"}}";
        holder.send(signal(wanter.peerId, page, huge));
        holder.awaitError("too_large");
        assertEquals(0, server.stats().signalsRelayed());
        // still paired and working after all of that
        holder.send(signal(wanter.peerId, page, OFFER));
        assertEquals(holder.peerId, wanter.await("signal").get("from").asText());
    }

    @Test
    void candidatesAreRelayedAsBrowsersWriteThem() {
        String page = hash("tojson");
        pair(page);
        // RTCIceCandidate.toJSON() adds usernameFragment; Firefox's end-of-candidates has mid "0" and index 0
        wanter.send(signal(holder.peerId, page, "{\"candidate\":{\"candidate\":\"candidate:1 1 udp 2122260223 "
                + "192.0.2.2 50000 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"f3Kz\"}}"));
        assertEquals("f3Kz", holder.await("signal").at("/data/candidate/usernameFragment").asText());
        wanter.send(signal(holder.peerId, page, "{\"candidate\":{\"candidate\":\"\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}"));
        JsonNode end = holder.await("signal");
        assertEquals("", end.at("/data/candidate/candidate").asText());
        assertEquals("0", end.at("/data/candidate/sdpMid").asText());
        wanter.send(signal(holder.peerId, page, "{\"candidate\":{\"candidate\":\"\",\"sdpMid\":\"0\",\"sdpMLineIndex\":\"0\"}}"));
        assertEquals("field data.candidate.sdpMLineIndex has the wrong type or value",
                wanter.awaitError("bad_message").get("message").asText());
        assertEquals(2, server.stats().signalsRelayed());
    }
}
