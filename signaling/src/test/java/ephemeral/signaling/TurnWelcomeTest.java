package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import ephemeral.protocol.IceServer;
import ephemeral.protocol.IceTransportPolicy;
import ephemeral.signaling.ice.Ice;
import ephemeral.signaling.ice.TurnCredentials;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each connection's {@code welcome} carries its own short-lived TURN credentials and the transport policy. */
class TurnWelcomeTest extends ServerTest {
    static final String SECRET = "turn-secret-for-this-test";

    @Override
    SignalingConfig config() {
        return super.config().withIce(Ice.NONE
                .withServers(List.of(new IceServer(List.of("stun:192.0.2.1:3478"), null, null)))
                .withTurn(List.of("turn:192.0.2.1:3478?transport=udp", "turns:192.0.2.1:5349?transport=tcp"), SECRET,
                        Duration.ofMinutes(30))
                .withPolicy(IceTransportPolicy.RELAY));
    }

    @Test
    void everyConnectionGetsItsOwnCredentialThatExpiresAfterTheTtl() {
        long now = Instant.now().getEpochSecond();
        TestClient a = client();
        TestClient b = client();
        JsonNode wa = a.welcome;
        JsonNode wb = b.welcome;
        assertEquals("relay", wa.get("iceTransportPolicy").asText());
        assertEquals("stun:192.0.2.1:3478", wa.at("/iceServers/0/urls/0").asText());
        JsonNode turn = wa.at("/iceServers/1");
        assertEquals(List.of("turn:192.0.2.1:3478?transport=udp", "turns:192.0.2.1:5349?transport=tcp"),
                List.of(turn.at("/urls/0").asText(), turn.at("/urls/1").asText()));
        String[] user = turn.get("username").asText().split(":");
        assertEquals(a.peerId, user[1], "the username names the connection's peer id");
        long expiry = Long.parseLong(user[0]);
        assertTrue(Math.abs(expiry - (now + 1800)) <= 5, "expires after the TTL: " + expiry + " vs " + now);
        assertEquals(TurnCredentials.credential(SECRET, turn.get("username").asText()), turn.get("credential").asText());
        assertNotEquals(turn.get("username").asText(), wb.at("/iceServers/1/username").asText());
    }

    /** HMAC-SHA1 and base64 as coturn computes them: a published HMAC-SHA1 test vector. */
    @Test
    void theCredentialIsBase64OfHmacSha1() {
        assertEquals("3nybhbi3iqa8ino29wqQcBydtNk=",
                TurnCredentials.credential("key", "The quick brown fox jumps over the lazy dog"));
    }
}
