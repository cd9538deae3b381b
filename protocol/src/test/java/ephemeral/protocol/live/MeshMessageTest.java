package ephemeral.protocol.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.protocol.Codec;
import ephemeral.protocol.ErrorCode;
import ephemeral.protocol.ProtocolException;
import ephemeral.protocol.Sha256;
import ephemeral.protocol.signaling.SignalData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The live mesh's messages: exact shapes, round trips, and refusals that name the field. */
class MeshMessageTest {
    static final LiveKey KEY = LiveKey.ofRaw(LiveVersionTest.RFC_PUBLIC);
    static final String PEER = "AAAAAAAAAAAAAAAAAAAAAA";

    @Test
    void theTopicIsTheDocumentedHashOfTheKey() {
        assertEquals(Sha256.of(("ephemeral-live-topic\n" + KEY.text()).getBytes(StandardCharsets.US_ASCII)), KEY.topic());
        assertTrue(ephemeral.protocol.Ids.isHash(KEY.topic()), "a topic is spelt like a page's hash, so the server routes it as one");
    }

    @Test
    void everyMessageHasItsDocumentedShape() throws Exception {
        LiveVersion v = LiveVersion.sign(LiveVersionTest.rfcPrivate(), KEY, 1, LiveVersionTest.HELLO, 5);
        String version = Codec.encode(v);
        assertEquals("{\"type\":\"hello\",\"key\":\"" + KEY + "\"}", Codec.encode(new MeshMessage.Hello(KEY, null)));
        assertEquals("{\"type\":\"hello\",\"key\":\"" + KEY + "\",\"version\":" + version + "}", Codec.encode(new MeshMessage.Hello(KEY, v)));
        assertEquals("{\"type\":\"version\",\"version\":" + version + "}", Codec.encode(new MeshMessage.Version(v)));
        assertEquals("{\"type\":\"more\"}", Codec.encode(new MeshMessage.More()));
        assertEquals("{\"type\":\"neighbours\",\"peers\":[\"" + PEER + "\"]}", Codec.encode(new MeshMessage.Neighbours(List.of(PEER))));
        SignalData ice = SignalData.of(new SignalData.Candidate("", null, null, null));
        assertEquals("{\"type\":\"relay\",\"to\":\"" + PEER + "\",\"data\":" + Codec.encode(ice) + "}", Codec.encode(MeshMessage.Relay.to(PEER, ice)));
        assertEquals("{\"type\":\"relay_failed\",\"peer\":\"" + PEER + "\",\"reason\":\"gone\"}",
                Codec.encode(new MeshMessage.RelayFailed(PEER, MeshMessage.RelayFailed.GONE)));
        for (MeshMessage m : List.of(new MeshMessage.Hello(KEY, v), new MeshMessage.Version(v), new MeshMessage.More(),
                new MeshMessage.Neighbours(List.of(PEER)), MeshMessage.Relay.from(PEER, ice),
                new MeshMessage.RelayFailed(PEER, MeshMessage.RelayFailed.GONE))) {
            assertEquals(m, Codec.parseMesh(Codec.encode(m)).orElseThrow());
        }
    }

    @Test
    void aNewerPeersMessageIsSkippedAndUnknownFieldsIgnored() {
        assertTrue(Codec.parseMesh("{\"type\":\"gossip\",\"x\":1}").isEmpty());
        assertEquals(new MeshMessage.More(), Codec.parseMesh("{\"type\":\"more\",\"want\":3}").orElseThrow());
    }

    @Test
    void malformedMessagesAreRefusedByName() throws Exception {
        refused("{\"x\":1}", "type");
        refused("{\"type\":\"hello\"}", "key");
        refused("{\"type\":\"version\"}", "version");
        refused("{\"type\":\"neighbours\",\"peers\":[\"short\"]}", "peerId");
        refused("{\"type\":\"neighbours\",\"peers\":[" + String.join(",", java.util.Collections.nCopies(17, "\"" + PEER + "\"")) + "]}", "at most 16");
        refused("{\"type\":\"relay\",\"data\":{\"candidate\":{\"candidate\":\"\"}}}", "exactly one of to and from");
        refused("{\"type\":\"relay\",\"to\":\"" + PEER + "\",\"from\":\"" + PEER + "\",\"data\":{\"candidate\":{\"candidate\":\"\"}}}", "exactly one");
        refused("{\"type\":\"relay\",\"to\":\"" + PEER + "\"}", "data");
        refused("{\"type\":\"relay_failed\",\"peer\":\"" + PEER + "\"}", "reason");
        LiveKey other = LiveKey.of(java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic());
        LiveVersion v = LiveVersion.sign(LiveVersionTest.rfcPrivate(), KEY, 1, LiveVersionTest.HELLO, 5);
        refused("{\"type\":\"hello\",\"key\":\"" + other + "\",\"version\":" + Codec.encode(v) + "}", "not the link's key");
        ProtocolException big = assertThrows(ProtocolException.class, () -> Codec.parseMesh("{\"type\":\"more\",\"pad\":\"" + "x".repeat(20_000) + "\"}"));
        assertEquals(ErrorCode.TOO_LARGE, big.code());
    }

    private static void refused(String json, String why) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.parseMesh(json), json);
        assertTrue(e.getMessage().contains(why), e.getMessage() + " should name " + why);
    }
}
