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

    /** Ops on {@link #EVENTS}: a peer holds pages, dropped them, wants one, no longer wants it, left; a node re-registered. */
    static final String HELD = "H";
    static final String DROPPED = "D";
    static final String WANTED = "W";
    static final String UNWANTED = "U";
    static final String LEFT = "X";
    static final String RELOAD = "S";
    /** Ops on a node's own channel: pair and ask a holder; deliver a frame. */
    static final String REQUEST = "R";
    static final String FRAME = "F";

    private ClusterWire() {
    }

    /** The key whose expiry says a node is alive. */
    static String lease(String node) {
        return PREFIX + "lease:" + node;
    }

    /** SET of a node's roster entries: {@code H <peer> <hash>} (holds) and {@code W <peer> <hash>} (wants). */
    static String entries(String node) {
        return PREFIX + "entries:" + node;
    }

    /** Where the messages for one node's peers go. */
    static String inbox(String node) {
        return PREFIX + "node:" + node;
    }

    static String entry(boolean held, String peerId, String hash) {
        return (held ? HELD : WANTED) + ' ' + peerId + ' ' + hash;
    }

    /** An entry set's members as the Hub's entries; anything malformed is skipped. */
    static List<Hub.Entry> parseEntries(Collection<String> members) {
        List<Hub.Entry> out = new ArrayList<>(members.size());
        for (String m : members) {
            String[] w = m.split(" ");
            if (w.length == 3 && (w[0].equals(HELD) || w[0].equals(WANTED))) {
                out.add(new Hub.Entry(w[0].equals(HELD), w[1], w[2]));
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
