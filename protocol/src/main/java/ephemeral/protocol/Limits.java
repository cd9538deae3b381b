package ephemeral.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Per-connection limits. Sent to every client in {@code welcome} so clients can batch and pace
 * themselves instead of discovering the limits through errors. {@link #DEFAULTS} is the one set of
 * defaults (docs/protocol.md repeats them); clients take the numbers from {@code welcome}.
 */
public record Limits(
        int maxFrameBytes,
        int maxHashesPerMessage,
        int maxHashesPerConnection,
        int maxWantsPerConnection,
        int maxExclude,
        int maxSignalBytes,
        int messagesPerSecond,
        int messageBurst,
        int pairingSeconds) {

    public static final Limits DEFAULTS = new Limits(262_144, 2_000, 100_000, 1_024, 64, 16_384, 200, 400, 120);

    public Limits {
        positive("maxFrameBytes", maxFrameBytes);
        positive("maxHashesPerMessage", maxHashesPerMessage);
        positive("maxHashesPerConnection", maxHashesPerConnection);
        positive("maxWantsPerConnection", maxWantsPerConnection);
        positive("maxExclude", maxExclude);
        positive("maxSignalBytes", maxSignalBytes);
        positive("messagesPerSecond", messagesPerSecond);
        positive("messageBurst", messageBurst);
        positive("pairingSeconds", pairingSeconds);
        if (maxSignalBytes > maxFrameBytes) {
            throw new IllegalArgumentException("maxSignalBytes must not exceed maxFrameBytes");
        }
    }

    /** As read from {@code welcome}: a limit an older server does not send is taken as the default. */
    @JsonCreator
    static Limits fromWire(
            @JsonProperty("maxFrameBytes") Integer maxFrameBytes,
            @JsonProperty("maxHashesPerMessage") Integer maxHashesPerMessage,
            @JsonProperty("maxHashesPerConnection") Integer maxHashesPerConnection,
            @JsonProperty("maxWantsPerConnection") Integer maxWantsPerConnection,
            @JsonProperty("maxExclude") Integer maxExclude,
            @JsonProperty("maxSignalBytes") Integer maxSignalBytes,
            @JsonProperty("messagesPerSecond") Integer messagesPerSecond,
            @JsonProperty("messageBurst") Integer messageBurst,
            @JsonProperty("pairingSeconds") Integer pairingSeconds) {
        Limits d = DEFAULTS;
        return new Limits(or(maxFrameBytes, d.maxFrameBytes), or(maxHashesPerMessage, d.maxHashesPerMessage),
                or(maxHashesPerConnection, d.maxHashesPerConnection), or(maxWantsPerConnection, d.maxWantsPerConnection),
                or(maxExclude, d.maxExclude), or(maxSignalBytes, d.maxSignalBytes),
                or(messagesPerSecond, d.messagesPerSecond), or(messageBurst, d.messageBurst),
                or(pairingSeconds, d.pairingSeconds));
    }

    private static int or(Integer value, int dflt) {
        return value == null ? dflt : value;
    }

    public static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
