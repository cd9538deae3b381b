package ephemeral.protocol;

import ephemeral.protocol.signaling.ServerMessage;
import ephemeral.protocol.signaling.SignalData;

/**
 * The frames the server writes for every routed want ({@code content_request}, {@code routed}, {@code peers})
 * and every relayed signal (the {@code signal} and its {@code data}), written without Jackson. For a frame
 * of ~120 bytes, Jackson's per-call setup (generator, buffers, contexts, serializer provider) was most of
 * the encoding time and a quarter of everything the server allocated per routed want. The text is exactly
 * what Jackson writes for the same record; {@code HotFramesTest} holds the two side by side.
 */
final class HotFrames {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private HotFrames() {
    }

    /** The record as JSON, or null when it is not one of the hot ones. Ids and hashes need no escaping. */
    static String encode(Object message) {
        if (message instanceof ServerMessage.ContentRequest m) {
            return "{\"type\":\"content_request\",\"hash\":\"" + m.hash() + "\",\"from\":\"" + m.from() + "\"}";
        }
        if (message instanceof ServerMessage.Routed m) {
            return "{\"type\":\"routed\",\"hash\":\"" + m.hash() + "\",\"holder\":\"" + m.holder() + "\"}";
        }
        if (message instanceof ServerMessage.Peers m) {
            return "{\"type\":\"peers\",\"hash\":\"" + m.hash() + "\",\"holders\":" + m.holders()
                    + ",\"wanters\":" + m.wanters() + "}";
        }
        if (message instanceof SignalData d) {
            return d.sdp() != null ? sdp(d.sdp()) : candidate(d.candidate());
        }
        return null;
    }

    /** A {@code signal} around its already encoded {@code data}, from and hash checked by the caller. */
    static String signal(String from, String hash, String encodedData) {
        return "{\"type\":\"signal\",\"from\":\"" + from + "\",\"hash\":\"" + hash + "\",\"data\":" + encodedData + "}";
    }

    private static String sdp(SignalData.Sdp s) {
        StringBuilder out = new StringBuilder(s.sdp().length() + 64);
        out.append("{\"sdp\":{\"type\":\"").append(s.type()).append("\",\"sdp\":");
        return string(out, s.sdp()).append("}}").toString();
    }

    private static String candidate(SignalData.Candidate c) {
        StringBuilder out = new StringBuilder(c.candidate().length() + 96);
        string(out.append("{\"candidate\":{\"candidate\":"), c.candidate());
        string(out.append(",\"sdpMid\":"), c.sdpMid());
        out.append(",\"sdpMLineIndex\":").append(c.sdpMLineIndex());
        if (c.usernameFragment() != null) {
            string(out.append(",\"usernameFragment\":"), c.usernameFragment());
        }
        return out.append("}}").toString();
    }

    /** A JSON string (or null) escaped as Jackson escapes it: short forms where JSON has them, else \\u00XX. */
    static StringBuilder string(StringBuilder out, String s) {
        if (s == null) {
            return out.append("null");
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }
}
