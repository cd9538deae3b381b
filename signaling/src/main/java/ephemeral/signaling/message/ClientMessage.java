package ephemeral.signaling.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every message a client may send (docs/protocol.md, "Client → server"). Compact constructors enforce
 * the format rules; limits that depend on configuration are checked by {@link MessageCodec}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ClientMessage.Have.class, name = "have"),
    @JsonSubTypes.Type(value = ClientMessage.Drop.class, name = "drop"),
    @JsonSubTypes.Type(value = ClientMessage.Want.class, name = "want"),
    @JsonSubTypes.Type(value = ClientMessage.Unwant.class, name = "unwant"),
    @JsonSubTypes.Type(value = ClientMessage.Signal.class, name = "signal"),
})
public sealed interface ClientMessage {

    /** The sender holds these pages. Exactly one of {@code hash} and {@code hashes}. */
    record Have(List<String> hashes) implements ClientMessage {
        @JsonCreator
        static Have of(@JsonProperty("hash") String hash, @JsonProperty("hashes") List<String> hashes) {
            return new Have(oneOrMany(hash, hashes));
        }
    }

    /** The sender no longer holds these pages. Exactly one of {@code hash} and {@code hashes}. */
    record Drop(List<String> hashes) implements ClientMessage {
        @JsonCreator
        static Drop of(@JsonProperty("hash") String hash, @JsonProperty("hashes") List<String> hashes) {
            return new Drop(oneOrMany(hash, hashes));
        }
    }

    /** The sender wants a page; the server routes it to one eligible holder, or keeps it pending. */
    record Want(String hash, Set<String> exclude) implements ClientMessage {
        public Want {
            Ids.requireHash(hash);
            if (exclude == null) {
                exclude = Set.of();
            } else {
                for (String id : exclude) {
                    Ids.requirePeerId("exclude", id);
                }
                exclude = Set.copyOf(exclude);
            }
        }
    }

    record Unwant(String hash) implements ClientMessage {
        public Unwant {
            Ids.requireHash(hash);
        }
    }

    /** SDP or ICE for the peer the server paired the sender with for {@code hash}. */
    record Signal(String to, String hash, SignalData data) implements ClientMessage {
        public Signal {
            Ids.requirePeerId("to", to);
            Ids.requireHash(hash);
            if (data == null) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "missing field: data");
            }
        }
    }

    private static List<String> oneOrMany(String hash, List<String> hashes) {
        if ((hash == null) == (hashes == null)) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "give exactly one of hash and hashes");
        }
        if (hash != null) {
            return List.of(Ids.requireHash(hash));
        }
        if (hashes.isEmpty()) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "hashes must not be empty");
        }
        Set<String> unique = new LinkedHashSet<>();
        for (String h : hashes) {
            unique.add(Ids.requireHash(h));
        }
        return List.copyOf(unique);
    }
}
