package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * A few machines cannot fill the rosters for everyone: the connections of one address (127.0.0.1 here) hold
 * at most their share, and another address (127.0.0.2, the same loopback) still gets in.
 */
class AddressShareTest extends ServerTest {
    @Override
    SignalingConfig config() {
        return super.config().withGuards(Guards.DEFAULTS.withMaxRosterEntries(100).withMaxRosterEntriesPerAddress(3));
    }

    @Test
    void oneAddressHoldsAtMostItsShareAndOthersStillGetIn() throws Exception {
        TestClient a = client();
        a.send("{\"type\":\"have\",\"hashes\":[" + RefusalTest.hashes(3) + "]}");
        a.awaitPeers(hash("0"), 1, 0);
        TestClient b = client(); // another connection, same address: same share
        b.want(hash("wanted"));
        b.awaitError("server_full");
        a.send("{\"type\":\"have\",\"hashes\":[" + RefusalTest.hashes(4) + "]}");
        a.awaitError("server_full");
        assertEquals(3, server.stats().holders(), "the refused messages changed nothing");
        assertEquals(0, server.stats().wanters());

        try (StalledClient other = new StalledClient(server.port(), InetAddress.getByName("127.0.0.2"))) {
            other.sendText("{\"type\":\"have\",\"hash\":\"" + hash("from elsewhere") + "\"}");
            await(() -> server.stats().holders(), 4);
        }
        await(() -> server.stats().holders(), 3);

        a.send("{\"type\":\"drop\",\"hash\":\"" + hash("0") + "\"}"); // a dropped page frees its entry
        await(() -> server.stats().holders(), 2);
        b.want(hash("wanted"));
        await(() -> server.stats().wanters(), 1);
    }

    private static void await(IntSupplier value, int expected) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (value.getAsInt() != expected && System.nanoTime() < deadline) {
            LockSupport.parkNanos(2_000_000); // not a spin: the server needs the core
        }
        assertEquals(expected, value.getAsInt());
    }
}
