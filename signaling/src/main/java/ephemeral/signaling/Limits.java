package ephemeral.signaling;

/**
 * Per-connection limits. Sent to every client in {@code welcome} so clients can batch and pace
 * themselves instead of discovering the limits through errors. Defaults are documented in
 * docs/protocol.md and must stay in step with {@link #DEFAULTS}.
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

    static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
