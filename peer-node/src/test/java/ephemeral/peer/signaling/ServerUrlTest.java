package ephemeral.peer.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ServerUrlTest {
    static final String H = "b".repeat(64);

    @Test
    void serverUrlAcceptsBothForms() {
        assertEquals("ws://localhost:8080/ws", ServerUrl.parse("http://localhost:8080").webSocket().toString());
        assertEquals("http://localhost:8080/" + H, ServerUrl.parse("http://localhost:8080/").link(H));
        assertEquals("wss://example.org/ws", ServerUrl.parse("https://example.org").webSocket().toString());
        ServerUrl ws = ServerUrl.parse("ws://127.0.0.1:9000/ws");
        assertEquals("http://127.0.0.1:9000", ws.base().toString());
        assertEquals("ws://127.0.0.1:9000/ws", ws.webSocket().toString());
        assertThrows(IllegalArgumentException.class, () -> ServerUrl.parse("ftp://x"));
        assertThrows(IllegalArgumentException.class, () -> ServerUrl.parse("localhost:8080"));
    }
}
