package ephemeral.peer;

/** The signaling server could not be reached (no {@code welcome}) within the connect timeout. */
public final class SignalingUnavailableException extends Exception {
    public SignalingUnavailableException(String message) {
        super(message);
    }
}
