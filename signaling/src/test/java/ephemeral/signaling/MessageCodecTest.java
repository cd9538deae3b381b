package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import ephemeral.signaling.message.ClientMessage;
import ephemeral.signaling.message.ErrorCode;
import ephemeral.signaling.message.MessageCodec;
import ephemeral.signaling.message.ProtocolException;
import ephemeral.signaling.message.ServerMessage;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    static final String H = "a".repeat(64);

    @Test
    void everyPermittedSubtypeIsRegistered() {
        for (Class<?> sealed : List.of(ClientMessage.class, ServerMessage.class)) {
            Set<Class<?>> registered = Arrays.stream(sealed.getAnnotation(JsonSubTypes.class).value())
                    .map(JsonSubTypes.Type::value).collect(Collectors.toSet());
            assertEquals(Set.of(sealed.getPermittedSubclasses()), registered, sealed.getSimpleName());
        }
    }

    @Test
    void parsesEachClientMessage() {
        assertEquals(new ClientMessage.Have(List.of(H)), parse("{\"type\":\"have\",\"hash\":\"" + H + "\"}"));
        assertEquals(new ClientMessage.Have(List.of(H)), parse("{\"hashes\":[\"" + H + "\",\"" + H + "\"],\"type\":\"have\"}"));
        assertEquals(new ClientMessage.Drop(List.of(H)), parse("{\"type\":\"drop\",\"hash\":\"" + H + "\"}"));
        assertEquals(new ClientMessage.Want(H, Set.of()), parse("{\"type\":\"want\",\"hash\":\"" + H + "\"}"));
        assertEquals(new ClientMessage.Unwant(H), parse("{\"type\":\"unwant\",\"hash\":\"" + H + "\"}"));
    }

    @Test
    void refusesCoercionsAndNulls() {
        assertCode(ErrorCode.BAD_MESSAGE, "{\"type\":\"unwant\",\"hash\":null}");
        assertCode(ErrorCode.BAD_MESSAGE, "{\"type\":\"want\",\"hash\":\"" + H + "\",\"exclude\":\"x\"}");
        assertCode(ErrorCode.BAD_MESSAGE, "{\"type\":\"unwant\",\"hash\":[\"" + H + "\"]}");
        assertCode(ErrorCode.UNKNOWN_TYPE, "{\"type\":null,\"hash\":\"" + H + "\"}");
        assertCode(ErrorCode.BAD_JSON, "");
        assertCode(ErrorCode.BAD_JSON, "null");
        assertCode(ErrorCode.BAD_JSON, "{\"type\":\"unwant\",\"hash\":\"" + H + "\"} // c");
    }

    @Test
    void encodesServerMessagesWithTheirType() {
        assertEquals("{\"type\":\"peers\",\"hash\":\"" + H + "\",\"holders\":2,\"wanters\":1}",
                MessageCodec.encode(new ServerMessage.Peers(H, 2, 1)));
        assertEquals("{\"type\":\"error\",\"code\":\"bad_hash\",\"message\":\"m\"}",
                MessageCodec.encode(new ServerMessage.Error(ErrorCode.BAD_HASH, "m", null)));
    }

    private static ClientMessage parse(String text) {
        return MessageCodec.parse(text, Limits.DEFAULTS);
    }

    private static void assertCode(ErrorCode code, String text) {
        assertEquals(code, assertThrows(ProtocolException.class, () -> parse(text)).code(), text);
    }
}
