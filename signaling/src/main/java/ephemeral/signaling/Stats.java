package ephemeral.signaling;

/** What {@code GET /api/stats} reports. Holders and wanters count roster entries over all pages. */
public record Stats(int connections, int pages, int holders, int wanters, long requestsRouted,
                    long signalsRelayed, long peersMessagesSent, long errorsSent) {
}
