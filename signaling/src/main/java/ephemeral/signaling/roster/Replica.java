package ephemeral.signaling.roster;

import java.util.Collection;

/**
 * Where the {@link Hub} tells the rest of a cluster what its own peers did (docs/cluster.md). Called under
 * the Hub's lock, so the cluster sees the changes in the order they happened here; implementations hand
 * them on without waiting. The embedded default, {@link #NONE}, is a single server: nothing to tell.
 */
public interface Replica {
    /** Whether the other nodes can be reached: if not, new wants are refused with {@code unavailable}. */
    boolean available();

    /** The live nodes of the cluster, this one included: each takes this share of a holder's request rate. */
    int nodes();

    void held(String peerId, Collection<String> hashes);

    void dropped(String peerId, Collection<String> hashes);

    void wanted(String peerId, String hash);

    void unwanted(String peerId, String hash);

    /** A peer of this node offers itself as a volunteer seed ({@link Volunteer#offer()}), replacing {@code before} (or null). */
    void volunteered(String peerId, String before, String offer);

    /**
     * A peer of this node left: every entry it had is gone ({@code offer}: its volunteer offer, or null). The
     * collections are valid only during the call.
     */
    void left(String peerId, Collection<String> held, Collection<String> wanted, String offer);

    /** A want of a peer here was routed to {@code holderId} on {@code node}: that node pairs them and asks it. */
    void request(String node, String holderId, String hash, String wanterId);

    /** A frame for a peer connected to {@code node} (a relayed signal). */
    void deliver(String node, String peerId, String frame);

    /** A {@code keep_request} for a volunteer of {@code node}: that node sends its answer back here. */
    void keepRequest(String node, String volunteerId, String hash, String frame);

    /** A volunteer here answered ({@code kept} or {@code keep_failed}) a keep request from {@code node}. */
    void keepAnswer(String node, String volunteerId, String message);

    Replica NONE = new Replica() {
        @Override
        public boolean available() {
            return true;
        }

        @Override
        public int nodes() {
            return 1;
        }

        @Override
        public void held(String peerId, Collection<String> hashes) {
        }

        @Override
        public void dropped(String peerId, Collection<String> hashes) {
        }

        @Override
        public void wanted(String peerId, String hash) {
        }

        @Override
        public void unwanted(String peerId, String hash) {
        }

        @Override
        public void volunteered(String peerId, String before, String offer) {
        }

        @Override
        public void left(String peerId, Collection<String> held, Collection<String> wanted, String offer) {
        }

        @Override
        public void request(String node, String holderId, String hash, String wanterId) {
            throw alone();
        }

        @Override
        public void deliver(String node, String peerId, String frame) {
            throw alone();
        }

        @Override
        public void keepRequest(String node, String volunteerId, String hash, String frame) {
            throw alone();
        }

        @Override
        public void keepAnswer(String node, String volunteerId, String message) {
            throw alone();
        }
    };

    /** What a single server answers when asked to reach a peer of another node: it has none. */
    private static IllegalStateException alone() {
        return new IllegalStateException("a single server has no peers of other nodes");
    }
}
