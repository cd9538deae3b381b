package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The server's memory and connections are bounded, with a clear answer when a bound is hit. */
class GuardsTest extends ServerTest {
    @Override
    SignalingConfig config() {
        // 10 entries: holders may fill 9, one stays for a want
        return super.config().withGuards(Guards.DEFAULTS.withMaxRosterEntries(10).withMaxConnectionsPerAddress(4));
    }

    @Test
    void aFullRosterRefusesNewEntriesAndKeepsTheOld() {
        TestClient c = client();
        c.send("{\"type\":\"have\",\"hashes\":[" + RefusalTest.hashes(9) + "]}");
        c.awaitPeers(hash("0"), 1, 0);
        c.send("{\"type\":\"have\",\"hashes\":[" + RefusalTest.hashes(10) + "]}");
        c.awaitError("server_full");
        assertEquals(9, server.stats().holders(), "the refused have changed nothing");
        TestClient wanter = client();
        wanter.want(hash("wanted")); // holders filled their share, not the room kept for wants
        assertEquals(10, waitHolderPlusWanters(10));
        wanter.want(hash("one too many"));
        wanter.awaitError("server_full");
    }

    @Test
    void oneAddressGetsAtMostItsShareOfConnections() {
        List<TestClient> four = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            four.add(client());
        }
        var thrown = assertThrows(CompletionException.class, () -> TestClient.connect(server));
        assertEquals(429, ((WebSocketHandshakeException) thrown.getCause()).getResponse().statusCode());
        assertEquals(1, server.stats().connectionsRefused());
        four.get(0).close();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.stats().connections() > 3 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // not a spin: the server needs the core
        }
        client().close(); // a slot freed by a close is free again
    }

    private int waitHolderPlusWanters(int expected) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            Stats s = server.stats();
            if (s.holders() + s.wanters() == expected) {
                return expected;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // not a spin: the server needs the core
        }
        return server.stats().holders() + server.stats().wanters();
    }
}
