package ephemeral.peer.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ephemeral.peer.store.Hashes;
import java.util.ArrayList;
import java.util.List;

/**
 * Server → client messages of docs/protocol.md §1. Parsing is strict about what this peer relies on
 * (types, required fields, hashes, duplicate keys) but ignores fields it does not know, so that a
 * newer server can add some without breaking deployed peers.
 */
public sealed interface ServerMessage {

    record Welcome(String peerId, List<IceServer> iceServers, Limits limits) implements ServerMessage {}

    record ContentRequest(String hash, String from) implements ServerMessage {
        public ContentRequest {
            Hashes.requireHash(hash);
        }
    }

    /** {@code data} is either {@code {sdp:{type,sdp}}} or {@code {candidate:{candidate,sdpMid,sdpMLineIndex}}}. */
    record Signal(String from, String hash, ObjectNode data) implements ServerMessage {
        public Signal {
            Hashes.requireHash(hash);
        }
    }

    record Peers(String hash, long holders, long wanters) implements ServerMessage {}

    record Error(String code, String message, String ref) implements ServerMessage {}

    /** An ICE server from {@code welcome}; {@code urls} may be a string or an array on the wire. */
    record IceServer(List<String> urls, String username, String credential) {}

    /** The limits this peer respects on its side (others are enforced by the server only). */
    record Limits(int maxHashesPerMessage, int maxExclude, int messagesPerSecond, int messageBurst) {
        public static Limits defaults() {
            return new Limits(2000, 64, 200, 400);
        }
    }

    static ServerMessage parse(String text) {
        ObjectNode o = Json.parseObject(text);
        String type = Json.text(o, "type");
        switch (type) {
            case "welcome":
                return new Welcome(Json.text(o, "peerId"), iceServers(o.get("iceServers")), limits(o.get("limits")));
            case "content_request":
                return new ContentRequest(Json.text(o, "hash"), Json.text(o, "from"));
            case "signal":
                return new Signal(Json.text(o, "from"), Json.text(o, "hash"), Json.object(o, "data"));
            case "peers":
                return new Peers(Json.text(o, "hash"), Json.integer(o, "holders"), Json.integer(o, "wanters"));
            case "error":
                return new Error(Json.text(o, "code"), Json.optText(o, "message"), Json.optText(o, "ref"));
            default:
                throw new IllegalArgumentException("unknown message type: " + type);
        }
    }

    private static List<IceServer> iceServers(JsonNode n) {
        List<IceServer> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            throw new IllegalArgumentException("iceServers must be an array");
        }
        for (JsonNode s : n) {
            if (!(s instanceof ObjectNode so)) {
                throw new IllegalArgumentException("iceServers entries must be objects");
            }
            JsonNode urls = so.get("urls");
            List<String> list = new ArrayList<>();
            if (urls != null && urls.isTextual()) {
                list.add(urls.textValue());
            } else if (urls != null && urls.isArray()) {
                urls.forEach(u -> list.add(u.asText()));
            } else {
                throw new IllegalArgumentException("iceServers[].urls must be a string or an array");
            }
            out.add(new IceServer(list, Json.optText(so, "username"), Json.optText(so, "credential")));
        }
        return out;
    }

    private static Limits limits(JsonNode n) {
        Limits d = Limits.defaults();
        if (!(n instanceof ObjectNode o)) {
            return d;
        }
        return new Limits(
                intOr(o, "maxHashesPerMessage", d.maxHashesPerMessage()),
                intOr(o, "maxExclude", d.maxExclude()),
                intOr(o, "messagesPerSecond", d.messagesPerSecond()),
                intOr(o, "messageBurst", d.messageBurst()));
    }

    private static int intOr(ObjectNode o, String field, int dflt) {
        JsonNode n = o.get(field);
        return n != null && n.canConvertToInt() && n.intValue() > 0 ? n.intValue() : dflt;
    }
}
