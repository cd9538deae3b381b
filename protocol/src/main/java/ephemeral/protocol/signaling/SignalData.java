package ephemeral.protocol.signaling;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import ephemeral.protocol.ErrorCode;
import ephemeral.protocol.ProtocolException;

/**
 * The payload of a {@code signal}: an SDP description or an ICE candidate, and nothing else. Its shape is
 * checked field by field so that the relay cannot be used to move page content through the server.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SignalData(Sdp sdp, Candidate candidate) {
    /** Longest candidate line; real ones are 60–200 characters. */
    public static final int MAX_CANDIDATE_CHARS = 1024;
    public static final int MAX_MID_CHARS = 32;
    public static final int MAX_SDP_LINE_CHARS = 1024;
    /** The line types of RFC 8866, session and media level. */
    private static final String SDP_TYPES = "vosiuepcbtrzkam";

    public SignalData {
        if ((sdp == null) == (candidate == null)) {
            throw bad("data holds exactly one of sdp and candidate");
        }
    }

    public static SignalData of(Sdp sdp) {
        return new SignalData(sdp, null);
    }

    public static SignalData of(Candidate candidate) {
        return new SignalData(null, candidate);
    }

    /**
     * A session description, checked as SDP's line grammar (RFC 8866): {@code v=0} first, then lines
     * {@code <type>=<value>} of a known type letter, each line printable ASCII of at most
     * {@link #MAX_SDP_LINE_CHARS}, ended by CRLF (or LF). Text that is not SDP cannot pass as SDP.
     */
    public record Sdp(String type, String sdp) {
        public Sdp {
            if (!"offer".equals(type) && !"answer".equals(type)) {
                throw bad("sdp.type must be offer or answer");
            }
            if (sdp == null || !sdp.startsWith("v=0")) {
                throw bad("sdp.sdp must be a session description starting with v=0");
            }
            checkSdpLines(sdp);
        }

        @JsonIgnore
        public boolean isOffer() {
            return "offer".equals(type);
        }
    }

    /**
     * An ICE candidate as {@code RTCIceCandidate.toJSON()} gives it. {@code candidate} is empty (end of
     * candidates) or a {@code candidate:} line of printable ASCII; {@code sdpMid}, {@code sdpMLineIndex} and
     * {@code usernameFragment} may be absent or null.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Candidate(String candidate, String sdpMid, Integer sdpMLineIndex,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String usernameFragment) {
        public Candidate {
            if (candidate == null) {
                throw bad("missing field: candidate.candidate");
            }
            if (!candidate.isEmpty() && !(candidate.startsWith("candidate:") && printable(candidate, MAX_CANDIDATE_CHARS))) {
                throw bad("candidate.candidate must be empty or one line 'candidate:…' of printable ASCII, at most "
                        + MAX_CANDIDATE_CHARS + " characters");
            }
            if (sdpMid != null && (sdpMid.isEmpty() || !printable(sdpMid, MAX_MID_CHARS) || sdpMid.indexOf(' ') >= 0)) {
                throw bad("candidate.sdpMid must be 1 to " + MAX_MID_CHARS + " printable ASCII characters without spaces");
            }
            if (sdpMLineIndex != null && (sdpMLineIndex < 0 || sdpMLineIndex > 255)) {
                throw bad("candidate.sdpMLineIndex must be 0 to 255");
            }
            if (usernameFragment != null && !isUfrag(usernameFragment)) {
                throw bad("candidate.usernameFragment must be 4 to 256 characters of [A-Za-z0-9+/]");
            }
        }

        /** The end-of-candidates marker in either form browsers send (null mid/index, or Firefox's "0"/0). */
        @JsonIgnore
        public boolean isEndOfCandidates() {
            return candidate.isEmpty();
        }
    }

    private static void checkSdpLines(String sdp) {
        int start = 0;
        int n = 0;
        while (start < sdp.length()) {
            int end = sdp.indexOf('\n', start);
            if (end < 0) {
                end = sdp.length(); // a last line without its line break
            }
            int stop = end > start && sdp.charAt(end - 1) == '\r' ? end - 1 : end;
            n++;
            if (stop - start < 2 || sdp.charAt(start + 1) != '=' || SDP_TYPES.indexOf(sdp.charAt(start)) < 0) {
                throw bad("sdp.sdp line " + n + " is not <type>=<value> of a known SDP type");
            }
            if (!printable(sdp, start, stop, MAX_SDP_LINE_CHARS)) {
                throw bad("sdp.sdp line " + n + " must be printable ASCII of at most " + MAX_SDP_LINE_CHARS + " characters");
            }
            start = end + 1;
        }
    }

    private static boolean printable(String s, int max) {
        return printable(s, 0, s.length(), max);
    }

    /** Whether {@code s[from, to)} is printable ASCII of at most {@code max} characters (checked in place). */
    private static boolean printable(String s, int from, int to, int max) {
        if (to - from > max) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** RFC 8839 ice-ufrag: 4 to 256 ice-chars. */
    private static boolean isUfrag(String s) {
        if (s.length() < 4 || s.length() > 256) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c < 128 && Character.isLetterOrDigit(c) || c == '+' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    private static ProtocolException bad(String message) {
        return new ProtocolException(ErrorCode.BAD_MESSAGE, message);
    }
}
