package ephemeral.peer.transfer;

import ephemeral.peer.store.Page;
import ephemeral.protocol.Sha256;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One page being fetched: the bytes held so far (kept across holders, so the next one is asked only for
 * what is missing), the {@link Lane}s asking holders now, the ranges nobody is asked for yet, and the
 * holders given up on. Owned by the owner's executor.
 */
final class Fetch {
    /** Bytes {@code [from, to)} came from {@code holder}, whose SHA-256 is {@code sha256}. */
    record Piece(String holder, boolean routed, long from, long to, byte[] sha256) {
    }

    final String hash;
    final CompletableFuture<Page> result = new CompletableFuture<>();
    final Exclusions exclusions = new Exclusions();
    final long deadlineNanos;
    boolean hold;
    /** Its want has been sent (fetches beyond the active limit wait in a queue). */
    boolean started;
    /** False once a page assembled from several holders failed to verify: from then on, one holder per try. */
    boolean resumable = true;
    /** Failed attempts so far: the backoff before the next want grows with it. */
    int failures;
    /** When the next want goes out (System.nanoTime), or 0 when none is scheduled. */
    long nextWantNanos;
    /** A want went out and no {@code routed} answered it yet (it may be pending at the server). */
    boolean wantOut;
    /** Every byte is here and the whole is being hashed: no lane, no want. */
    boolean verifying;

    final List<Lane> lanes = new ArrayList<>();
    /** Ranges {@code {from, to}} neither held nor asked of a lane, lowest first. */
    final List<long[]> gaps = new ArrayList<>();
    /** What each holder sent of the bytes held: who to blame if the whole does not verify. */
    final List<Piece> pieces = new ArrayList<>();
    /**
     * What holders said of ranges, to hold against the page once it verifies: the pieces of a try from several
     * holders that did not verify, and the digests another holder gave of them.
     */
    List<Piece> suspects = List.of();
    /** The pieces of such a try, their bytes kept, while the next holder is asked their digests; else null. */
    List<Piece> locating;
    /** The digests were asked once: another failure falls back to one holder from 0. */
    boolean located;

    volatile long size = -1;
    volatile long received;
    /** The bytes received so far, each at its place (null before the first header). */
    Sink sink;
    /** SHA-256 of {@code [0, hashedTo)}: bytes are hashed as they arrive while they arrive in order. */
    MessageDigest digest = Sha256.digest();
    long hashedTo;
    String name;
    String mime;
    /** Holders online as the server last counted them, or -1 before its first {@code peers}. */
    long holdersOnline = -1;
    /** How each given-up holder failed, in words, for the message a person sees when the fetch fails. */
    final List<String> attempts = new ArrayList<>();
    private String lastAttempt;
    private int lastAttemptCount;
    final long startNanos = System.nanoTime();

    Fetch(String hash, boolean hold, long deadlineNanos) {
        this.hash = hash;
        this.hold = hold;
        this.deadlineNanos = deadlineNanos;
    }

    /** A holder was given up on: remembered in words (the first 16) for the final message. */
    void attempt(String holder, String why) {
        String line = "holder " + Fetch.shortId(holder) + ": " + why;
        if (line.equals(lastAttempt)) {
            attempts.set(attempts.size() - 1, line + " (" + ++lastAttemptCount + " times)");
        } else if (attempts.size() < 16) {
            attempts.add(line);
            lastAttempt = line;
            lastAttemptCount = 1;
        }
    }

    /** The first characters of a peer id, as people see it. */
    static String shortId(String peer) {
        return peer == null ? "?" : peer.substring(0, Math.min(6, peer.length())) + "…";
    }

    Lane lane(String holder) {
        for (Lane l : lanes) {
            if (l.holder.equals(holder)) {
                return l;
            }
        }
        return null;
    }

    /** The holders whose bytes are held. */
    Set<String> contributors() {
        Set<String> who = new LinkedHashSet<>();
        pieces.forEach(p -> who.add(p.holder()));
        return who;
    }

    /** Puts {@code [from, to)} back among the ranges to ask for, merged with its neighbours. */
    void gap(long from, long to) {
        if (from >= to) {
            return;
        }
        int i = 0;
        while (i < gaps.size() && gaps.get(i)[0] < from) {
            i++;
        }
        gaps.add(i, new long[] {from, to});
        for (int j = Math.max(0, i - 1); j + 1 < gaps.size(); ) {
            if (gaps.get(j)[1] >= gaps.get(j + 1)[0]) {
                gaps.get(j)[1] = Math.max(gaps.get(j)[1], gaps.get(j + 1)[1]);
                gaps.remove(j + 1);
            } else {
                j++;
            }
        }
    }

    /** Forgets every byte (they did not verify, or will not be resumed). */
    void resetBytes() {
        if (sink != null) {
            sink.discard();
            sink = null;
        }
        received = 0;
        digest = Sha256.digest();
        hashedTo = 0;
        pieces.clear();
        gaps.clear();
        size = -1;
        name = null;
        mime = null;
    }
}
