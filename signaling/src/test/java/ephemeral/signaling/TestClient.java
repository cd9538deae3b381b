package ephemeral.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client for tests: sends raw text, collects every frame, waits for matching ones. */
final class TestClient implements WebSocket.Listener, AutoCloseable {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    private WebSocket ws;
    private volatile AssertionError listenerFailure;
    String peerId;
    /** The {@code welcome} this connection got. */
    JsonNode welcome;

    static TestClient connect(SignalingServer server) {
        return connect(server, null);
    }

    static TestClient connect(SignalingServer server, String origin) {
        return connectTo(server.port(), origin);
    }

    /** To a server on this port of 127.0.0.1, maybe another process. */
    static TestClient connectTo(int port) {
        return connectTo(port, null);
    }

    static TestClient connectTo(int port, String origin) {
        TestClient client = new TestClient();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder();
        if (origin != null) {
            builder.header("Origin", origin);
        }
        client.ws = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), client).join();
        client.welcome = client.await("welcome");
        client.peerId = client.welcome.get("peerId").asText();
        return client;
    }

    void send(String text) {
        ws.sendText(text, true).join();
    }

    void sendBinary(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    void have(String hash) {
        send("{\"type\":\"have\",\"hash\":\"" + hash + "\"}");
    }

    void want(String hash, String... exclude) {
        StringBuilder s = new StringBuilder("{\"type\":\"want\",\"hash\":\"" + hash + "\"");
        if (exclude.length > 0) {
            s.append(",\"exclude\":[");
            for (int i = 0; i < exclude.length; i++) {
                s.append(i > 0 ? "," : "").append('"').append(exclude[i]).append('"');
            }
            s.append(']');
        }
        send(s.append('}').toString());
    }

    /** The next frame of this type, skipping (but remembering) others. */
    JsonNode await(String type) {
        return await(type, m -> true);
    }

    synchronized JsonNode await(String type, Predicate<JsonNode> match) {
        for (int i = 0; i < seen.size(); i++) {
            JsonNode m = seen.get(i);
            if (type.equals(m.path("type").asText()) && match.test(m)) {
                return seen.remove(i);
            }
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode m = left > 0 ? inbox.poll(Math.min(left, 50_000_000), TimeUnit.NANOSECONDS) : null;
                if (listenerFailure != null) {
                    throw listenerFailure;
                }
                if (m == null && left > 50_000_000) {
                    continue;
                }
                if (m == null) {
                    throw new AssertionError("no '" + type + "' frame within " + TIMEOUT + "; other frames: " + seen);
                }
                if (type.equals(m.path("type").asText()) && match.test(m)) {
                    return m;
                }
                seen.add(m);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    JsonNode awaitError(String code) {
        return await("error", m -> code.equals(m.path("code").asText()));
    }

    /** Waits for the counts of a page to reach the given values (count broadcasts are coalesced). */
    JsonNode awaitPeers(String hash, int holders, int wanters) {
        return await("peers", m -> hash.equals(m.path("hash").asText())
                && m.path("holders").asInt() == holders && m.path("wanters").asInt() == wanters);
    }

    /** Frames received and not yet consumed, after waiting a moment for stragglers. */
    synchronized List<JsonNode> drain(Duration quiet) throws InterruptedException {
        List<JsonNode> all = new ArrayList<>(seen);
        seen.clear();
        JsonNode m;
        while ((m = inbox.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
            all.add(m);
        }
        return all;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                inbox.add(JSON.readTree(partial.toString()));
            } catch (Exception e) {
                // thrown here it would only end this listener: hand it to the test thread instead
                listenerFailure = new AssertionError("server sent invalid JSON: " + partial, e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode + " " + reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete("error " + error);
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            ws.abort();
        }
    }
}
