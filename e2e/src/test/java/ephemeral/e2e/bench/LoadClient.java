package ephemeral.e2e.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A lean signaling client for load generation: raw frames in, raw frames out. It reads fields by string
 * search instead of a JSON parser so that the load generator, not the server, is never the bottleneck it
 * measures (the server's frames have a fixed, known shape).
 */
final class LoadClient implements WebSocket.Listener {
    final CompletableFuture<String> welcome = new CompletableFuture<>();
    private final Consumer<String> onFrame;
    private final StringBuilder partial = new StringBuilder();
    private CompletableFuture<WebSocket> sending;
    private WebSocket ws;
    volatile String peerId;

    private LoadClient(Consumer<String> onFrame) {
        this.onFrame = onFrame;
    }

    static CompletableFuture<LoadClient> connect(HttpClient http, URI uri, Consumer<String> onFrame) {
        LoadClient client = new LoadClient(onFrame);
        return http.newWebSocketBuilder().buildAsync(uri, client)
                .thenCompose(ws -> {
                    client.ws = ws;
                    client.sending = CompletableFuture.completedFuture(ws);
                    return client.welcome;
                })
                .thenApply(id -> client);
    }

    /** Queues a frame; the JDK client allows one send in flight per socket, so sends are chained. */
    synchronized void send(String text) {
        sending = sending.thenCompose(w -> w.sendText(text, true));
    }

    void have(String hash) {
        send("{\"type\":\"have\",\"hash\":\"" + hash + "\"}");
    }

    void want(String hash) {
        send("{\"type\":\"want\",\"hash\":\"" + hash + "\"}");
    }

    void close() {
        ws.abort();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String frame = partial.toString();
            partial.setLength(0);
            if (!welcome.isDone()) {
                peerId = field(frame, "peerId");
                welcome.complete(peerId);
            } else {
                onFrame.accept(frame);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        welcome.completeExceptionally(error);
    }

    static boolean isType(String frame, String type) {
        return frame.startsWith("{\"type\":\"" + type + "\"");
    }

    /** The value of a string field of a server frame. */
    static String field(String frame, String name) {
        String key = "\"" + name + "\":\"";
        int start = frame.indexOf(key);
        if (start < 0) {
            return null;
        }
        start += key.length();
        return frame.substring(start, frame.indexOf('"', start));
    }

    /** The value of an integer field of a server frame. */
    static int intField(String frame, String name) {
        String key = "\"" + name + "\":";
        int start = frame.indexOf(key) + key.length();
        int end = start;
        while (end < frame.length() && Character.isDigit(frame.charAt(end))) {
            end++;
        }
        return Integer.parseInt(frame.substring(start, end));
    }
}
