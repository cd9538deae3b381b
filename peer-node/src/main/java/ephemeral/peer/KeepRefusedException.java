package ephemeral.peer;

import ephemeral.protocol.ErrorCode;

/** The server answered a {@code keep} with an error: no volunteer had room, or this node does not hold the page. */
public final class KeepRefusedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient ErrorCode code;

    public KeepRefusedException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
