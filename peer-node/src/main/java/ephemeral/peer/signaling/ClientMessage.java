package ephemeral.peer.signaling;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ephemeral.peer.store.Hashes;
import java.util.List;

/** Client → server messages of docs/protocol.md §1, each serialised to exactly the documented fields. */
public sealed interface ClientMessage {

    record Have(List<String> hashes) implements ClientMessage {
        public Have {
            hashes = List.copyOf(hashes);
            if (hashes.isEmpty()) {
                throw new IllegalArgumentException("have needs at least one hash");
            }
            hashes.forEach(Hashes::requireHash);
        }
    }

    record Drop(String hash) implements ClientMessage {
        public Drop {
            Hashes.requireHash(hash);
        }
    }

    record Want(String hash, List<String> exclude) implements ClientMessage {
        public Want {
            Hashes.requireHash(hash);
            exclude = List.copyOf(exclude);
        }
    }

    record Unwant(String hash) implements ClientMessage {
        public Unwant {
            Hashes.requireHash(hash);
        }
    }

    record Signal(String to, String hash, ObjectNode data) implements ClientMessage {
        public Signal {
            Hashes.requireHash(hash);
        }
    }

    static String toJson(ClientMessage m) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        if (m instanceof Have h) {
            o.put("type", "have");
            if (h.hashes().size() == 1) {
                o.put("hash", h.hashes().get(0));
            } else {
                ArrayNode a = o.putArray("hashes");
                h.hashes().forEach(a::add);
            }
        } else if (m instanceof Drop d) {
            o.put("type", "drop").put("hash", d.hash());
        } else if (m instanceof Want w) {
            o.put("type", "want").put("hash", w.hash());
            if (!w.exclude().isEmpty()) {
                ArrayNode a = o.putArray("exclude");
                w.exclude().forEach(a::add);
            }
        } else if (m instanceof Unwant u) {
            o.put("type", "unwant").put("hash", u.hash());
        } else if (m instanceof Signal s) {
            o.put("type", "signal").put("to", s.to()).put("hash", s.hash());
            o.set("data", s.data());
        } else {
            throw new IllegalStateException("unhandled message " + m);
        }
        return Json.write(o);
    }
}
