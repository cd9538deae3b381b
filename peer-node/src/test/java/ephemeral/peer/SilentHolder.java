package ephemeral.peer;

import ephemeral.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A "holder" that announces pages over a real signaling connection and then ignores every
 * {@code content_request}: a crashed tab, a frozen laptop, or a peer that lies about what it holds.
 */
final class SilentHolder implements WebSocket.Listener, AutoCloseable {
    private final WebSocket ws;
    /** content_requests received, per page. */
    final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final StringBuilder partial = new StringBuilder();

    SilentHolder(TestServer server) {
        ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws"), this).join();
    }

    void have(List<String> hashes) {
        for (String h : hashes) {
            ws.sendText("{\"type\":\"have\",\"hash\":\"" + h + "\"}", true).join();
        }
    }

    int requestsFor(String hash) {
        AtomicInteger n = requests.get(hash);
        return n == null ? 0 : n.get();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            if (text.contains("\"content_request\"")) {
                int at = text.indexOf("\"hash\":\"") + 8;
                requests.computeIfAbsent(text.substring(at, at + 64), h -> new AtomicInteger()).incrementAndGet();
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public void close() {
        ws.abort();
    }
}
