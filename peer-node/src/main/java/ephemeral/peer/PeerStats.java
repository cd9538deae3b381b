package ephemeral.peer;

/**
 * A snapshot of a node's counters.
 *
 * @param transfersServed    pages sent completely to a wanter
 * @param bytesServed        page bytes sent (complete or not)
 * @param servesFailed       transfers abandoned (wanter left, stalled)
 * @param servesRefusedBusy  requests refused with {@code busy} (over maxConcurrentServes)
 * @param activeServes       transfers being sent now
 * @param pagesFetched       pages received and verified
 * @param bytesFetched       page bytes received (verified or not)
 * @param verifyFailures     received pages whose bytes did not match their hash
 * @param holdersAbandoned   holders given up on (stall, bad bytes, garbage, refusal)
 * @param liarsFound         holders found to have sent bytes that are not the page's, or to break the protocol
 * @param pagesHeld          pages this node holds and serves
 * @param linksOpen          live peer connections
 * @param linksOpened        peer connections created so far (each costs native memory for good)
 * @param signalingConnects  WebSocket connections made to the server (reconnects + 1)
 */
public record PeerStats(
        long transfersServed,
        long bytesServed,
        long servesFailed,
        long servesRefusedBusy,
        long activeServes,
        long pagesFetched,
        long bytesFetched,
        long verifyFailures,
        long holdersAbandoned,
        long liarsFound,
        long pagesHeld,
        long linksOpen,
        long linksOpened,
        long signalingConnects) {}
