package ephemeral.peer.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class MessagesTest {
    static final String H = "b".repeat(64);

    @Test
    void parsesServerMessages() {
        var w = (ServerMessage.Welcome) ServerMessage.parse("{\"type\":\"welcome\",\"peerId\":\"p\",\"iceServers\":"
                + "[{\"urls\":\"stun:x\"},{\"urls\":[\"turn:y\"],\"username\":\"u\",\"credential\":\"c\"}],"
                + "\"limits\":{\"maxHashesPerMessage\":10,\"maxExclude\":3,\"messagesPerSecond\":5,\"messageBurst\":9}}");
        assertEquals(List.of("stun:x"), w.iceServers().get(0).urls());
        assertEquals(new ServerMessage.Limits(10, 3, 5, 9), w.limits());
        assertInstanceOf(ServerMessage.ContentRequest.class,
                ServerMessage.parse("{\"type\":\"content_request\",\"hash\":\"" + H + "\",\"from\":\"q\"}"));
        assertInstanceOf(ServerMessage.Signal.class,
                ServerMessage.parse("{\"type\":\"signal\",\"from\":\"q\",\"hash\":\"" + H + "\",\"data\":{\"sdp\":{}}}"));
    }

    @Test
    void refusesBadServerMessages() {
        for (String bad : new String[] {"{}", "{\"type\":\"nope\"}", "{\"type\":\"welcome\"}",
                "{\"type\":\"content_request\",\"hash\":\"xyz\",\"from\":\"q\"}",
                "{\"type\":\"error\",\"code\":\"a\",\"code\":\"b\"}"}) {
            assertThrows(IllegalArgumentException.class, () -> ServerMessage.parse(bad), bad);
        }
    }

    @Test
    void writesExactlyTheDocumentedFields() {
        assertEquals("{\"type\":\"have\",\"hash\":\"" + H + "\"}", ClientMessage.toJson(new ClientMessage.Have(List.of(H))));
        assertEquals("{\"type\":\"have\",\"hashes\":[\"" + H + "\",\"" + H + "\"]}",
                ClientMessage.toJson(new ClientMessage.Have(List.of(H, H))));
        assertEquals("{\"type\":\"want\",\"hash\":\"" + H + "\"}", ClientMessage.toJson(new ClientMessage.Want(H, List.of())));
        assertEquals("{\"type\":\"want\",\"hash\":\"" + H + "\",\"exclude\":[\"p\"]}",
                ClientMessage.toJson(new ClientMessage.Want(H, List.of("p"))));
    }

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
