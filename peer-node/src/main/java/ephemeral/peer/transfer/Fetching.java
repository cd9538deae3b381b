package ephemeral.peer.transfer;

import ephemeral.peer.rtc.Channel;
import ephemeral.peer.rtc.Link;
import ephemeral.peer.store.Page;
import ephemeral.peer.transfer.Exclusions.Fault;
import ephemeral.protocol.Ids;
import ephemeral.protocol.Timeouts;
import ephemeral.protocol.signaling.ClientMessage;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wanter's retry loop (docs/protocol.md §2, "Wanter"): sends {@code want}, learns the chosen holder
 * from {@code routed}, takes the channel that holder opens and hands it to a {@link Receiver}. A holder
 * that stays silent, stalls, answers with an error, lies or breaks the protocol is given up on, and the
 * page is wanted again after a backoff with that holder excluded (see {@link Exclusions}). A want nobody
 * was routed to is pending at the server, which routes it when a holder arrives: nothing polls.
 * Runs on the owner's executor.
 */
public final class Fetching implements Receiver.Outcome {
    private static final Logger LOG = LoggerFactory.getLogger(Fetching.class);
    /**
     * Wants in flight at once; more fetches wait their turn. Pinning a thousand pages from one holder
     * must not turn into a thousand simultaneous requests it can only refuse.
     */
    static final int MAX_ACTIVE = 16;

    private final Consumer<ClientMessage> signaling;
    private final Counters counters;
    private final long maxPageBytes;
    private final Spool spool;
    private final long stallNanos;
    private final Map<String, Fetch> fetches = new HashMap<>();
    private final ArrayDeque<Fetch> queued = new ArrayDeque<>();
    private int active;
    private int maxExclude = 64;
    /** Why the connection to a peer has not come up, in words, or null when nothing says so. */
    private Function<String, String> linkTrouble = peer -> null;

    public Fetching(Consumer<ClientMessage> signaling, Counters counters, long maxPageBytes, Spool spool,
                    long stallMillis) {
        this.signaling = signaling;
        this.counters = counters;
        this.maxPageBytes = maxPageBytes;
        this.spool = spool;
        this.stallNanos = TimeUnit.MILLISECONDS.toNanos(stallMillis);
    }

    public void setLinkTrouble(Function<String, String> linkTrouble) {
        this.linkTrouble = linkTrouble;
    }

    public void setMaxExclude(int maxExclude) {
        this.maxExclude = maxExclude;
    }

    /** Starts (or joins) a fetch. {@code hold}: the caller will hold the page, so no {@code unwant} follows. */
    public CompletableFuture<Page> fetch(String hash, boolean hold, long timeoutMillis) {
        Fetch f = fetches.get(hash);
        if (f == null) {
            f = new Fetch(hash, hold, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
            fetches.put(hash, f);
            if (active < MAX_ACTIVE) {
                begin(f);
            } else {
                queued.add(f);
            }
        } else {
            f.hold |= hold;
        }
        return f.result;
    }

    /** (received, size) of a fetch in progress; size is -1 before the header. */
    public Optional<long[]> progress(String hash) {
        Fetch f = fetches.get(hash);
        return f == null ? Optional.empty() : Optional.of(new long[] {f.received, f.size});
    }

    /**
     * What a fetch waits for now, in words ("asked holder 3f2a…, no answer yet"): what {@code get} shows
     * while it waits, so a wait is never a bare spinner.
     */
    public Optional<String> status(String hash) {
        Fetch f = fetches.get(hash);
        if (f == null) {
            return Optional.empty();
        }
        String who = f.holder == null ? null : "holder " + Fetch.shortId(f.holder);
        if (f.channel != null) {
            String via = f.channel.link().route().isEmpty() ? "" : " (" + f.channel.link().route() + ")";
            return Optional.of(f.size < 0 ? "connected to " + who + via + ", waiting for its header"
                    : "receiving from " + who + via);
        }
        if (who != null) {
            return Optional.of(f.answered ? who + " answered, connecting" : "asked " + who + ", no answer yet");
        }
        if (!f.started) {
            return Optional.of("waiting for other fetches to finish");
        }
        if (f.holdersOnline == 0) {
            return Optional.of("no one holds this page right now (0 online); waiting for a holder to come online");
        }
        String last = f.attempts.isEmpty() ? "" : " (last: " + f.attempts.get(f.attempts.size() - 1) + ")";
        return Optional.of(f.nextWantNanos != 0 ? "asking another holder shortly" + last
                : "waiting for the server to pick a holder" + (f.holdersOnline > 0 ? " (" + f.holdersOnline + " online)" : "") + last);
    }

    /** A link failed: a fetch waiting for that holder's channel gives up on it now, saying why. */
    public void onLinkFailed(String peer, String why) {
        for (Fetch f : List.copyOf(fetches.values())) {
            if (f.channel == null && peer.equals(f.holder)) {
                failed(f, "could not connect: " + why, Fault.UNREACHABLE);
            }
        }
    }

    /**
     * The server refused our want with {@code unavailable} (a cluster node that cannot reach its Redis):
     * want again after the retry pause, as after a failed attempt.
     */
    public void onUnavailable(String hash) {
        Fetch f = fetches.get(hash);
        if (f != null && f.started && f.channel == null && f.holder == null) {
            f.failures++;
            backOff(f);
        }
    }

    /** The next want of {@code f} goes out after the retry pause its failures so far have earned. */
    private static void backOff(Fetch f) {
        f.nextWantNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timeouts.retryDelayMs(f.failures));
    }

