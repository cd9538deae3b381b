package ephemeral.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.protocol.IceTransportPolicy;
import ephemeral.signaling.ice.Ice;
import ephemeral.testing.Coturn;
import ephemeral.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Java ⇄ Java through a real coturn, every peer told by the server to use relayed candidates only. */
class RelayOnlyTest {
    @TempDir
    Path dir;

    @Test
    void aPageCrossesTheRelayWithTheServersShortLivedCredentials() throws Exception {
        try (Coturn turn = Coturn.start(dir);
             TestServer server = TestServer.start("127.0.0.1", c -> c.withIce(Ice.NONE
                     .withTurn(List.of(turn.url()), turn.secret(), Duration.ofMinutes(5))
                     .withPolicy(IceTransportPolicy.RELAY)))) {
            byte[] page = new byte[64 * 1024];
            new Random(7).nextBytes(page);
            try (PeerNode holder = TestPeers.start(server);
                 PeerNode wanter = TestPeers.start(server)) {
                String hash = holder.share(page);
                assertArrayEquals(page, wanter.get(hash, Duration.ofSeconds(20)));
            }
            server.assertClean();
            Conditions.await("coturn to log both peers' relayed addresses", Duration.ofSeconds(10), () -> turn.allocations() >= 2);
            Conditions.await("coturn to log what its sessions relayed", Duration.ofSeconds(10),
                    () -> turn.relayedBytes() >= 2L * page.length);
        }
    }

    /** A server whose secret is not coturn's hands out credentials coturn refuses: the wanter says so. */
    @Test
    void credentialsTheRelayRefusesFailTheGetWithTheReason() throws Exception {
        assertRefused(Duration.ofMinutes(5), "not-" + "coturns-secret");
    }

    /** Credentials past their expiry are refused as well (coturn checks the time in the username). */
    @Test
    void expiredCredentialsFailTheGetWithTheReason() throws Exception {
        assertRefused(Duration.ofSeconds(1), null);
    }

    private void assertRefused(Duration ttl, String wrongSecret) throws Exception {
        try (Coturn turn = Coturn.start(dir);
             TestServer server = TestServer.start("127.0.0.1", c -> c.withIce(Ice.NONE
                     .withTurn(List.of(turn.url()), wrongSecret != null ? wrongSecret : turn.secret(), ttl)
                     .withPolicy(IceTransportPolicy.RELAY)));
             PeerNode holder = TestPeers.start(server);
             PeerNode wanter = TestPeers.start(server)) {
            String hash = holder.share("never crosses".getBytes(StandardCharsets.UTF_8));
            if (wrongSecret == null) { // coturn compares the expiry in the username with its clock, in seconds
                Instant expired = Instant.now().plus(ttl).plusSeconds(1);
                Conditions.await("the credentials to expire", ttl.plusSeconds(3), () -> Instant.now().isAfter(expired));
            }
            long t0 = System.nanoTime();
            PageUnavailableException e = assertThrows(PageUnavailableException.class,
                    () -> wanter.get(hash, Duration.ofSeconds(8)));
            System.out.printf("refused after %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000, e.getMessage());
            assertTrue(e.getMessage().contains("TURN server refused our credentials"), e.getMessage());
            assertTrue(turn.log().contains("401"), "coturn refused them:\n" + turn.log());
        }
    }
}
