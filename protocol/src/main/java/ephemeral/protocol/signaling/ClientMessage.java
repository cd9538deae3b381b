package ephemeral.protocol.signaling;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
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
    @JsonSubTypes.Type(value = ClientMessage.Volunteer.class, name = "volunteer"),
    @JsonSubTypes.Type(value = ClientMessage.Keep.class, name = "keep"),
    @JsonSubTypes.Type(value = ClientMessage.Kept.class, name = "kept"),
    @JsonSubTypes.Type(value = ClientMessage.KeepFailed.class, name = "keep_failed"),
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

    /**
     * The sender is a volunteer seed (docs/protocol.md, "Keep-alive"): it takes keep requests for pages of
     * at most {@code maxPage} bytes while {@code capacity} bytes are free. Sent again whenever its free room
     * changes; {@code capacity} 0 stops requests. {@code adoptWeak}: also offered pages down to one holder.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Volunteer(@JsonProperty(required = true) long capacity, @JsonProperty(required = true) long maxPage,
                     Boolean adoptWeak) implements ClientMessage {
        public Volunteer {
            if (capacity < 0 || maxPage < 0) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "capacity and maxPage must not be negative");
            }
            adoptWeak = Boolean.TRUE.equals(adoptWeak) ? Boolean.TRUE : null;
        }

        public boolean adoptsWeak() {
            return adoptWeak != null;
        }
    }

    /**
     * A holder asks the network to keep a page alive: the server hands it to one volunteer with room.
     * {@code seconds}: how long the holder would like it kept (the volunteer may keep it for less); absent:
     * the volunteer's own time.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Keep(String hash, @JsonProperty(required = true) long size, Long seconds) implements ClientMessage {
        public Keep {
            Ids.requireHash(hash);
            if (size < 0) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "size must not be negative", hash);
            }
            if (seconds != null && seconds < 1) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "seconds must be at least 1", hash);
            }
        }
    }

    /** A volunteer answers a {@code keep_request}: it holds the page (verified) until {@code until} (Unix seconds). */
    record Kept(String hash, @JsonProperty(required = true) long until) implements ClientMessage {
        public Kept {
            Ids.requireHash(hash);
            if (until < 0) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "until must not be negative", hash);
            }
        }
    }

    /** A volunteer could not keep a page it was asked to (no holder delivered, bytes did not verify, denied…). */
    record KeepFailed(String hash, String reason) implements ClientMessage {
        public static final int MAX_REASON = 200;

        public KeepFailed {
            Ids.requireHash(hash);
            if (reason == null || reason.length() > MAX_REASON) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "reason: a text of at most " + MAX_REASON + " characters", hash);
            }
        }
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