    /** Only the holder the server routed us to may offer a connection for a page, and only while we wait. */
    public boolean expectsOffer(String from, String hash) {
        Fetch f = fetches.get(hash);
        return f != null && f.channel == null && from.equals(f.holder);
    }

    /** After a reconnect: every waiting fetch is wanted again at once under the new peer id (old ids are void). */
    public void rewantAll() {
        for (Fetch f : fetches.values()) {
            f.exclusions.clear();
            if (f.started && f.channel == null) {
                want(f);
            }
        }
    }

    /** The server's {@code peers} count for a page. */
    public void onPeers(String hash, long holders) {
        Optional.ofNullable(fetches.get(hash)).ifPresent(f -> {
            f.exclusions.holders(holders);
            f.holdersOnline = holders;
        });
    }

    /** The server routed our want to {@code holder}: it has {@code ROUTED_WAIT_MS} to answer. */
    public void onRouted(String hash, String holder) {
        Fetch f = fetches.get(hash);
        if (f != null && f.channel == null) {
            f.holder = holder;
            f.routedHolder = holder;
            f.answered = false;
            f.waitUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timeouts.ROUTED_WAIT_MS);
        }
    }

    /** Any relayed signal: the first one from the routed holder shows it is alive and connecting. */
    public void onSignal(String from, String hash) {
        Fetch f = fetches.get(hash);
        if (f != null && f.channel == null && !f.answered && from.equals(f.holder)) {
            f.answered = true;
            f.waitUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timeouts.CONNECT_MS);
        }
    }

    /** A channel a holder opened: bound to the fetch its protocol names (or, failing that, its link's page). */
    public void onRemoteChannel(Link link, Channel ch) {
        String hash = ch.protocol();
        Fetch f = fetches.get(Ids.isHash(hash) ? hash : inferHash(link));
        if (f == null || f.channel != null || !f.started) {
            LOG.debug("closing an unexpected channel from {}", link.remotePeer());
            ch.close();
            return;
        }
        f.channel = ch;
        f.holder = link.remotePeer();
        f.headerSeen = false;
        f.nextWantNanos = 0; // a late channel from an earlier holder is as good as the next want's
        f.lastProgressNanos = System.nanoTime();
        f.channelNanos = f.lastProgressNanos;
        Receiver receiver = new Receiver(f, maxPageBytes, spool, counters, this);
        ch.setListener(receiver);
        if (ch.isOpen() && !receiver.ask(ch)) {
            failed(f, "could not send get", Fault.REFUSED);
        }
    }

    /** Periodic: deadlines, silent holders, stalls, and wants whose backoff is over. */
    public void tick() {
        long now = System.nanoTime();
        for (Fetch f : List.copyOf(fetches.values())) {
            if (now - f.deadlineNanos > 0) {
                finish(f, null, new TimeoutException(timeoutMessage(f)));
            } else if (f.channel != null) {
                if (now - f.lastProgressNanos > stallNanos) {
                    failed(f, "stalled: nothing received for " + stallNanos / 1_000_000_000.0 + " s", Fault.STALLED);
                }
            } else if (f.holder != null && now - f.waitUntilNanos > 0) {
                // it answered but no path came up: say what the connection knows (a refused relay, no relay);
                // still a silent holder to the server, which cannot tell a hostile one from a bad network
                String trouble = f.answered ? linkTrouble.apply(f.holder) : null;
                failed(f, trouble != null ? "no connection within " + Timeouts.CONNECT_MS / 1000 + " s: " + trouble
                        : f.answered ? "answered, but opened no channel within " + Timeouts.CONNECT_MS / 1000 + " s"
                        : "did not answer within " + Timeouts.ROUTED_WAIT_MS / 1000 + " s", Fault.SILENT);
            } else if (f.nextWantNanos != 0 && now - f.nextWantNanos >= 0) {
                want(f);
            }
        }
    }

    public void cancelAll(Throwable why) {
        for (Fetch f : List.copyOf(fetches.values())) {
            finish(f, null, why);
        }
    }

    @Override
    public void verified(Fetch f, Page page) {
        long now = System.nanoTime();
        Channel ch = f.channel;
        String route = ch == null || ch.link().route().isEmpty() ? "" : " (" + ch.link().route() + ")";
        LOG.info("page {}…: {} bytes verified from holder {}{} in {} ms; first byte {} ms after its channel opened, {} MB/s",
                f.hash.substring(0, 12), page.size(), Fetch.shortId(f.holder), route, (now - f.startNanos) / 1_000_000,
                (f.headerNanos - f.channelNanos) / 1_000_000,
                String.format("%.1f", page.size() / Math.max(1e-3, (now - f.headerNanos) / 1e9) / 1e6));
        finish(f, page, null);
    }

    @Override
    public void broken(Fetch f, IOException e) {
        LOG.warn("page {}…: cannot store what arrives: {}", f.hash.substring(0, 12), e.toString());
        finish(f, null, new IOException("cannot store page " + f.hash + ": " + e.getMessage(), e));
    }

    /** Gives up on the current holder and schedules the next want after the backoff. */
    @Override
    public void failed(Fetch f, String why, Fault fault) {
        LOG.info("page {}…: holder {} {}; asking another", f.hash.substring(0, 12), Fetch.shortId(f.holder), why);
        counters.holdersAbandoned.incrementAndGet();
        f.attempt(f.holder, why);
        if (f.holder != null) {
            f.exclusions.blame(f.holder, fault);
            if (fault.reason() != null && f.holder.equals(f.routedHolder)) {
                // the server weighs reports of several wanters; one wanter's word alone changes nothing
                signaling.accept(new ClientMessage.Report(f.hash, f.holder, fault.reason()));
            }
        }
        if (fault == Fault.CONFLICT || fault == Fault.BAD_BYTES) {
            // several holders' bytes that do not verify: any of them may have lied, so from now on every
            // try starts at 0 with one holder, and a mismatch then names exactly one liar
            f.resumable &= fault != Fault.CONFLICT;
            f.resetBytes();
        } else if (!f.resumable) {
            f.resetBytes();
        } else {
            f.forgetHeader();
        }
        Channel ch = f.channel;
        f.channel = null;
        f.holder = null;
        f.headerSeen = false;
        if (ch != null) {
            ch.setListener(null);
            ch.close();
        }
        f.failures++;
        // a silent holder already cost a clock's wait, pause enough; the backoff is for holders that fail at
        // once, which would otherwise be asked again in a loop
        if (fault == Fault.SILENT) {
            want(f);
        } else {
            backOff(f);
        }
    }

    /** Why a fetch ran out of time, in words: nobody online, or what each holder tried did. */
    private static String timeoutMessage(Fetch f) {
        String took = String.format("%.1f s", (System.nanoTime() - f.startNanos) / 1e9);
        if (f.attempts.isEmpty()) {
            return f.holdersOnline <= 0
                    ? "no one holds page " + f.hash + " right now (0 online); waited " + took
                    : "no holder delivered page " + f.hash + " in " + took + " (" + f.holdersOnline + " online)";
        }
        return "no holder delivered page " + f.hash + " in " + took + "; tried " + String.join("; ", f.attempts);
    }

    private void begin(Fetch f) {
        f.started = true;
        active++;
        want(f);
    }

    private void want(Fetch f) {
        f.nextWantNanos = 0;
        f.holder = null;
        f.routedHolder = null;
        signaling.accept(new ClientMessage.Want(f.hash, new LinkedHashSet<>(f.exclusions.forWant(maxExclude))));
    }

    private String inferHash(Link link) {
        // A holder that does not set the channel protocol: the link's own page, else the one wanted page
        // this holder was routed for.
        Fetch own = fetches.get(link.sessionHash());
        if (own != null && own.channel == null) {
            return own.hash;
        }
        for (Fetch f : fetches.values()) {
            if (f.channel == null && link.remotePeer().equals(f.holder)) {
                return f.hash;
            }
        }
        return null;
    }

    private void finish(Fetch f, Page page, Throwable error) {
        fetches.remove(f.hash);
        queued.remove(f);
        if (f.started) {
            active--;
            while (active < MAX_ACTIVE && !queued.isEmpty()) {
                begin(queued.poll());
            }
        }
        Channel ch = f.channel;
        f.channel = null;
        if (ch != null) {
            ch.setListener(null);
            ch.close();
        }
        if (f.started && (page == null || !f.hold)) {
            signaling.accept(new ClientMessage.Unwant(f.hash));
        }
        if (page != null) {
            f.result.complete(page);
        } else {
            f.resetBytes();
            f.result.completeExceptionally(error);
        }
    }
}
