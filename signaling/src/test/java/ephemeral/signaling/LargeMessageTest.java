package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.protocol.Limits;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Messages are read in pieces as they arrive: one over {@code maxFrameBytes} is cut off, and the large ones
 * (over {@link Guards#LARGE_MESSAGE_BYTES}) share a pace, so they cannot take the server from small ones.
 */
class LargeMessageTest extends ServerTest {
    /** The pace of large messages: 20 KB a second, 20 KB at once. */
    static final int PACE = 20_000;
    static final int MAX_FRAME_BYTES = 65_536;

    @Override
    SignalingConfig config() {
        Limits d = Limits.DEFAULTS;
        return super.config()
                .withLimits(new Limits(MAX_FRAME_BYTES, d.maxHashesPerMessage(), d.maxHashesPerConnection(), d.maxWantsPerConnection(),
                        d.maxExclude(), d.maxSignalBytes(), d.messagesPerSecond(), d.messageBurst(), d.pairingSeconds()))
                .withGuards(openRates().withAnnounce(0, 1).withLargeMessageBytesPerSecond(PACE));
    }

    @Test
    void aLargeMessageIsReadAtThePaceAndSmallOnesAreNot() {
        TestClient seed = client();
        TestClient other = client();
        String have = "{\"type\":\"have\",\"hashes\":[" + RefusalTest.hashes(0, 900) + "]}"; // 60 KB
        long t0 = System.nanoTime();
        seed.send(have);
        long[] ms = pongMillis(t0, seed, other);
        long otherMs = ms[0];
        long seedMs = ms[1];
        // past the first 4 KiB, 20 KB come at once and the rest at 20 KB/s: ~1.8 s
        long expectedMs = (have.length() - Guards.LARGE_MESSAGE_BYTES - PACE) * 1_000L / PACE;
        assertTrue(seedMs >= expectedMs * 8 / 10, "the large message was read in " + seedMs + " ms, expected ~" + expectedMs);
        assertTrue(otherMs < 1_000, "another connection waited " + otherMs + " ms");
        assertEquals(900, server.stats().holders(), "the whole message was taken");
        assertEquals(0, server.stats().errorsSent(), "nothing was refused");
    }

    @Test
    void aMessageOverTheLimitIsNotReadAnyFurther() throws Exception {
        TestClient bystander = client();
        try (StalledClient sender = new StalledClient(server.port())) {
            sender.startText(1L << 30); // 1 GiB announced
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'a');
            // the server drops the connection past MAX_FRAME_BYTES (read at the pace: ~2 s); what else gets
            // through is what the kernel buffers
            CompletableFuture<Long> written = CompletableFuture.supplyAsync(() -> {
                long n = 0;
                try {
                    while (n < (1L << 30)) {
                        sender.write(chunk);
                        n += chunk.length;
                    }
                    return n;
                } catch (IOException e) {
                    return -n - 1;
                }
            });
            long n = written.get(20, TimeUnit.SECONDS);
            assertTrue(n < 0, "the server read all 1 GiB");
            assertTrue(-n - 1 < 64L << 20, "the server took " + (-n - 1) + " bytes before dropping the connection");
        }
        // and nobody else noticed
        bystander.send("{\"type\":\"ping\"}");
        bystander.await("pong");
        assertEquals(1, server.stats().connections());
    }
}
