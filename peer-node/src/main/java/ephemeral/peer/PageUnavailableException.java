package ephemeral.peer;

/** A page could not be had: no holder delivered bytes matching its hash in time. */
public final class PageUnavailableException extends Exception {
    public PageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
