package ephemeral.signaling.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The payload of a {@code signal}: an SDP description or an ICE candidate, and nothing else. Its shape is
 * checked field by field so that the relay cannot be used to move page content through the server.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SignalData(Sdp sdp, Candidate candidate) {

    public SignalData {
        if ((sdp == null) == (candidate == null)) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "data holds exactly one of sdp and candidate");
        }
    }

    public record Sdp(String type, String sdp) {
        public Sdp {
            if (!"offer".equals(type) && !"answer".equals(type)) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "sdp.type must be offer or answer");
            }
            if (sdp == null || !sdp.startsWith("v=0")) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "sdp.sdp must be a session description");
            }
        }
    }

    public record Candidate(String candidate, String sdpMid, Integer sdpMLineIndex) {
        public Candidate {
            if (candidate == null || !(candidate.isEmpty() || candidate.startsWith("candidate:"))) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "candidate.candidate must be empty or start with candidate:");
            }
            if (candidate.indexOf('\n') >= 0 || candidate.indexOf('\r') >= 0) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "candidate.candidate is one line");
            }
            if (sdpMLineIndex != null && (sdpMLineIndex < 0 || sdpMLineIndex > 255)) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "candidate.sdpMLineIndex out of range");
            }
        }
    }
}
