package ephemeral.peer.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.protocol.Sha256;
import ephemeral.protocol.signaling.ClientMessage;
import ephemeral.protocol.signaling.ServerMessage;
import ephemeral.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A peer whose owner thread is busy while others flood it through the server keeps at most its inbox of
 * unhandled messages (here 8, the welcome included), drops the rest, and carries on: the welcome is kept and
 * the connection works.
 */
class InboxBoundTest {
    @RegisterExtension
    static final TestServer SERVER = TestServer.perClass();

    @Test
    void unhandledMessagesAreBoundedAndTheConnectionSurvives() throws Exception {
        String page = Sha256.of("flooded holder".getBytes(StandardCharsets.UTF_8));
        ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>(); // the owner, stalled: nothing runs
        List<ServerMessage> handled = new ArrayList<>();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        SignalingClient holder = new SignalingClient(ServerUrl.parse(SERVER.baseUrl()), held::add, timer,
                new SignalingClient.Listener() {
                    @Override
                    public void onMessage(ServerMessage message) {
                        handled.add(message);
                    }

                    @Override
                    public void onDisconnected() {
                    }
                }, 8);
        List<WebSocket> wanters = new ArrayList<>();
        try {
            holder.start();
            await(() -> !held.isEmpty()); // the welcome, waiting for the owner
            holder.send(new ClientMessage.Have(page, null));
            await(() -> SERVER.stats().holders() == 1);
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 20; i++) { // each want is routed: a content_request for the stalled holder
                WebSocket w = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + SERVER.port() + "/ws"),
                        new WebSocket.Listener() { }).join();
                wanters.add(w);
                w.sendText("{\"type\":\"want\",\"hash\":\"" + page + "\"}", true).join();
            }
            await(() -> SERVER.stats().requestsRouted() == 20);
            await(() -> held.size() + holder.droppedInbound() >= 21); // welcome + 20 requests (+ counts)
            assertEquals(8, held.size(), "the welcome and 7 more wait for the owner, no more");
            assertTrue(holder.droppedInbound() >= 13, holder.droppedInbound() + " dropped");

            held.forEach(Runnable::run); // the owner catches up
            assertInstanceOf(ServerMessage.Welcome.class, handled.get(0), "the welcome is never dropped");
            assertEquals(8, handled.size());
            holder.send(new ClientMessage.Drop(page, null)); // and the connection still works
            await(() -> SERVER.stats().holders() == 0);
        } finally {
            wanters.forEach(WebSocket::abort);
            holder.close();
            timer.shutdownNow();
        }
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            LockSupport.parkNanos(5_000_000); // polling a condition another thread makes true
        }
    }
}
