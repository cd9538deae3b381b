package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Dead connections are found and removed (slow ones: {@link SlowConsumerTest}). */
class ConnectionLifeTest extends ServerTest {

    @Override
    SignalingConfig config() {
        return super.config().withHeartbeat(1, 3).withLimits(unthrottled()).withGuards(openRates());
    }

    @Test
    void aSilentConnectionIsClosedAndLeavesItsRosters() throws Exception {
        String page = hash("silent");
        TestClient watcher = client();
        watcher.have(page);
        try (StalledClient silent = new StalledClient(server.port())) {
            silent.sendText("{\"type\":\"have\",\"hash\":\"" + page + "\"}");
            watcher.awaitPeers(page, 2, 0);
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (server.stats().connections() > 1) {
                assertTrue(System.nanoTime() < deadline, "silent connection still open");
                Thread.sleep(50); // polling a condition whose timescale is the idle timeout itself
            }
            watcher.awaitPeers(page, 1, 0);
            assertEquals(1, server.stats().holders());
        }
    }
}
