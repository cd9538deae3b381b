package ephemeral.peer.transfer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The holders one fetch leaves out of its {@code want}s, as the browser's fetcher.js does: liars (bytes
 * that did not verify, protocol violations) for good; holders that merely failed (silent after
 * {@code routed}, stall, channel closed, any {@code error}) only until every known holder has failed once,
 * then they get another chance; holders whose ranges another holder's digests disputed until the page
 * verifies or is fetched from one holder again. The holder count is the latest {@code peers} count the server sent for the
 * page. Peer ids change on a signaling reconnect, so {@link #clear()} then. Owned by the owner's executor.
 */
final class Exclusions {
    /** Why an attempt ended without the page. */
    enum Fault {
        /** It alone sent bytes that did not verify, or more bytes than announced: a liar. */
        BAD_BYTES,
        /** Broke the protocol (an unknown or mismatching message): a liar too. */
        PROTOCOL,
        /** No signal or channel in time after {@code routed}. */
        SILENT,
        /** No network path to it (ICE failed): maybe nobody's fault, so never reported; tried again later. */
        UNREACHABLE,
        /** No message for the stall timeout while sending. */
        STALLED,
        /** Answered with an error, closed the channel early, or the channel would not take our get. */
        REFUSED,
        /**
         * Holders disagree (a different size, or a page assembled from several of them did not verify)
         * and nothing says which one lied: nobody is blamed, and the page is fetched from scratch.
         */
        CONFLICT;

        /** The reason of a {@code report} to the server, or null when nobody is to blame. */
        String reason() {
            switch (this) {
                case SILENT: return "silent";
                case STALLED: return "stalled";
                case REFUSED: return "refused";
                case BAD_BYTES: return "bad_bytes";
                case PROTOCOL: return "protocol";
                default: return null;
            }
        }
    }

    private final Set<String> liars = new LinkedHashSet<>();
    private final Set<String> failed = new LinkedHashSet<>();
    /** Holders whose ranges another holder's digests put in doubt: left out until the page verifies. */
    private final Set<String> doubted = new LinkedHashSet<>();
    /** Holders of the page as last reported by the server; 0 until the first {@code peers}. */
    private long holders;

    void holders(long count) {
        holders = count;
    }

    void blame(String peer, Fault fault) {
        if (fault == Fault.BAD_BYTES || fault == Fault.PROTOCOL) {
            failed.remove(peer);
            liars.add(peer);
        } else if (fault != Fault.CONFLICT && !liars.contains(peer)) {
            failed.add(peer);
        }
    }

    void doubt(Set<String> peers) {
        doubted.addAll(peers);
    }

    /** The page is fetched from one holder from 0 again: nobody's ranges are in doubt any more. */
    void clearDoubts() {
        doubted.clear();
    }

    boolean isLiar(String peer) {
        return liars.contains(peer);
    }

    void clear() {
        liars.clear();
        failed.clear();
        doubted.clear();
    }

    /** The {@code exclude} list for the next want (at most {@code max}, the newest kept). */
    List<String> forWant(int max) {
        if (!failed.isEmpty() && failed.size() + liars.size() >= holders) {
            failed.clear(); // every known holder but the liars failed once: try them again
        }
        Set<String> out = new LinkedHashSet<>(liars);
        out.addAll(doubted);
        out.addAll(failed);
        List<String> ex = new ArrayList<>(out);
        return ex.size() > max ? ex.subList(ex.size() - max, ex.size()) : ex;
    }
}
