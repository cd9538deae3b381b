package ephemeral.signaling.roster;

/** Where the rosters send a peer's frames. Implementations never block the caller. */
public interface Outbox {
    void send(String frame);
}
