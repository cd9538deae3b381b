package ephemeral.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.protocol.Codec;
import ephemeral.protocol.Sha256;
import ephemeral.protocol.live.LiveKey;
import ephemeral.protocol.live.LiveVersion;
import ephemeral.protocol.live.MeshMessage;
import ephemeral.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A holder of a live page that lies to its neighbours: a version with a bad signature, a replay of an older
 * version, and a validly signed version of another key. Every honest peer keeps the right version, drops
 * the liar, and still takes the author's next version.
 */
class LiveForgeryTest {
    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    @Test
    void everyPeerKeepsTheRightVersion() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        LiveKey key = LiveKey.of(pair.getPublic());
        byte[] evil = "evil".getBytes(StandardCharsets.UTF_8);
        try (PeerNode author = TestPeers.start(server);
             PeerNode honest = TestPeers.start(server)) {
            LiveVersion v1 = author.publish(pair.getPrivate(), key, "one".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
            LiveVersion v2 = author.publish(pair.getPrivate(), key, "two".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
            honest.awaitLive(key, 2, Duration.ofSeconds(20));
            List<Function<LiveVersion, LiveVersion>> lies = List.of(
                    // seq 3 with v2's signature
                    v -> new LiveVersion(key, 3, Sha256.of(evil), evil.length, v.sig()),
                    // v1 again, after it announced v2 (below): its announcements go backwards
                    v -> v1,
                    // a good signature, by another key
                    v -> LiveVersion.sign(stranger.getPrivate(), LiveKey.of(stranger.getPublic()), 9, Sha256.of(evil), evil.length));
            for (Function<LiveVersion, LiveVersion> lie : lies) {
                try (PeerNode liar = TestPeers.start(server)) {
                    liar.awaitLive(key, 2, Duration.ofSeconds(20));
                    Conditions.await("the liar linked to both", Duration.ofSeconds(10), () -> liar.liveLinks(key).size() == 2);
                    LiveVersion forged = lie.apply(v2);
                    if (forged == v1) {
                        liar.liveSendUnchecked(key, Codec.encode(new MeshMessage.Version(v2)));
                    }
                    liar.liveSendUnchecked(key, Codec.encode(new MeshMessage.Version(forged)));
                    for (PeerNode p : List.of(author, honest)) {
                        Conditions.await("the liar is dropped for seq " + forged.seq(), Duration.ofSeconds(5),
                                () -> p.liarsFound().contains(liar.peerId()) && !p.liveLinks(key).contains(liar.peerId()));
                        assertEquals(v2, p.liveVersion(key).orElseThrow(), "still the author's version 2");
                        assertFalse(p.store().contains(Sha256.of(evil)));
                    }
                }
            }
            LiveVersion v3 = author.publish(pair.getPrivate(), key, "three".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
            assertEquals(3, v3.seq());
            assertEquals(v3, honest.awaitLive(key, 3, Duration.ofSeconds(5)), "seq 3 was not spoilt by the forged one");
            assertTrue(honest.liarsFound().size() >= 3);
        }
    }
}
