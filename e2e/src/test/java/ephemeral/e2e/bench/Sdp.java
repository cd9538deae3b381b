package ephemeral.e2e.bench;

import java.util.HexFormat;
import java.util.Random;

/**
 * A small SDP-shaped offer or answer, the payload of every relayed signal: a data channel's session
 * description (about 450 bytes, like the ones browsers send before candidates), which carries its send time
 * ({@link System#nanoTime}) as the session id of its {@code o=} line, so the receiver can tell the latency of
 * the one message it got, whatever the server relays in between.
 */
final class Sdp {
    static final String MARK = "o=- ";
    private static final String BODY = " 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\na=group:BUNDLE 0\\r\\n"
            + "a=extmap-allow-mixed\\r\\na=msid-semantic: WMS\\r\\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\\r\\n"
            + "c=IN IP4 0.0.0.0\\r\\na=ice-ufrag:f3Kz\\r\\na=ice-pwd:Jq7xQ9mZ2vL8nR4tW6yB1cD3\\r\\na=ice-options:trickle\\r\\n"
            + "a=fingerprint:sha-256 " + fingerprint() + "\\r\\na=setup:%s\\r\\na=mid:0\\r\\na=sctp-port:5000\\r\\n"
            + "a=max-message-size:262144\\r\\n\"}";

    private Sdp() {
    }

    /** {@code {"type":"offer","sdp":"v=0…"}} as JSON: what goes in {@code data.sdp} (ours) or {@code payload.sdp} (PeerJS). */
    static String json(boolean offer, long sentAt) {
        return "{\"type\":\"" + (offer ? "offer" : "answer") + "\",\"sdp\":\"v=0\\r\\n" + MARK + sentAt
                + (offer ? OFFER_BODY : ANSWER_BODY);
    }

    private static final String OFFER_BODY = String.format(BODY, "actpass");
    private static final String ANSWER_BODY = String.format(BODY, "active");

    /** The send time a received frame carries, or -1. */
    static long sentAt(String frame) {
        return Frames.numberAfter(frame, MARK);
    }

    private static String fingerprint() {
        byte[] b = new byte[32];
        new Random(9).nextBytes(b);
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(b);
    }
}
