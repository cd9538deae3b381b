package ephemeral.signaling;

/**
 * What {@code GET /api/stats} reports. Holders and wanters count roster entries over all pages;
 * {@code requestsDeferred} counts wants held back by the fairness rates, {@code reports} accepted
 * {@code report}s, {@code connectionsRefused} upgrades refused by the per-address limit,
 * {@code closedForAbuse} connections closed for sending on while rate-limited, {@code closedSlowConsumers}
 * connections closed because they stopped reading (their outbox overflowed). {@code volunteers} counts the
 * volunteer seeds connected; {@code keepsAsked} the {@code keep} requests accepted, {@code keepsKept} and
 * {@code keepsRefused} how they ended (kept by a volunteer, or {@code no_volunteer}); {@code weakNotices}
 * the {@code weak} notices sent. A counter of frames moves before its frame is sent, so a count read once
 * the frame has arrived includes it.
 *
 * <p>In a cluster (docs/cluster.md) {@code connections} and the message counters are this node's, while
 * {@code pages}, {@code holders} and {@code wanters} are cluster-wide (every node holds every roster);
 * {@code node} is this node's id (null for a single server), {@code nodes} the live nodes,
 * {@code clusterPeers} the peers of all nodes that hold or want a page, {@code redisRoundTripMillis} the
 * last heartbeat's round trip (-1: Redis unreachable), {@code clusterPublished}/{@code clusterReceived}
 * the messages this node sent to and got from the others through Redis.
 */
public record Stats(int connections, int pages, int holders, int wanters, long requestsRouted,
                    long requestsDeferred, long reports, long signalsRelayed, long peersMessagesSent,
                    long errorsSent, long connectionsRefused, long closedForAbuse, long closedSlowConsumers,
                    int volunteers, long keepsAsked, long keepsKept, long keepsRefused, long weakNotices,
                    String node, int nodes, int clusterPeers, double redisRoundTripMillis, long clusterPublished,
                    long clusterReceived) {
}
