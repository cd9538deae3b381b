package ephemeral.signaling.cluster;

import ephemeral.signaling.roster.Hub;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What the nodes of a cluster keep in Redis and say to each other (docs/cluster.md, "What Redis holds").
 * Ids and hashes never contain spaces, so every message is words separated by single spaces; a relayed
 * frame is the rest of its line.
 */
final class ClusterWire {
    static final String PREFIX = "eph:";
    /** SET of the ids of the nodes that registered. */
    static final String NODES = PREFIX + "nodes";
    /** Roster changes, from every node to every node: {@code <node> <op> ...}. */
    static final String EVENTS = PREFIX + "events";

    /**
     * Ops on {@link #EVENTS}: a peer holds pages, dropped them, wants one, no longer wants it, volunteers,
     * left; a node re-registered.
     */
    static final String HELD = "H";
    static final String DROPPED = "D";
    static final String WANTED = "W";
    static final String VOLUNTEERED = "V";
    static final String UNWANTED = "U";
    static final String LEFT = "X";
    static final String RELOAD = "S";
    /** Ops on a node's own channel: pair and ask a holder; deliver a frame; ask a volunteer; its answer. */
    static final String REQUEST = "R";
    static final String FRAME = "F";
    static final String KEEP_REQUEST = "K";
    static final String KEEP_ANSWER = "A";

    private ClusterWire() {
    }

    /** The key whose expiry says a node is alive. */
    static String lease(String node) {
        return PREFIX + "lease:" + node;
    }

    /**
     * SET of a node's roster entries: {@code H <peer> <hash>} (holds), {@code W <peer> <hash>} (wants) and
     * {@code V <peer> <capacity>:<maxPage>:<adoptWeak 0|1>} (volunteers).
     */
    static String entries(String node) {
        return PREFIX + "entries:" + node;
    }

    /** Where the messages for one node's peers go. */
    static String inbox(String node) {
        return PREFIX + "node:" + node;
    }

    static String entry(Hub.Entry.Kind kind, String peerId, String value) {
        String op = switch (kind) {
            case HELD -> HELD;
            case WANTED -> WANTED;
            case VOLUNTEER -> VOLUNTEERED;
        };
        return op + ' ' + peerId + ' ' + value;
    }

    /** An entry set's members as the Hub's entries; anything malformed is skipped. */
    static List<Hub.Entry> parseEntries(Collection<String> members) {
        List<Hub.Entry> out = new ArrayList<>(members.size());
        for (String m : members) {
            String[] w = m.split(" ");
            Hub.Entry.Kind kind = w.length != 3 ? null : switch (w[0]) {
                case HELD -> Hub.Entry.Kind.HELD;
                case WANTED -> Hub.Entry.Kind.WANTED;
                case VOLUNTEERED -> Hub.Entry.Kind.VOLUNTEER;
                default -> null;
            };
            if (kind != null) {
                out.add(new Hub.Entry(kind, w[1], w[2]));
            }
        }
        return out;
    }

    static String event(String node, String op, String peerId, Collection<String> hashes) {
        StringBuilder s = new StringBuilder(node.length() + 26 + 65 * hashes.size());
        s.append(node).append(' ').append(op).append(' ').append(peerId);
        for (String h : hashes) {
            s.append(' ').append(h);
        }
        return s.toString();
    }
}
