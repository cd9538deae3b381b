package ephemeral.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import ephemeral.protocol.signaling.ClientMessage;
import ephemeral.protocol.signaling.ServerMessage;
import ephemeral.protocol.signaling.SignalData;
import ephemeral.protocol.transfer.TransferMessage;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The server's reader refuses everything docs/protocol.md does not allow, with a reason that names the field. */
class StrictReadTest {
    static final String H = "a".repeat(64);
    static final String P = "AAAAAAAAAAAAAAAAAAAAAA";

    @Test
    void everyPermittedSubtypeIsRegistered() {
        for (Class<?> sealed : List.of(ClientMessage.class, ServerMessage.class, TransferMessage.class)) {
            Set<Class<?>> registered = Arrays.stream(sealed.getAnnotation(JsonSubTypes.class).value())
                    .map(JsonSubTypes.Type::value).collect(Collectors.toSet());
            assertEquals(Set.of(sealed.getPermittedSubclasses()), registered, sealed.getSimpleName());
        }
    }

    @Test
    void parsesEachClientMessage() {
        assertEquals(List.of(H), ((ClientMessage.Have) parse("{\"type\":\"have\",\"hash\":\"" + H + "\"}")).all());
        assertEquals(List.of(H), ((ClientMessage.Have) parse("{\"hashes\":[\"" + H + "\",\"" + H + "\"],\"type\":\"have\"}")).all());
        assertEquals(List.of(H), ((ClientMessage.Drop) parse("{\"type\":\"drop\",\"hash\":\"" + H + "\"}")).all());
        assertEquals(new ClientMessage.Want(H, Set.of()), parse("{\"type\":\"want\",\"hash\":\"" + H + "\"}"));
        assertEquals(new ClientMessage.Unwant(H), parse("{\"type\":\"unwant\",\"hash\":\"" + H + "\"}"));
    }

    @Test
    void refusesCoercionsNullsAndExtras() {
        assertCode(ErrorCode.BAD_MESSAGE, "{\"type\":\"unwant\",\"hash\":null}");
        assertCode(ErrorCode.BAD_MESSAGE, "{\"type\":\"want\",\"hash\":\"" + H + "\",\"exclude\":\"x\"}");
        assertCode(ErrorCode.BAD_MESSAGE, "{\"type\":\"unwant\",\"hash\":[\"" + H + "\"]}");
        assertCode(ErrorCode.BAD_MESSAGE, "{\"type\":\"unwant\",\"hash\":\"" + H + "\",\"extra\":1}");
        assertCode(ErrorCode.BAD_MESSAGE, "{\"type\":\"have\",\"hash\":\"" + H + "\",\"hashes\":[\"" + H + "\"]}");
        assertCode(ErrorCode.BAD_HASH, "{\"type\":\"unwant\",\"hash\":\"" + H.toUpperCase() + "\"}");
        assertCode(ErrorCode.UNKNOWN_TYPE, "{\"type\":null,\"hash\":\"" + H + "\"}");
        assertCode(ErrorCode.UNKNOWN_TYPE, "{\"type\":\"routed\",\"hash\":\"" + H + "\"}");
        assertCode(ErrorCode.BAD_MESSAGE, "{\"type\":\"keep\",\"hash\":\"" + H + "\"}");
        assertCode(ErrorCode.BAD_MESSAGE, "{\"type\":\"keep\",\"hash\":\"" + H + "\",\"size\":-1}");
        assertCode(ErrorCode.BAD_MESSAGE, "{\"type\":\"keep\",\"hash\":\"" + H + "\",\"size\":1,\"seconds\":0}");
        assertCode(ErrorCode.BAD_MESSAGE, "{\"type\":\"keep\",\"hash\":\"" + H + "\",\"size\":\"1\"}");
        assertCode(ErrorCode.BAD_MESSAGE, "{\"type\":\"volunteer\",\"capacity\":1}");
        assertCode(ErrorCode.BAD_MESSAGE, "{\"type\":\"volunteer\",\"capacity\":-1,\"maxPage\":1}");
        assertCode(ErrorCode.BAD_MESSAGE, "{\"type\":\"keep_failed\",\"hash\":\"" + H + "\",\"reason\":\"" + "x".repeat(201) + "\"}");
        assertCode(ErrorCode.BAD_MESSAGE, "{\"type\":\"report\",\"hash\":\"" + H + "\",\"peer\":\"" + P + "\",\"reason\":\"rude\"}");
        assertCode(ErrorCode.BAD_JSON, "");
        assertCode(ErrorCode.BAD_JSON, "null");
        assertCode(ErrorCode.BAD_JSON, "{\"type\":\"unwant\",\"hash\":\"" + H + "\",\"hash\":\"" + H + "\"}");
        assertCode(ErrorCode.BAD_JSON, "{\"type\":\"unwant\",\"hash\":\"" + H + "\"} // c");
        assertCode(ErrorCode.BAD_JSON, "{\"type\":\"unwant\",\"hash\":\"" + H + "\"} {}");
    }

