package ephemeral.peer.rtc;

import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import java.util.List;
import java.util.Map;

/**
 * What a person needs to know about a connection's network path: how it connected (the selected candidate
 * pair, from {@code getStats()}), and, when it did not, the likeliest reason in words.
 */
public final class Route {
    private Route() {
    }

    /**
     * The path of the selected candidate pair, e.g. "relayed by TURN, rtt 3 ms": a relay candidate on either
     * side means through TURN; otherwise the local candidate's type says how (host: direct on the LAN;
     * srflx/prflx: direct through NAT, found by STUN). Empty when the report has no selected pair yet.
     */
    public static String describe(RTCStatsReport report) {
        Map<String, RTCStats> stats = report.getStats();
        RTCStats pair = null;
        for (RTCStats s : stats.values()) {
            if (s.getType() == RTCStatsType.TRANSPORT && s.getAttributes().get("selectedCandidatePairId") instanceof String id) {
                pair = stats.get(id);
            }
        }
        if (pair == null) { // no transport stats: the nominated, succeeded pair
            for (RTCStats s : stats.values()) {
                if (s.getType() == RTCStatsType.CANDIDATE_PAIR && Boolean.TRUE.equals(s.getAttributes().get("nominated"))
                        && "succeeded".equals(String.valueOf(s.getAttributes().get("state")))) {
                    pair = s;
                }
            }
        }
        if (pair == null) {
            return "";
        }
        String type = candidateType(stats, pair, "localCandidateId");
        if ("relay".equals(candidateType(stats, pair, "remoteCandidateId"))) {
            type = "relay"; // the other side's relay: the bytes cross a TURN server all the same
        }
        String how = switch (type) {
            case "relay" -> "relayed by TURN";
            case "srflx", "prflx" -> "direct through NAT (STUN)";
            case "host" -> "direct on the LAN";
            default -> "direct";
        };
        Object rtt = pair.getAttributes().get("currentRoundTripTime");
        return rtt instanceof Number n ? how + String.format(", rtt %.0f ms", n.doubleValue() * 1000) : how;
    }

    private static String candidateType(Map<String, RTCStats> stats, RTCStats pair, String which) {
        RTCStats c = stats.get(String.valueOf(pair.getAttributes().get(which)));
        return c == null ? "" : String.valueOf(c.getAttributes().get("candidateType"));
    }

    /**
     * Why ICE found no path, from the candidate errors the connection saw and what the server offered:
     * a TURN server that refused the credentials, one that could not be reached, or none at all.
     */
    public static String whyNoPath(Ice ice, List<String> candidateErrors) {
        for (String e : candidateErrors) {
            if (e.contains(" 401")) {
                return "the TURN server refused our credentials (" + e + "): they expired, or the signaling "
                        + "server's --turn-secret is not coturn's static-auth-secret";
            }
        }
        if (!candidateErrors.isEmpty()) {
            return "no network path to the holder; the relay failed: " + String.join("; ", candidateErrors);
        }
        return ice.hasRelay()
                ? "no network path to the holder, not even through the TURN relay"
                : "no direct network path to the holder (a NAT or firewall between you), and this server offers "
                        + "no TURN relay to go around it";
    }
}
