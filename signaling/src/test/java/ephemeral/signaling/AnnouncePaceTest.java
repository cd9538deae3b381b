package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A connection announcing hashes faster than {@code announcePerSecond} is read more slowly, not refused:
 * every hash is taken in the end, its later messages wait their turn, and other connections are not slowed.
 */
class AnnouncePaceTest extends ServerTest {

    @Override
    SignalingConfig config() {
        return super.config().withGuards(openRates().withAnnounce(200, 200));
    }

    @Test
    void aFastAnnouncerIsReadMoreSlowlyAndNothingIsRefused() {
        TestClient seed = client();
        TestClient other = client();
        long t0 = System.nanoTime();
        // 600 hashes: 200 within the burst, then 400 at 200 per second, so about 2 s before the ping is read
        for (int i = 0; i < 3; i++) {
            seed.send("{\"type\":\"have\",\"hashes\":[" + RefusalTest.hashes(i * 200, 200) + "]}");
        }
        long[] ms = pongMillis(t0, seed, other);
        long otherMs = ms[0];
        long seedMs = ms[1];
        assertTrue(seedMs >= 1_500, "the announcer's ping was read after " + seedMs + " ms");
        assertTrue(otherMs < 1_000, "another connection waited " + otherMs + " ms");
        assertEquals(600, server.stats().holders(), "every hash was taken");
        assertEquals(0, server.stats().errorsSent(), "nothing was refused");
    }
}
