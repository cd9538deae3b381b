package ephemeral.signaling.message;

/**
 * A refused client message: becomes an {@code error} frame with this code. Thrown on every bad input,
 * so it skips the stack trace (nobody reads it, and a flood of bad frames must stay cheap).
 */
public final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String ref;

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ProtocolException(ErrorCode code, String message, String ref) {
        super(message, null, false, false);
        this.code = code;
        this.ref = ref;
    }

    public ErrorCode code() {
        return code;
    }

    /** The hash or peerId the refused message was about, or null. */
    public String ref() {
        return ref;
    }
}
