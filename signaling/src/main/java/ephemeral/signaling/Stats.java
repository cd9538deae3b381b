package ephemeral.signaling;

/**
 * What {@code GET /api/stats} reports. Holders and wanters count roster entries over all pages;
 * {@code requestsDeferred} counts wants held back by the fairness rates, {@code reports} accepted
 * {@code report}s, {@code connectionsRefused} upgrades refused by the per-address limit,
 * {@code closedForAbuse} connections closed for sending on while rate-limited, {@code closedSlowConsumers}
 * connections closed because they stopped reading (their outbox overflowed). {@code volunteers} counts the
 * volunteer seeds connected; {@code keepsAsked} the {@code keep} requests accepted, {@code keepsKept} and
 * {@code keepsRefused} how they ended (kept by a volunteer, or {@code no_volunteer}); {@code weakNotices}
 * the {@code weak} notices sent.
 */
public record Stats(int connections, int pages, int holders, int wanters, long requestsRouted,
                    long requestsDeferred, long reports, long signalsRelayed, long peersMessagesSent,
                    long errorsSent, long connectionsRefused, long closedForAbuse, long closedSlowConsumers,
                    int volunteers, long keepsAsked, long keepsKept, long keepsRefused, long weakNotices) {
}
