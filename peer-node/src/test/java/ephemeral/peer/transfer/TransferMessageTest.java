package ephemeral.peer.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TransferMessageTest {
    static final String H = "a".repeat(64);

    @Test
    void parsesTheDocumentedMessages() {
        assertEquals(new TransferMessage.Get(H, 0), TransferMessage.parse("{\"type\":\"get\",\"hash\":\"" + H + "\",\"offset\":0}"));
        assertEquals(new TransferMessage.Header(H, 10, 2, "a.txt", null),
                TransferMessage.parse("{\"type\":\"header\",\"hash\":\"" + H + "\",\"size\":10,\"offset\":2,\"name\":\"a.txt\",\"mime\":null}"));
        assertEquals(new TransferMessage.Error("not_found", "x"),
                TransferMessage.parse("{\"type\":\"error\",\"code\":\"not_found\",\"message\":\"x\"}"));
    }

    @Test
    void roundTrips() {
        for (TransferMessage m : new TransferMessage[] {new TransferMessage.Get(H, 5),
                new TransferMessage.Header(H, 9, 0, null, "text/html"), new TransferMessage.Error("busy", "full")}) {
            assertEquals(m, TransferMessage.parse(TransferMessage.toJson(m)));
        }
    }

    @Test
    void refusesGarbage() {
        for (String bad : new String[] {"", "{}", "[]", "nonsense", "{\"type\":\"get\"}",
                "{\"type\":\"what\",\"hash\":\"" + H + "\"}",
                "{\"type\":\"get\",\"hash\":\"" + H + "\",\"hash\":\"" + H + "\"}",
                "{\"type\":\"get\",\"hash\":\"" + H.toUpperCase() + "\"}",
                "{\"type\":\"get\",\"hash\":\"" + H + "\",\"offset\":-1}",
                "{\"type\":\"get\",\"hash\":\"" + H + "\",\"extra\":1}",
                "{\"type\":\"get\",\"hash\":\"" + H + "\"} {}",
                "{\"type\":\"header\",\"hash\":\"" + H + "\",\"size\":1,\"offset\":2}",
                "{\"type\":\"header\",\"hash\":\"" + H + "\",\"size\":\"1\"}"}) {
            assertThrows(IllegalArgumentException.class, () -> TransferMessage.parse(bad), bad);
        }
    }
}
