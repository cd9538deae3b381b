package ephemeral.peer.transfer;

import ephemeral.peer.rtc.Channel;
import ephemeral.peer.store.Page;
import ephemeral.protocol.Sha256;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One page being fetched: the in-order bytes received so far (kept across holders, so a new holder can
 * resume at {@code offset}), the running digest, the holder being waited on, and the holders given up on.
 * Owned by the owner's executor.
 */
final class Fetch {
    final String hash;
    final CompletableFuture<Page> result = new CompletableFuture<>();
    final Exclusions exclusions = new Exclusions();
    /** Holders whose bytes are in {@link #sink}: who to blame if the whole does not verify. */
    final Set<String> contributors = new LinkedHashSet<>();
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

    /** The holder the server routed the last want to (or whose channel arrived), or null while pending. */
    String holder;
    /** The holder named by the last {@code routed}: the only one this wanter may report. */
    String routedHolder;
    /** The holder has signalled since it was routed: now it has {@code CONNECT_MS} to open its channel. */
    boolean answered;
    /** Until when a routed holder may stay silent (no signal, no channel). */
    long waitUntilNanos;
    Channel channel;
    boolean headerSeen;
    volatile long size = -1;
    volatile long received;
    /** The bytes received so far, in order (null before the first header). */
    Sink sink;
    MessageDigest digest = Sha256.digest();
    String name;
    String mime;
    long lastProgressNanos = System.nanoTime();
    /** Holders online as the server last counted them, or -1 before its first {@code peers}. */
    long holdersOnline = -1;
    /** How each given-up holder failed, in words, for the message a person sees when the fetch fails. */
    final List<String> attempts = new ArrayList<>();
    private String lastAttempt;
    private int lastAttemptCount;
    final long startNanos = System.nanoTime();
    /** When the current holder's channel arrived, and when its header did (System.nanoTime). */
    long channelNanos;
    long headerNanos;

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

    /** Forgets every byte (they did not verify, or will not be resumed). */
    void resetBytes() {
        if (sink != null) {
            sink.discard();
            sink = null;
        }
        received = 0;
        digest = Sha256.digest();
        contributors.clear();
        forgetHeader();
    }

    /** A size announced by a holder that then sent nothing is that holder's word only: drop it. */
    void forgetHeader() {
        if (received == 0) {
            size = -1;
            name = null;
            mime = null;
        }
    }
}
