package ephemeral.signaling;

/**
 * What {@code GET /api/stats} reports. Holders and wanters count roster entries over all pages;
 * {@code requestsDeferred} counts wants held back by the fairness rates, {@code reports} accepted
 * {@code report}s, {@code connectionsRefused} upgrades refused by the per-address limit,
 * {@code closedForAbuse} connections closed for sending on while rate-limited, {@code closedSlowConsumers}
 * connections closed because they stopped reading (their outbox overflowed).
 */
public record Stats(int connections, int pages, int holders, int wanters, long requestsRouted,
                    long requestsDeferred, long reports, long signalsRelayed, long peersMessagesSent,
                    long errorsSent, long connectionsRefused, long closedForAbuse, long closedSlowConsumers) {
}
