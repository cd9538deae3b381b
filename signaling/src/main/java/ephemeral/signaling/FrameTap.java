package ephemeral.signaling;

/**
 * Sees every WebSocket text frame the server receives or sends. For audits and tests (such as proving that
 * no page content ever reaches the server); it runs on I/O threads, so it must be quick and thread-safe.
 */
@FunctionalInterface
public interface FrameTap {
    void frame(String peerId, boolean inbound, String text);
}
