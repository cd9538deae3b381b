package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A peer that stops reading is dropped once its outbox is full — at once, not when the heartbeat finds it
 * silent (the heartbeat keeps its default, 45 s, so only the outbox can be what closes it) — and never holds
 * up anyone else.
 */
class SlowConsumerTest extends ServerTest {

    @Override
    SignalingConfig config() {
        // fairness rates opened too: the flood of wants must reach the slow reader as fast as it is sent.
        // The outbox bound stays above one round of the flood (500 wants): the flooding wanter gets a
        // `routed` for each, and on a loaded machine its reader may lag a whole round behind.
        return super.config().withMaxOutboxMessages(1024).withLimits(unthrottled()).withGuards(openRates());
    }

    @Test
    void aPeerThatStopsReadingIsClosedWithoutDelayingOthers() throws Exception {
        String page = hash("slow reader");
        try (StalledClient slow = new StalledClient(server.port())) {
            slow.sendText("{\"type\":\"have\",\"hash\":\"" + page + "\"}");
            TestClient wanter = client();
            wanter.want(page);
            wanter.awaitPeers(page, 1, 1);
            String other = hash("another page");
            TestClient holder = client();
            holder.have(other);
            TestClient visitor = client();
            // Requests pile up for the slow reader: socket buffers fill, then its outbox, then it is closed.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int sent = 0;
            while (server.stats().connections() == 4) {
                assertTrue(System.nanoTime() < deadline, "slow reader never closed after " + sent + " requests");
                for (int i = 0; i < 500; i++) {
                    wanter.want(page);
                }
                sent += 500;
                // meanwhile, everyone else is served at once (a generous bound for a loaded 2-core machine;
                // a server writing to the slow reader synchronously would stall here for its write timeout)
                long asked = System.nanoTime();
                visitor.want(other);
                holder.await("content_request");
                long tookMs = (System.nanoTime() - asked) / 1_000_000;
                assertTrue(tookMs < 2_000, "another peer's request took " + tookMs + " ms while the slow reader filled up");
            }
            wanter.awaitPeers(page, 0, 1); // the slow reader left the page's roster
            assertEquals(1, server.stats().holders());
            assertEquals(1, server.stats().closedSlowConsumers(), "closed for its outbox, counted once (/metrics)");
        }
    }
}
