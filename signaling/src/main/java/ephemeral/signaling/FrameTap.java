package ephemeral.signaling;

/**
 * Sees every WebSocket frame the server receives or sends (text, and the binary frames it refuses). For
 * audits and tests (such as proving that no page content ever reaches the server); it runs on I/O threads,
 * so it must be quick and thread-safe. A frame over maxFrameBytes is closed by Jetty unread and never seen.
 */
@FunctionalInterface
public interface FrameTap {
    void frame(String peerId, boolean inbound, String text);

    /** A binary frame a client sent (the server refuses every one). */
    default void binary(String peerId, byte[] bytes) {
    }
}
