package ephemeral.protocol.live;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import ephemeral.protocol.ErrorCode;
import ephemeral.protocol.Ids;
import ephemeral.protocol.ProtocolException;
import ephemeral.protocol.signaling.SignalData;
import java.util.List;

/**
 * Text messages on a {@code live} data channel between two holders of one live page (docs/protocol.md,
 * "Live pages: the mesh"). Read with {@link ephemeral.protocol.Codec#parseMesh}: unknown fields are ignored,
 * an unknown type is skipped, anything else malformed is refused.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = MeshMessage.Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = MeshMessage.Version.class, name = "version"),
    @JsonSubTypes.Type(value = MeshMessage.More.class, name = "more"),
    @JsonSubTypes.Type(value = MeshMessage.Neighbours.class, name = "neighbours"),
    @JsonSubTypes.Type(value = MeshMessage.Relay.class, name = "relay"),
    @JsonSubTypes.Type(value = MeshMessage.RelayFailed.class, name = "relay_failed"),
})
public sealed interface MeshMessage {
    /** Longest mesh message, in UTF-16 characters: a relayed SDP and its envelope. */
    int MAX_CHARS = 20_000;
    /** Most peer ids in one {@code neighbours}. */
    int MAX_NEIGHBOURS = 16;

    /** First message each way on a link: which live page, and the newest version the sender holds (absent: none yet). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Hello(LiveKey key, LiveVersion version) implements MeshMessage {
        public Hello {
            if (key == null) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "missing field: key");
            }
            if (version != null && !version.key().equals(key)) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "version.key is not the link's key");
            }
        }
    }

    /** The sender holds this version and its page: a newer one for the receiver, as far as it knows. */
    record Version(LiveVersion version) implements MeshMessage {
        public Version {
            if (version == null) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "missing field: version");
            }
        }
    }

    /** The sender has fewer links than it wants: who else do you know? */
    record More() implements MeshMessage {
    }

    /** The answer to {@code more}: peer ids the sender has links to (never the asker), at most {@link #MAX_NEIGHBOURS}. */
    record Neighbours(List<String> peers) implements MeshMessage {
        public Neighbours {
            if (peers == null) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "missing field: peers");
            }
            if (peers.size() > MAX_NEIGHBOURS) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "peers lists at most " + MAX_NEIGHBOURS + " ids");
            }
            for (String p : peers) {
                Ids.requirePeerId("peers", p);
            }
            peers = List.copyOf(peers);
        }
    }

    /**
     * A handshake passed through a common neighbour: sent with {@code to} (the neighbour forwards it), arrives
     * with {@code from} (the neighbour names who sent it). Exactly one of them.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Relay(String to, String from, SignalData data) implements MeshMessage {
        public Relay {
            if ((to == null) == (from == null)) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "give exactly one of to and from");
            }
            Ids.requirePeerId(to != null ? "to" : "from", to != null ? to : from);
            if (data == null) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "missing field: data");
            }
        }

        public static Relay to(String peer, SignalData data) {
            return new Relay(peer, null, data);
        }

        public static Relay from(String peer, SignalData data) {
            return new Relay(null, peer, data);
        }
    }

    /**
     * The handshake between the receiver and {@code peer} will not happen: {@code gone}, from the neighbour
     * asked to relay it, which has no link to {@code peer}; {@code full}, from the peer asked to link, which has
     * all the links it takes (sent to the neighbour that relayed the offer, which passes it on naming that
     * peer instead). A reader takes an unknown reason as {@code gone}.
     */
    record RelayFailed(String peer, String reason) implements MeshMessage {
        public static final String GONE = "gone";
        public static final String FULL = "full";

        public RelayFailed {
            Ids.requirePeerId("peer", peer);
            if (reason == null) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "missing field: reason");
            }
        }
    }
}
