package ephemeral.sim;

import java.util.Set;

/**
 * How the swarm's peers reach each other: the real signaling server ({@link ServerNetwork}) or the coin-flip
 * model ({@link CoinFlipNetwork}). Calls and callbacks run on the run's {@link Clock} thread.
 */
interface Network {
    /** The peer comes online; {@link Swarm#onWelcome} follows. */
    void connect(int peer);

    void have(int peer, int page);

    /** Asks for a page; holders reached get {@link Swarm#onContentRequest}. */
    void want(int peer, int page, Set<Integer> exclude);

    void unwant(int peer, int page);

    /** A handshake message between two paired peers ({@code offer}: the holder's first). */
    void signal(int from, int to, int page, boolean offer);

    /** The peer goes offline without a word (a closed tab). */
    void leave(int peer);

    /** Frames this peer sent and received so far. */
    long messages(int peer);
}
