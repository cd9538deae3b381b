package ephemeral.peer;

import ephemeral.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A "holder" that announces pages over a real signaling connection and then ignores every
 * {@code content_request}: a crashed tab, a frozen laptop, or a peer that lies about what it holds.
 */
final class SilentHolder extends RawSignaling {
    /** content_requests received, per page. */
    final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    SilentHolder(TestServer server) {
        connect(server);
    }

    void have(List<String> hashes) {
        for (String h : hashes) {
            send("{\"type\":\"have\",\"hash\":\"" + h + "\"}");
        }
    }

    int requestsFor(String hash) {
        AtomicInteger n = requests.get(hash);
        return n == null ? 0 : n.get();
    }

    @Override
    void onFrame(String text) {
        if (text.contains("\"content_request\"")) {
            int at = text.indexOf("\"hash\":\"") + 8;
            requests.computeIfAbsent(text.substring(at, at + 64), h -> new AtomicInteger()).incrementAndGet();
        }
    }

    @Override
    public void close() {
        abort();
    }
}
