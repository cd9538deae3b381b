package ephemeral.protocol;


/**
 * A refused message: on the server it becomes an {@code error} frame with this code; a client drops the
 * message. An {@link IllegalArgumentException}, so callers that check arguments (a hash typed on a command
 * line) need not know the wire.
 */
public final class ProtocolException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String ref;

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ProtocolException(ErrorCode code, String message, String ref) {
        super(message);
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

    /** No stack trace: nobody reads it, and a flood of bad frames must stay cheap. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
