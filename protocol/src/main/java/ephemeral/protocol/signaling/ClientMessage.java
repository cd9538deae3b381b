package ephemeral.protocol.signaling;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import ephemeral.protocol.ErrorCode;
import ephemeral.protocol.Ids;
import ephemeral.protocol.ProtocolException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every message a client may send (docs/protocol.md, "Client → server"). Compact constructors enforce
 * the format rules; limits that depend on configuration are checked by {@link ephemeral.protocol.Codec}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ClientMessage.Have.class, name = "have"),
    @JsonSubTypes.Type(value = ClientMessage.Drop.class, name = "drop"),
    @JsonSubTypes.Type(value = ClientMessage.Want.class, name = "want"),
    @JsonSubTypes.Type(value = ClientMessage.Unwant.class, name = "unwant"),
    @JsonSubTypes.Type(value = ClientMessage.Signal.class, name = "signal"),
    @JsonSubTypes.Type(value = ClientMessage.Report.class, name = "report"),
    @JsonSubTypes.Type(value = ClientMessage.Ping.class, name = "ping"),
})
public sealed interface ClientMessage {

    /** The sender holds these pages. Exactly one of {@code hash} and {@code hashes} is on the wire. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Have(String hash, List<String> hashes) implements ClientMessage {
        public Have {
            hashes = oneOrMany(hash, hashes);
        }

        /** One hash as {@code hash}, several as {@code hashes}. */
        public static Have of(Collection<String> hashes) {
            return hashes.size() == 1 ? new Have(hashes.iterator().next(), null) : new Have(null, List.copyOf(hashes));
        }

        /** Every hash announced, whichever field carried it. */
        @JsonIgnore
        public List<String> all() {
            return hash != null ? List.of(hash) : hashes;
        }
    }

    /** The sender no longer holds these pages. Exactly one of {@code hash} and {@code hashes}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Drop(String hash, List<String> hashes) implements ClientMessage {
        public Drop {
            hashes = oneOrMany(hash, hashes);
        }

        public static Drop of(Collection<String> hashes) {
            return hashes.size() == 1 ? new Drop(hashes.iterator().next(), null) : new Drop(null, List.copyOf(hashes));
        }

        @JsonIgnore
        public List<String> all() {
            return hash != null ? List.of(hash) : hashes;
        }
    }

    /** The sender wants a page; the server routes it to one eligible holder, or keeps it pending. */
    record Want(String hash, @JsonInclude(JsonInclude.Include.NON_EMPTY) Set<String> exclude) implements ClientMessage {
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

    /**
     * The holder the server routed the sender's want to failed it. Enough distinct wanters' reports make
     * the server stop choosing that holder for that page for a while (docs/protocol.md, "Fair routing").
     */
    record Report(String hash, String peer, String reason) implements ClientMessage {
        /** silent: no signal or channel in time; stalled; refused: error reply or early close; bad_bytes; protocol. */
        public static final Set<String> REASONS = Set.of("silent", "stalled", "refused", "bad_bytes", "protocol");

        public Report {
            Ids.requireHash(hash);
            Ids.requirePeerId("peer", peer);
            if (!REASONS.contains(reason)) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "reason must be one of " + new java.util.TreeSet<>(REASONS));
            }
        }
    }

    /**
     * Are you there? The server answers {@code pong}. A browser cannot see WebSocket pings, so this is how
     * it notices a server (or network) that vanished without closing the connection.
     */
    record Ping() implements ClientMessage {
    }

    /** Checks the hash or the list; returns the list (deduplicated) or null when {@code hash} was given. */
    private static List<String> oneOrMany(String hash, List<String> hashes) {
        if ((hash == null) == (hashes == null)) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "give exactly one of hash and hashes");
        }
        if (hash != null) {
            Ids.requireHash(hash);
            return null;
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
