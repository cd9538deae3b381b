package ephemeral.peer.transfer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import ephemeral.peer.signaling.Json;
import ephemeral.peer.store.Hashes;
import java.util.Set;

/**
 * Text messages on a {@code page} channel (docs/protocol.md §2). Parsing is strict: a peer that sends
 * anything else is misbehaving, and the transfer with it is abandoned.
 */
public sealed interface TransferMessage {

    record Get(String hash, long offset) implements TransferMessage {
        public Get {
            Hashes.requireHash(hash);
            if (offset < 0) {
                throw new IllegalArgumentException("offset must be >= 0");
            }
        }
    }

    record Header(String hash, long size, long offset, String name, String mime) implements TransferMessage {
        public Header {
            Hashes.requireHash(hash);
            if (size < 0 || offset < 0 || offset > size) {
                throw new IllegalArgumentException("need 0 <= offset <= size");
            }
        }
    }

    record Error(String code, String message) implements TransferMessage {}

    static TransferMessage parse(String text) {
        ObjectNode o = Json.parseObject(text);
        String type = Json.text(o, "type");
        switch (type) {
            case "get":
                only(o, Set.of("type", "hash", "offset"));
                return new Get(Json.text(o, "hash"), o.has("offset") ? Json.integer(o, "offset") : 0);
            case "header":
                only(o, Set.of("type", "hash", "size", "offset", "name", "mime"));
                return new Header(Json.text(o, "hash"), Json.integer(o, "size"),
                        o.has("offset") ? Json.integer(o, "offset") : 0, Json.optText(o, "name"), Json.optText(o, "mime"));
            case "error":
                only(o, Set.of("type", "code", "message"));
                return new Error(Json.text(o, "code"), Json.optText(o, "message"));
            default:
                throw new IllegalArgumentException("unknown message type: " + type);
        }
    }

    static String toJson(TransferMessage m) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        if (m instanceof Get g) {
            o.put("type", "get").put("hash", g.hash()).put("offset", g.offset());
        } else if (m instanceof Header h) {
            o.put("type", "header").put("hash", h.hash()).put("size", h.size()).put("offset", h.offset());
            if (h.name() != null) {
                o.put("name", h.name());
            }
            if (h.mime() != null) {
                o.put("mime", h.mime());
            }
        } else if (m instanceof Error e) {
            o.put("type", "error").put("code", e.code()).put("message", e.message());
        }
        return Json.write(o);
    }

    private static void only(ObjectNode o, Set<String> allowed) {
        o.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) {
                throw new IllegalArgumentException("unexpected field '" + f + "'");
            }
        });
    }
}
