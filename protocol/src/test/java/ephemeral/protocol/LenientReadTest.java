package ephemeral.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.protocol.signaling.ServerMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The clients' reader: strict about what it uses, tolerant of what a newer server adds. */
class LenientReadTest {
    static final String H = "b".repeat(64);
    static final String P = "BBBBBBBBBBBBBBBBBBBBBB";

    @Test
    void ignoresUnknownTypesAndFields() {
        assertTrue(Codec.parseServer("{\"type\":\"presence\",\"hash\":\"" + H + "\"}").isEmpty());
        assertEquals(new ServerMessage.Routed(H, P),
                Codec.parseServer("{\"type\":\"routed\",\"hash\":\"" + H + "\",\"holder\":\"" + P + "\",\"node\":3}")
                        .orElseThrow());
        var e = (ServerMessage.Error) Codec.parseServer("{\"type\":\"error\",\"code\":\"new_code\",\"message\":\"m\"}")
                .orElseThrow();
        assertEquals(ErrorCode.UNKNOWN, e.code());
    }

    @Test
    void welcomeTakesDefaultsForLimitsItLacksAndOneUrlAsAList() {
        var w = (ServerMessage.Welcome) Codec.parseServer("{\"type\":\"welcome\",\"peerId\":\"" + P + "\","
                + "\"iceServers\":[{\"urls\":\"stun:192.0.2.1\"}],\"limits\":{\"maxExclude\":3,\"maxNew\":1}}")
                .orElseThrow();
        assertEquals(List.of("stun:192.0.2.1"), w.iceServers().get(0).urls());
        assertEquals(IceTransportPolicy.ALL, w.iceTransportPolicy());
        assertEquals(3, w.limits().maxExclude());
        assertEquals(Limits.DEFAULTS.maxHashesPerMessage(), w.limits().maxHashesPerMessage());
    }

    @Test
    void anIceTransportPolicyItDoesNotKnowReadsAsAll() {
        String welcome = "{\"type\":\"welcome\",\"peerId\":\"" + P + "\",\"iceTransportPolicy\":\"%s\"}";
        assertEquals(IceTransportPolicy.RELAY,
                ((ServerMessage.Welcome) Codec.parseServer(welcome.formatted("relay")).orElseThrow()).iceTransportPolicy());
        assertEquals(IceTransportPolicy.ALL,
                ((ServerMessage.Welcome) Codec.parseServer(welcome.formatted("nohost")).orElseThrow()).iceTransportPolicy());
    }

    @Test
    void stillRefusesWhatItCannotUse() {
        for (String bad : List.of("{}", "{\"type\":\"welcome\"}",
                "{\"type\":\"content_request\",\"hash\":\"xyz\",\"from\":\"" + P + "\"}",
                "{\"type\":\"peers\",\"hash\":\"" + H + "\",\"holders\":1}",
                "{\"type\":\"error\",\"code\":\"a\",\"code\":\"b\"}")) {
            assertThrows(ProtocolException.class, () -> Codec.parseServer(bad), bad);
        }
    }
}
