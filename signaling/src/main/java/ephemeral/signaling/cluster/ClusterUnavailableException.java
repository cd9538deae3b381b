package ephemeral.signaling.cluster;

/** A node could not join its cluster: Redis did not answer, or refused what the node needs. */
public final class ClusterUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
