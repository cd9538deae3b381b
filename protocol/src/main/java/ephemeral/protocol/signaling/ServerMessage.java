package ephemeral.protocol.signaling;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import ephemeral.protocol.ErrorCode;
import ephemeral.protocol.IceServer;
import ephemeral.protocol.IceTransportPolicy;
import ephemeral.protocol.Ids;
import ephemeral.protocol.Limits;
import java.util.List;

/** Every message the server sends (docs/protocol.md, "Server → client"). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ServerMessage.Welcome.class, name = "welcome"),
    @JsonSubTypes.Type(value = ServerMessage.ContentRequest.class, name = "content_request"),
    @JsonSubTypes.Type(value = ServerMessage.Routed.class, name = "routed"),
    @JsonSubTypes.Type(value = ServerMessage.Signal.class, name = "signal"),
    @JsonSubTypes.Type(value = ServerMessage.Peers.class, name = "peers"),
    @JsonSubTypes.Type(value = ServerMessage.Error.class, name = "error"),
    @JsonSubTypes.Type(value = ServerMessage.Pong.class, name = "pong"),
    @JsonSubTypes.Type(value = ServerMessage.KeepRequest.class, name = "keep_request"),
    @JsonSubTypes.Type(value = ServerMessage.Kept.class, name = "kept"),
    @JsonSubTypes.Type(value = ServerMessage.Weak.class, name = "weak"),
})
public sealed interface ServerMessage {

    /**
     * A missing {@code iceTransportPolicy} reads as {@code all}, missing limits as their defaults, a missing
     * {@code idleSeconds} as {@link #DEFAULT_IDLE_SECONDS}.
     *
     * @param idleSeconds the server closes a connection it heard nothing from for this long (it pings every
     *                    third of it); a client should drop one it heard nothing from for as long
     */
    record Welcome(String peerId, List<IceServer> iceServers, IceTransportPolicy iceTransportPolicy, Limits limits,
                   Integer idleSeconds) implements ServerMessage {
        public static final int DEFAULT_IDLE_SECONDS = 45;

        public Welcome {
            Ids.requirePeerId("peerId", peerId);
            idleSeconds = idleSeconds == null ? DEFAULT_IDLE_SECONDS : idleSeconds;
            if (idleSeconds < 1) {
                throw new IllegalArgumentException("idleSeconds must be positive");
            }
            iceServers = iceServers == null ? List.of() : List.copyOf(iceServers);
            iceTransportPolicy = iceTransportPolicy == null ? IceTransportPolicy.ALL : iceTransportPolicy;
            limits = limits == null ? Limits.DEFAULTS : limits;
        }
    }

    /** To the one holder chosen for a {@code want}: open a connection to {@code from}. */
    record ContentRequest(String hash, String from) implements ServerMessage {
        public ContentRequest {
            Ids.requireHash(hash);
            Ids.requirePeerId("from", from);
        }
    }

    /** To the wanter: its {@code want} went to {@code holder}, so a silent holder can be excluded next time. */
    record Routed(String hash, String holder) implements ServerMessage {
        public Routed {
            Ids.requireHash(hash);
            Ids.requirePeerId("holder", holder);
        }
    }

    /** SDP or ICE from the peer paired with the receiver for {@code hash}. */
    record Signal(String from, String hash, SignalData data) implements ServerMessage {
        public Signal {
            Ids.requirePeerId("from", from);
            Ids.requireHash(hash);
            if (data == null) {
                throw new IllegalArgumentException("missing field: data");
            }
        }
    }

    record Peers(String hash, @JsonProperty(required = true) int holders, @JsonProperty(required = true) int wanters)
            implements ServerMessage {
        public Peers {
            Ids.requireHash(hash);
        }
    }

    /** The answer to a client's {@code ping}. */
    record Pong() implements ServerMessage {
    }

    /**
     * To the one volunteer chosen for a {@code keep}: fetch {@code hash} ({@code size} bytes, as its holder
     * declared) with an ordinary {@code want}, keep it, and answer {@code kept} or {@code keep_failed}.
     * {@code from} is the holder that asked; {@code seconds} its wish, when it gave one.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record KeepRequest(String hash, @JsonProperty(required = true) long size, String from, Long seconds)
            implements ServerMessage {
        public KeepRequest {
            Ids.requireHash(hash);
            Ids.requirePeerId("from", from);
        }
    }

    /** To the holders that asked: volunteer {@code by} keeps the page until {@code until} (Unix seconds). */
    record Kept(String hash, @JsonProperty(required = true) long until, String by) implements ServerMessage {
        public Kept {
            Ids.requireHash(hash);
            Ids.requirePeerId("by", by);
        }
    }

    /**
     * To one volunteer that adopts weak pages: {@code hash} is down to one holder. {@code size} when a holder
     * declared it in a {@code keep}; otherwise the volunteer learns it from the transfer's header.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Weak(String hash, Long size) implements ServerMessage {
        public Weak {
            Ids.requireHash(hash);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Error(ErrorCode code, String message, String ref) implements ServerMessage {
        public Error {
            if (code == null) {
                throw new IllegalArgumentException("missing field: code");
            }
        }
    }
}