    @Test
    void errorsNameTheFieldNotTheJsonLibrary() {
        String m = message(signal("{\"candidate\":{\"candidate\":\"\",\"sdpMid\":0,\"sdpMLineIndex\":0}}"));
        assertEquals("field data.candidate.sdpMid has the wrong type or value", m);
        m = message(signal("{\"candidate\":{\"candidate\":\"\",\"sdpMid\":\"0\",\"sdpMLineIndex\":\"0\"}}"));
        assertEquals("field data.candidate.sdpMLineIndex has the wrong type or value", m);
        m = message(signal("{\"candidate\":{\"candidate\":\"\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"foo\":1}}"));
        assertEquals("unexpected field: data.candidate.foo", m);
        for (String text : List.of(
                "{\"type\":\"want\",\"hash\":\"" + H + "\",\"exclude\":[1]}",
                "{\"type\":\"have\",\"hashes\":\"" + H + "\"}",
                signal("{\"sdp\":{\"type\":\"offer\",\"sdp\":7}}"))) {
            String why = message(text);
            assertFalse(why.contains("Cannot") || why.contains("java.") || why.contains("coerce"), why);
        }
    }

    @Test
    void errorsQuoteAtMostALittleOfTheInput() {
        String huge = "x".repeat(200_000);
        assertTrue(message("{\"type\":\"" + huge + "\"}").length() < 100);
        assertTrue(message("{\"type\":\"unwant\",\"hash\":\"" + H + "\",\"" + huge + "\":1}").length() < 100);
    }

    @Test
    void acceptsCandidatesAsBrowsersWriteThem() {
        // RTCIceCandidate.toJSON() adds usernameFragment; Firefox ends candidates with mid "0" and index 0
        String line = "candidate:842163049 1 udp 1677729535 192.0.2.3 46154 typ srflx raddr 0.0.0.0 rport 0";
        var data = data(signal("{\"candidate\":{\"candidate\":\"" + line + "\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,"
                + "\"usernameFragment\":\"Zx9+\"}}"));
        assertEquals("Zx9+", data.candidate().usernameFragment());
        assertTrue(data(signal("{\"candidate\":{\"candidate\":\"\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}"))
                .candidate().isEndOfCandidates());
        assertTrue(data(signal("{\"candidate\":{\"candidate\":\"\",\"sdpMid\":null,\"sdpMLineIndex\":null}}"))
                .candidate().isEndOfCandidates());
        assertEquals(null, data(signal("{\"candidate\":{\"candidate\":\"" + line + "\"}}")).candidate().sdpMid());
        assertEquals(null, data(signal("{\"candidate\":{\"candidate\":\"" + line + "\",\"usernameFragment\":null}}"))
                .candidate().usernameFragment());
    }

    @Test
    void refusesCandidatesThatAreNotCandidates() {
        for (String c : List.of(
                "{\"candidate\":\"hello\"}",
                "{\"candidate\":\"candidate:1\\nv=0\"}",
                "{\"candidate\":\"candidate:" + "x".repeat(SignalData.MAX_CANDIDATE_CHARS) + "\"}",
                "{\"candidate\":\"\",\"usernameFragment\":\"ab\"}",
                "{\"candidate\":\"\",\"usernameFragment\":\"" + "a".repeat(257) + "\"}",
                "{\"candidate\":\"\",\"usernameFragment\":\"ab cd\"}",
                "{\"candidate\":\"\",\"sdpMid\":\"\"}",
                "{\"candidate\":\"\",\"sdpMLineIndex\":256}",
                "{\"sdpMid\":\"0\"}")) {
            assertCode(ErrorCode.BAD_MESSAGE, signal("{\"candidate\":" + c + "}"));
        }
        assertCode(ErrorCode.BAD_MESSAGE, signal("{\"sdp\":{\"type\":\"pranswer\",\"sdp\":\"v=0\"}}"));
        assertCode(ErrorCode.BAD_MESSAGE, signal("{\"sdp\":{\"type\":\"offer\",\"sdp\":\"hello\"}}"));
        // text that starts like SDP but is not SDP: prose, an unknown line type, bytes, an endless line
        for (String smuggled : List.of("v=0\\r\\nthe page", "v=0\\r\\nx=the page", "v=0\\r\\na=data:\\u0001\\u0002",
                "v=0\\r\\na=" + "A".repeat(2000), "v=0\\r\\n\\r\\n")) {
            assertCode(ErrorCode.BAD_MESSAGE, signal("{\"sdp\":{\"type\":\"offer\",\"sdp\":\"" + smuggled + "\"}}"));
        }
        var ok = data(signal("{\"sdp\":{\"type\":\"answer\",\"sdp\":\"v=0\\r\\no=- 46 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\n"
                + "t=0 0\\r\\na=group:BUNDLE 0\\r\\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\\r\\n\"}}"));
        assertTrue(ok.sdp().sdp().contains("webrtc-datachannel"));
        assertCode(ErrorCode.BAD_MESSAGE, signal("{}"));
    }

