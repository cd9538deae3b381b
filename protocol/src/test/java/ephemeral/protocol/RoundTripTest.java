package ephemeral.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ephemeral.protocol.signaling.ClientMessage;
import ephemeral.protocol.signaling.ServerMessage;
import ephemeral.protocol.signaling.SignalData;
import ephemeral.protocol.transfer.TransferMessage;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every message of both directions, written by the side that sends it and read by the side that receives
 * it: the server's strict reader for client messages, the clients' reader for server and transfer messages.
 * A message type without a sample here fails {@link #everyTypeHasASample}.
 */
class RoundTripTest {
    static final String H = "ab".repeat(32);
    static final String P = Ids.newPeerId();
    static final String Q = Ids.newPeerId();
    static final SignalData OFFER = SignalData.of(new SignalData.Sdp("offer", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"));
    static final SignalData CANDIDATE = SignalData.of(new SignalData.Candidate(
            "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host", "0", 0, "a1b2"));
    static final SignalData END = SignalData.of(new SignalData.Candidate("", null, null, null));

    static final List<ClientMessage> CLIENT = List.of(
            ClientMessage.Have.of(List.of(H)),
            ClientMessage.Have.of(List.of(H, "cd".repeat(32))),
            ClientMessage.Drop.of(List.of(H)),
            ClientMessage.Drop.of(List.of(H, "cd".repeat(32))),
            new ClientMessage.Want(H, Set.of()),
            new ClientMessage.Want(H, Set.of(P, Q)),
            new ClientMessage.Unwant(H),
            new ClientMessage.Signal(P, H, OFFER),
            new ClientMessage.Signal(P, H, CANDIDATE),
            new ClientMessage.Signal(P, H, END),
            new ClientMessage.Report(H, Q, "silent"),
            new ClientMessage.Ping(),
            new ClientMessage.Volunteer(20L << 30, 1L << 30, null),
            new ClientMessage.Volunteer(0, 1L << 30, true),
            new ClientMessage.Keep(H, 1234, null),
            new ClientMessage.Keep(H, 1234, 604_800L),
            new ClientMessage.Kept(H, 1_800_000_000L),
            new ClientMessage.KeepFailed(H, "bytes did not match the address"));

    static final List<ServerMessage> SERVER = List.of(
            new ServerMessage.Welcome(P, List.of(new IceServer(List.of("stun:192.0.2.1:3478"), null, null),
                    new IceServer(List.of("turn:192.0.2.1:3478?transport=udp"), "1700000000:" + P, "c3VwZXI=")),
                    IceTransportPolicy.RELAY, Limits.DEFAULTS, 30),
            new ServerMessage.Pong(),
            new ServerMessage.ContentRequest(H, P),
            new ServerMessage.Routed(H, Q),
            new ServerMessage.Signal(Q, H, OFFER),
            new ServerMessage.Signal(Q, H, CANDIDATE),
            new ServerMessage.Peers(H, 3, 1),
            new ServerMessage.KeepRequest(H, 1234, P, null),
            new ServerMessage.KeepRequest(H, 1234, P, 3600L),
            new ServerMessage.Kept(H, 1_800_000_000L, Q),
            new ServerMessage.Weak(H, null),
            new ServerMessage.Weak(H, 1234L),
            new ServerMessage.Error(ErrorCode.NO_VOLUNTEER, "no volunteer seed has room", H),
            new ServerMessage.Error(ErrorCode.NOT_PAIRED, "not paired", Q),
            new ServerMessage.Error(ErrorCode.BAD_JSON, "a frame is one JSON object", null));

    static final List<TransferMessage> TRANSFER = List.of(
            new TransferMessage.Get(H, 0),
            new TransferMessage.Get(H, 65_536),
            new TransferMessage.Get(H, 65_536, 131_072L),
            new TransferMessage.Header(H, 10, 0, null, null),
            new TransferMessage.Header(H, 10, 4, "notes.txt", "text/plain"),
            new TransferMessage.Header(H, 10, 4, 6L, null, null),
            new TransferMessage.Error(TransferMessage.Error.NOT_FOUND, "not held here"),
            new TransferMessage.Error(TransferMessage.Error.BAD_OFFSET, "offset beyond the size"),
            new TransferMessage.GetDigests(H, List.of(List.of(0L, 1_048_576L), List.of(8_388_608L, 9_000_000L))),
            new TransferMessage.Digests(H, List.of(H, H.replace('a', 'b'))));

    @Test
    void clientMessagesAreReadByTheServerAsWritten() {
        for (ClientMessage m : CLIENT) {
            String text = Codec.encode(m);
            assertEquals(m, Codec.parseClient(text, Limits.DEFAULTS), text);
        }
    }

    @Test
    void serverMessagesAreReadByClientsAsWritten() {
        for (ServerMessage m : SERVER) {
            String text = Codec.encode(m);
            assertEquals(m, Codec.parseServer(text).orElseThrow(), text);
        }
    }

    @Test
    void transferMessagesAreReadAsWritten() {
        for (TransferMessage m : TRANSFER) {
            String text = Codec.encode(m);
            assertEquals(m, Codec.parseTransfer(text), text);
        }
    }

    @Test
    void writesExactlyTheDocumentedShapes() {
        assertEquals("{\"type\":\"have\",\"hash\":\"" + H + "\"}", Codec.encode(ClientMessage.Have.of(List.of(H))));
        assertEquals("{\"type\":\"want\",\"hash\":\"" + H + "\"}", Codec.encode(new ClientMessage.Want(H, Set.of())));
        assertEquals("{\"type\":\"routed\",\"hash\":\"" + H + "\",\"holder\":\"" + Q + "\"}",
                Codec.encode(new ServerMessage.Routed(H, Q)));
        assertEquals("{\"type\":\"peers\",\"hash\":\"" + H + "\",\"holders\":2,\"wanters\":1}",
                Codec.encode(new ServerMessage.Peers(H, 2, 1)));
        assertEquals("{\"type\":\"error\",\"code\":\"bad_hash\",\"message\":\"m\"}",
                Codec.encode(new ServerMessage.Error(ErrorCode.BAD_HASH, "m", null)));
        assertEquals("{\"candidate\":{\"candidate\":\"\",\"sdpMid\":null,\"sdpMLineIndex\":null}}", Codec.encode(END));
        assertEquals("{\"type\":\"get\",\"hash\":\"" + H + "\",\"offset\":0}", Codec.encode(new TransferMessage.Get(H, 0)));
    }

    @Test
    void theRelaysFastPathWritesWhatTheRecordWould() {
        for (SignalData d : List.of(OFFER, CANDIDATE, END)) {
            assertEquals(Codec.encode(new ServerMessage.Signal(Q, H, d)), Codec.encodeSignal(Q, H, Codec.encode(d)));
        }
    }

    @Test
    void everyTypeHasASample() {
        assertEquals(Set.of(ClientMessage.class.getPermittedSubclasses()), classes(CLIENT));
        assertEquals(Set.of(ServerMessage.class.getPermittedSubclasses()), classes(SERVER));
        assertEquals(Set.of(TransferMessage.class.getPermittedSubclasses()), classes(TRANSFER));
    }

    private static Set<Class<?>> classes(List<?> samples) {
        return samples.stream().map(Object::getClass).collect(Collectors.toSet());
    }
}
