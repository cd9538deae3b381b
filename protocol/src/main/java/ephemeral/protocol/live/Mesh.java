package ephemeral.protocol.live;

/**
 * The numbers of the live mesh (docs/protocol.md, "Live pages: the mesh"): defaults every client uses
 * unless its user sets others, and the clocks, in milliseconds. The browser keeps the same (web/…/mesh.js).
 */
public final class Mesh {
    /** A holder keeps at least this many links to other holders of the page, when that many exist. */
    public static final int MIN_PEERS = 3;
    /**
     * maxPeers is minPeers plus this: an offer through a neighbour beyond it is refused ({@code full}); a
     * holder hears of an update at most once per link, so this bounds what one update costs it.
     */
    public static final int EXTRA_PEERS = 2;
    /**
     * A holder the server pairs with a peer (which has no link at all) takes the link even when it has
     * maxPeers, up to maxPeers + minPeers, and closes it this long after it opened if it still has more
     * than maxPeers: time for the newcomer to take the version and meet others through it.
     */
    public static final long OVERFLOW_GRACE_MS = 3_000;
    /** A link whose channel is not open this long after it was made, or on which no {@code hello} arrived this long after it opened, is closed. */
    public static final long HELLO_WAIT_MS = 5_000;
    /** A link being made (through a neighbour or the server) that is not open by then is given up. */
    public static final long LINK_WAIT_MS = 5_000;
    /** Below {@link #MIN_PEERS}, a holder asks one neighbour {@code more} at most this often. */
    public static final long MORE_EVERY_MS = 500;
    /** A peer given up on (it failed, refused, or lied) is not tried again for this long. */
    public static final long RETRY_PEER_MS = 30_000;
    /** Largest page a live version may name: a version's page is fetched from a neighbour in one piece. */
    public static final long MAX_PAGE_BYTES = 64L << 20;
    /** Relays one neighbour may ask a holder to forward per second (more are dropped). */
    public static final int RELAYS_PER_SECOND = 50;
    /** Mesh messages of other kinds one neighbour may send per second (more close the link). */
    public static final int MESSAGES_PER_SECOND = 100;

    private Mesh() {
    }
}