    @Test
    void transferMessagesAreCheckedButUnknownFieldsIgnored() {
        assertEquals(new TransferMessage.Get(H, 3),
                Codec.parseTransfer("{\"type\":\"get\",\"hash\":\"" + H + "\",\"offset\":3,\"future\":true}"));
        for (String bad : List.of("", "{}", "[]", "nonsense", "{\"type\":\"what\",\"hash\":\"" + H + "\"}",
                "{\"type\":\"get\",\"hash\":\"" + H + "\"}",
                "{\"type\":\"get\",\"hash\":\"" + H + "\",\"offset\":-1}",
                "{\"type\":\"get\",\"hash\":\"" + H + "\",\"offset\":1.5}",
                "{\"type\":\"get\",\"hash\":\"" + H + "\",\"offset\":\"1\"}",
                "{\"type\":\"get\",\"hash\":\"" + H + "\",\"hash\":\"" + H + "\",\"offset\":0}",
                "{\"type\":\"header\",\"hash\":\"" + H + "\",\"size\":1,\"offset\":2}",
                "{\"type\":\"get\",\"hash\":\"" + H + "\",\"offset\":4,\"end\":4}",
                "{\"type\":\"get\",\"hash\":\"" + H + "\",\"offset\":0,\"end\":\"9\"}",
                "{\"type\":\"header\",\"hash\":\"" + H + "\",\"size\":10,\"offset\":2,\"end\":11}",
                "{\"type\":\"header\",\"hash\":\"" + H + "\",\"size\":10,\"offset\":2,\"end\":2}",
                "{\"type\":\"error\",\"message\":\"no code\"}")) {
            assertThrows(ProtocolException.class, () -> Codec.parseTransfer(bad), bad);
        }
        assertEquals(new TransferMessage.Get(H, 3, 9L),
                Codec.parseTransfer("{\"type\":\"get\",\"hash\":\"" + H + "\",\"offset\":3,\"end\":9}"));
        assertEquals("missing field: offset", assertThrows(ProtocolException.class,
                () -> Codec.parseTransfer("{\"type\":\"get\",\"hash\":\"" + H + "\"}")).getMessage());
    }

    @Test
    void digestRequestsAndAnswersAreChecked() {
        String ask = "{\"type\":\"get_digests\",\"hash\":\"" + H + "\",\"ranges\":";
        assertEquals(new TransferMessage.GetDigests(H, List.of(List.of(0L, 5L), List.of(5L, 9L))),
                Codec.parseTransfer(ask + "[[0,5],[5,9]],\"future\":1}"));
        String many = "[" + String.join(",", java.util.Collections.nCopies(TransferMessage.MAX_DIGEST_RANGES + 1, "[0,1]")) + "]";
        for (String ranges : List.of("[]", "[[0]]", "[[0,1,2]]", "[[5,5]]", "[[-1,4]]", "[[0,1.5]]", "[[0,\"9\"]]",
                "[[0,null]]", "[null]", "[0,1]", "{}", "null", many)) {
            assertThrows(ProtocolException.class, () -> Codec.parseTransfer(ask + ranges + "}"), ranges);
        }
        assertThrows(ProtocolException.class, () -> Codec.parseTransfer("{\"type\":\"get_digests\",\"hash\":\"" + H + "\"}"));
        String answer = "{\"type\":\"digests\",\"hash\":\"" + H + "\",\"sha256\":";
        assertEquals(new TransferMessage.Digests(H, List.of(H)), Codec.parseTransfer(answer + "[\"" + H + "\"]}"));
        for (String sha : List.of("[]", "[\"" + H.toUpperCase() + "\"]", "[\"abc\"]", "[1]", "null", "[null]")) {
            assertThrows(ProtocolException.class, () -> Codec.parseTransfer(answer + sha + "}"), sha);
        }
    }

    private static String signal(String data) {
        return "{\"type\":\"signal\",\"to\":\"" + P + "\",\"hash\":\"" + H + "\",\"data\":" + data + "}";
    }

    private static SignalData data(String text) {
        return ((ClientMessage.Signal) parse(text)).data();
    }

    private static ClientMessage parse(String text) {
        return Codec.parseClient(text, Limits.DEFAULTS);
    }

    private static String message(String text) {
        return assertThrows(ProtocolException.class, () -> parse(text), text).getMessage();
    }

    private static void assertCode(ErrorCode code, String text) {
        assertEquals(code, assertThrows(ProtocolException.class, () -> parse(text), text).code(), text);
    }
}
