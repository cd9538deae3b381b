package ephemeral.peer;

import ephemeral.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletionStage;

/** A bare signaling connection for tests that play a misbehaving or hand-driven peer: whole text frames in, text out. */
abstract class RawSignaling implements WebSocket.Listener, AutoCloseable {
    private final StringBuilder partial = new StringBuilder();
    private WebSocket ws;

    /** Connects; a subclass calls it last in its constructor, as frames may arrive at once. */
    final void connect(TestServer server) {
        ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws"), this).join();
    }

    /** One whole frame from the server, on the WebSocket's thread. */
    abstract void onFrame(String text);

    private volatile String closedBy;

    void send(String text) {
        synchronized (this) {
            if (closedBy != null) {
                throw new IllegalStateException("the server closed this connection: " + closedBy);
            }
            ws.sendText(text, true).join();
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closedBy = statusCode + " " + reason;
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            onFrame(text);
        }
        webSocket.request(1);
        return null;
    }

    void abort() {
        ws.abort();
    }
}
