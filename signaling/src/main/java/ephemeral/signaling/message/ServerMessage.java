package ephemeral.signaling.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import ephemeral.signaling.IceServer;
import ephemeral.signaling.Limits;
import java.util.List;

/** Every message the server sends (docs/protocol.md, "Server → client"). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ServerMessage.Welcome.class, name = "welcome"),
    @JsonSubTypes.Type(value = ServerMessage.ContentRequest.class, name = "content_request"),
    @JsonSubTypes.Type(value = ServerMessage.Relayed.class, name = "signal"),
    @JsonSubTypes.Type(value = ServerMessage.Peers.class, name = "peers"),
    @JsonSubTypes.Type(value = ServerMessage.Error.class, name = "error"),
})
public sealed interface ServerMessage {

    record Welcome(String peerId, List<IceServer> iceServers, Limits limits) implements ServerMessage {
    }

    record ContentRequest(String hash, String from) implements ServerMessage {
    }

    /** {@code data} is the already-validated, re-encoded {@link SignalData}: size-checked once, written once. */
    record Relayed(String from, String hash, @JsonRawValue String data) implements ServerMessage {
    }

    record Peers(String hash, int holders, int wanters) implements ServerMessage {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Error(ErrorCode code, String message, String ref) implements ServerMessage {
    }
}
