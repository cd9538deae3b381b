package ephemeral.peer.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.peer.Conditions;
import ephemeral.peer.PeerNode;
import ephemeral.peer.TestPeers;
import ephemeral.protocol.live.LiveKey;
import ephemeral.protocol.live.LiveVersion;
import ephemeral.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Live pages between Java peers: publish, follow, update, and a second author process taking over the sequence. */
class LivePageTest {
    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    static KeyPair author() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void followersTakeEachNewVersionAndTheServerSeesNoVersionRecord() throws Exception {
        KeyPair pair = author();
        LiveKey key = LiveKey.of(pair.getPublic());
        try (PeerNode author = TestPeers.start(server);
             PeerNode a = TestPeers.start(server);
             PeerNode b = TestPeers.start(server)) {
            LiveVersion v1 = author.publish(pair.getPrivate(), key, utf8("first"), Duration.ofSeconds(5));
            assertEquals(1, v1.seq());
            assertEquals(v1, a.awaitLive(key, 1, Duration.ofSeconds(20)));
            assertEquals(v1, b.awaitLive(key, 1, Duration.ofSeconds(20)));
            assertArrayEquals(utf8("first"), a.store().get(v1.hash()).orElseThrow().bytes());

            LiveVersion v2 = author.publish(pair.getPrivate(), key, utf8("second"), Duration.ofSeconds(5));
            assertEquals(2, v2.seq());
            assertEquals(v2, a.awaitLive(key, 2, Duration.ofSeconds(5)));
            assertEquals(v2, b.awaitLive(key, 2, Duration.ofSeconds(5)));
            assertArrayEquals(utf8("second"), b.store().get(v2.hash()).orElseThrow().bytes());
            assertFalse(b.store().contains(v1.hash()), "the old version's page is let go");

            for (TestServer.Frame f : server.frames()) {
                assertFalse(f.text() != null && (f.text().contains(v1.sig()) || f.text().contains(v2.sig()) || f.text().contains(key.text())),
                        "the server saw a version record or the key: " + f.text());
            }
        }
    }

    @Test
    void aSecondAuthorProcessContinuesTheSequence() throws Exception {
        KeyPair pair = author();
        LiveKey key = LiveKey.of(pair.getPublic());
        try (PeerNode first = TestPeers.start(server);
             PeerNode follower = TestPeers.start(server)) {
            first.publish(pair.getPrivate(), key, utf8("from one"), Duration.ofSeconds(5));
            follower.awaitLive(key, 1, Duration.ofSeconds(20));
            try (PeerNode second = TestPeers.start(server)) {
                LiveVersion v2 = second.publish(pair.getPrivate(), key, utf8("from two"), Duration.ofSeconds(10));
                assertEquals(2, v2.seq(), "learned seq 1 from the mesh before signing");
                assertEquals(v2, follower.awaitLive(key, 2, Duration.ofSeconds(5)));
                assertEquals(v2, first.awaitLive(key, 2, Duration.ofSeconds(5)));
            }
        }
    }
}
