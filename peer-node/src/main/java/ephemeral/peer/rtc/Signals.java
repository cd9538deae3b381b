package ephemeral.peer.rtc;

import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCIceTransportPolicy;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import ephemeral.protocol.IceServer;
import ephemeral.protocol.IceTransportPolicy;
import ephemeral.protocol.signaling.SignalData;
import java.util.List;
import java.util.Optional;

/** Between the wire's {@code signal.data} and {@code welcome.iceServers} and webrtc-java's types. */
final class Signals {
    private Signals() {
    }

    static SignalData description(RTCSessionDescription desc) {
        return SignalData.of(new SignalData.Sdp(desc.sdpType == RTCSdpType.OFFER ? "offer" : "answer", desc.sdp));
    }

    static RTCSessionDescription description(SignalData.Sdp sdp) {
        return new RTCSessionDescription(sdp.isOffer() ? RTCSdpType.OFFER : RTCSdpType.ANSWER, sdp.sdp());
    }

    /** webrtc-java gives the line without its {@code candidate:} prefix; browsers expect it. */
    static SignalData candidate(RTCIceCandidate c) {
        String line = c.sdp.startsWith("candidate:") ? c.sdp : "candidate:" + c.sdp;
        return SignalData.of(new SignalData.Candidate(line, c.sdpMid, c.sdpMLineIndex, null));
    }

    /** Empty for an end-of-candidates, which libwebrtc needs no call for. */
    static Optional<RTCIceCandidate> candidate(SignalData.Candidate c) {
        if (c.isEndOfCandidates()) {
            return Optional.empty();
        }
        // our offers carry one m-line, so a candidate without mid or index belongs to it
        return Optional.of(new RTCIceCandidate(c.sdpMid() == null ? "0" : c.sdpMid(),
                c.sdpMLineIndex() == null ? 0 : c.sdpMLineIndex(), c.candidate()));
    }

    static RTCConfiguration configuration(Ice ice) {
        RTCConfiguration c = new RTCConfiguration();
        c.iceTransportPolicy = ice.policy() == IceTransportPolicy.RELAY ? RTCIceTransportPolicy.RELAY : RTCIceTransportPolicy.ALL;
        for (IceServer s : ice.servers()) {
            RTCIceServer r = new RTCIceServer();
            r.urls = List.copyOf(s.urls());
            r.username = s.username();
            r.password = s.credential();
            c.iceServers.add(r);
        }
        // Passive TCP candidates only slow ICE down; browsers reach us over UDP.
        c.portAllocatorConfig.setDisableTcp(true);
        return c;
    }
}
