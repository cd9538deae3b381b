package ephemeral.peer.transfer;

import ephemeral.peer.rtc.Channel;
import ephemeral.peer.rtc.Link;
import ephemeral.peer.store.Body;
import ephemeral.peer.store.Page;
import ephemeral.peer.transfer.Exclusions.Fault;
import ephemeral.protocol.Ids;
import ephemeral.protocol.Sha256;
import ephemeral.protocol.Timeouts;
import ephemeral.protocol.signaling.ClientMessage;
import ephemeral.protocol.transfer.TransferMessage;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wanter (docs/protocol.md §2, "Wanter"): sends {@code want}, learns the chosen holder from
 * {@code routed}, takes the channel that holder opens and hands it to a {@link Receiver}. A page of
 * {@link #SEVERAL_FROM} bytes or more is asked of up to {@code lanes} holders at once, each for its own
 * range ("Several holders"). A holder that stays silent, stalls, answers with an error, lies or breaks the
 * protocol is given up on, and the page is wanted again after a backoff with that holder excluded (see
 * {@link Exclusions}); what it sent is kept. A want nobody was routed to is pending at the server, which
 * routes it when a holder arrives: nothing polls. Runs on the owner's executor.
 */
public final class Fetching implements Receiver.Outcome {
    private static final Logger LOG = LoggerFactory.getLogger(Fetching.class);
    /**
     * Wants in flight at once; more fetches wait their turn. Pinning a thousand pages from one holder
     * must not turn into a thousand simultaneous requests it can only refuse.
     */
    static final int MAX_ACTIVE = 16;
    /** Pages this big are fetched from several holders at once (the size at which they go to disk, too). */
    static final long SEVERAL_FROM = Body.ON_DISK_FROM;
    /** A lane's range is split for a newcomer only if both halves get at least this much. */
    static final long MIN_RANGE = 1 << 20;
    /** Ranges start on this boundary (the holders' message size). */
    private static final long ALIGN = PageSender.CHUNK;

    private final Consumer<ClientMessage> signaling;
    private final Counters counters;
    private final long maxPageBytes;
    private final Spool spool;
    private final long stallNanos;
    private final int maxLanes;
    private final Executor owner;
    private final Executor background;
    private final Map<String, Fetch> fetches = new HashMap<>();
    private final ArrayDeque<Fetch> queued = new ArrayDeque<>();
    private int active;
    private int maxExclude = 64;
    /** Why the connection to a peer has not come up, in words, or null when nothing says so. */
    private Function<String, String> linkTrouble = peer -> null;

    /**
     * @param maxLanes   holders a big page is asked of at once (1: one at a time)
     * @param owner      the executor this runs on
     * @param background where a page's bytes are read back and hashed (off the owner's thread)
     */
    public Fetching(Consumer<ClientMessage> signaling, Counters counters, long maxPageBytes, Spool spool,
                    long stallMillis, int maxLanes, Executor owner, Executor background) {
        this.signaling = signaling;
        this.counters = counters;
        this.maxPageBytes = maxPageBytes;
        this.spool = spool;
        this.stallNanos = TimeUnit.MILLISECONDS.toNanos(stallMillis);
        this.maxLanes = maxLanes;
        this.owner = owner;
        this.background = background;
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
        if (f.verifying) {
            return Optional.of("checking the page's hash");
        }
        if (f.locating != null) {
            return Optional.of("the page from several holders did not verify: asking another holder for digests of their ranges");
        }
        List<Lane> receiving = f.lanes.stream().filter(l -> l.channel != null).toList();
        if (receiving.size() > 1) {
            return Optional.of("receiving from " + receiving.size() + " holders ("
                    + receiving.stream().map(l -> Fetch.shortId(l.holder)).collect(Collectors.joining(", ")) + ")");
        }
        if (receiving.size() == 1) {
            Lane l = receiving.get(0);
            String who = "holder " + Fetch.shortId(l.holder);
            String via = l.channel.link().route().isEmpty() ? "" : " (" + l.channel.link().route() + ")";
            return Optional.of(l.headerSeen ? "receiving from " + who + via
                    : "connected to " + who + via + ", waiting for its header");
        }
        if (!f.lanes.isEmpty()) {
            Lane l = f.lanes.get(0);
            String who = "holder " + Fetch.shortId(l.holder);
            return Optional.of(l.answered ? who + " answered, connecting" : "asked " + who + ", no answer yet");
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

    /** A link failed: a lane waiting for that holder's channel gives up on it now, saying why. */
    public void onLinkFailed(String peer, String why) {
        for (Fetch f : List.copyOf(fetches.values())) {
            Lane l = f.lane(peer);
            if (l != null && l.channel == null) {
                failed(f, l, "could not connect: " + why, Fault.UNREACHABLE);
            }
        }
    }

    /**
     * The server refused our want with {@code unavailable} (a cluster node that cannot reach its Redis):
     * want again after the retry pause, as after a failed attempt.
     */
    public void onUnavailable(String hash) {
        Fetch f = fetches.get(hash);
        if (f != null && f.wantOut) {
            f.wantOut = false;
            f.failures++;
            backOff(f);
        }
    }

    /** The next want of {@code f} goes out after the retry pause its failures so far have earned. */
    private static void backOff(Fetch f) {
        f.nextWantNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timeouts.retryDelayMs(f.failures));
    }

    /** Only a holder the server routed us to may offer a connection for a page, and only while we wait for it. */
    public boolean expectsOffer(String from, String hash) {
        Fetch f = fetches.get(hash);
        Lane l = f == null ? null : f.lane(from);
        return l != null && l.channel == null;
    }

    /** After a reconnect: every fetch is wanted again at once under the new peer id (old ids are void). */
    public void rewantAll() {
        for (Fetch f : fetches.values()) {
            f.exclusions.clear();
            f.lanes.removeIf(l -> l.channel == null);
            f.wantOut = false;
            if (wantsLane(f)) {
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
        if (f == null) {
            return;
        }
        f.wantOut = false;
        Lane known = f.lane(holder);
        if (known != null) {
            known.routed = true; // its channel came first, on a connection it reused
        } else if (wantsLane(f)) {
            f.lanes.add(new Lane(holder, true, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timeouts.ROUTED_WAIT_MS)));
            more(f); // the next holder is asked while this one connects
        }
    }

    /** Any relayed signal: the first one from a routed holder shows it is alive and connecting. */
    public void onSignal(String from, String hash) {
        Fetch f = fetches.get(hash);
        Lane l = f == null ? null : f.lane(from);
        if (l != null && l.channel == null && !l.answered) {
            l.answered = true;
            l.waitUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timeouts.CONNECT_MS);
        }
    }

    /** A channel a holder opened: bound to the fetch its protocol names (or, failing that, its link's page). */
    public void onRemoteChannel(Link link, Channel ch) {
        String hash = ch.protocol();
        Fetch f = fetches.get(Ids.isHash(hash) ? hash : inferHash(link));
        String from = link.remotePeer();
        Lane lane = f == null ? null : f.lane(from);
        if (f != null && lane == null && f.started && wantsLane(f)) {
            // a channel before its routed (a reused connection is quick), or late from a holder given up on:
            // as good as the next want's
            lane = new Lane(from, false, 0);
            f.lanes.add(lane);
        }
        if (lane == null || lane.channel != null || !assign(f, lane)) {
            LOG.debug("closing an unexpected channel from {}", from);
            if (lane != null && lane.channel == null) {
                f.lanes.remove(lane);
            }
            ch.close();
            return;
        }
        lane.channel = ch;
        lane.lastProgressNanos = System.nanoTime();
        if (!wantsLane(f)) {
            f.nextWantNanos = 0; // a late channel from an earlier holder is as good as the next want's
        }
        Receiver receiver = new Receiver(f, lane, maxPageBytes, spool, counters, this);
        ch.setListener(receiver);
        if (ch.isOpen() && !receiver.ask(ch)) {
            failed(f, lane, "could not send its request", Fault.REFUSED);
        }
    }

    /**
     * Gives a lane whose channel came its range: the whole page while its size is unknown, else the
     * lowest range nobody is asked for, else the back half of the range with most left to come. False
     * when there is nothing worth asking this holder for. While a failed try from several holders is being
     * located, the holder is asked for the digests of the pieces the others sent instead.
     */
    private boolean assign(Fetch f, Lane lane) {
        if (f.locating != null) {
            lane.queried = f.locating.stream().filter(p -> !p.holder().equals(lane.holder)).toList();
            return true;
        }
        if (f.size < 0) {
            if (f.lanes.stream().anyMatch(l -> l.channel != null)) {
                return false; // one holder at a time until a header tells the size
            }
            lane.start = 0;
            lane.end = -1;
        } else if (!f.gaps.isEmpty()) {
            long[] g = f.gaps.remove(0);
            lane.start = g[0];
            lane.end = g[1];
        } else {
            Lane victim = splittable(f);
            if (victim == null) {
                return false;
            }
            long mid = victim.pos + (victim.remaining() / 2) / ALIGN * ALIGN;
            lane.start = mid;
            lane.end = victim.end;
            victim.end = mid;
        }
        lane.pos = lane.start;
        lane.asked = lane.end >= 0 && lane.end < f.size ? lane.end : null;
        return true;
    }

    /** The receiving lane with the most left to come, if a newcomer could take half of it. */
    private static Lane splittable(Fetch f) {
        Lane best = null;
        for (Lane l : f.lanes) {
            if (l.channel != null && l.remaining() >= 2 * MIN_RANGE && (best == null || l.remaining() > best.remaining())) {
                best = l;
            }
        }
        return best;
    }

    /** Whether another holder would get something to send: a free range, or half of a long one. */
    private boolean wantsLane(Fetch f) {
        if (!f.started || f.verifying || f.result.isDone()) {
            return false;
        }
        if (f.locating != null) {
            return f.lanes.isEmpty(); // one holder's digests at a time
        }
        if (f.size < 0) {
            return f.lanes.isEmpty();
        }
        int lanes = f.resumable && f.size >= SEVERAL_FROM ? maxLanes : 1;
        if (f.lanes.size() >= lanes) {
            return false;
        }
        long waiting = f.lanes.stream().filter(l -> l.channel == null).count();
        return f.gaps.size() > waiting || splittable(f) != null;
    }

    /** Asks for one more holder when one would help and no want is already on its way. */
    private void more(Fetch f) {
        if (!f.wantOut && f.nextWantNanos == 0 && wantsLane(f)) {
            want(f);
        }
    }

    /** Periodic: deadlines, silent holders, stalls, and wants whose backoff is over. */
    public void tick() {
        long now = System.nanoTime();
        for (Fetch f : List.copyOf(fetches.values())) {
            if (now - f.deadlineNanos > 0) {
                finish(f, null, new TimeoutException(timeoutMessage(f)));
                continue;
            }
            for (Lane l : List.copyOf(f.lanes)) {
                if (!f.lanes.contains(l)) {
                    continue; // a conflict ended it with another lane
                }
                if (l.channel != null && l.queried != null) {
                    // the holder reads every byte asked about before it answers
                    long wait = Timeouts.digestWaitMs(l.queried.stream().mapToLong(p -> p.to() - p.from()).sum());
                    if (now - l.lastProgressNanos > Math.max(stallNanos, TimeUnit.MILLISECONDS.toNanos(wait))) {
                        failed(f, l, "no digests within " + wait / 1000.0 + " s", Fault.STALLED);
                    }
                } else if (l.channel != null) {
                    if (now - l.lastProgressNanos > stallNanos) {
                        failed(f, l, "stalled: nothing received for " + stallNanos / 1_000_000_000.0 + " s", Fault.STALLED);
                    }
                } else if (now - l.waitUntilNanos > 0) {
                    // it answered but no path came up: say what the connection knows (a refused relay, no
                    // relay); still a silent holder to the server, which cannot tell a hostile one from a bad network
                    String trouble = l.answered ? linkTrouble.apply(l.holder) : null;
                    failed(f, l, trouble != null ? "no connection within " + Timeouts.CONNECT_MS / 1000 + " s: " + trouble
                            : l.answered ? "answered, but opened no channel within " + Timeouts.CONNECT_MS / 1000 + " s"
                            : "did not answer within " + Timeouts.ROUTED_WAIT_MS / 1000 + " s", Fault.SILENT);
                }
            }
            if (f.nextWantNanos != 0 && now - f.nextWantNanos >= 0) {
                f.nextWantNanos = 0;
                if (wantsLane(f)) {
                    want(f);
                }
            }
        }
    }

    public void cancelAll(Throwable why) {
        for (Fetch f : List.copyOf(fetches.values())) {
            finish(f, null, why);
        }
    }

    @Override
    public void sized(Fetch f) {
        more(f);
    }

    @Override
    public void rangeDone(Fetch f, Lane lane) {
        end(f, lane);
        if (f.received == f.size) {
            verify(f);
        } else {
            // a want pending at the server still leaves this holder out: send it again without it
            f.wantOut = false;
            more(f);
        }
    }

    @Override
    public void broken(Fetch f, IOException e) {
        LOG.warn("page {}…: cannot store what arrives: {}", f.hash.substring(0, 12), e.toString());
        finish(f, null, new IOException("cannot store page " + f.hash + ": " + e.getMessage(), e));
    }

    /** Gives up on a lane's holder, keeps what it sent, and asks another after the backoff. */
    @Override
    public void failed(Fetch f, Lane lane, String why, Fault fault) {
        LOG.info("page {}…: holder {} {}; asking another", f.hash.substring(0, 12), Fetch.shortId(lane.holder), why);
        counters.holdersAbandoned.incrementAndGet();
        f.attempt(lane.holder, why);
        blame(f, lane.holder, lane.routed, fault);
        end(f, lane);
        if (lane.queried != null) {
            fallBack(f); // no digests to go by: the page from one holder, as before digests existed
        } else if (fault == Fault.CONFLICT || !f.resumable) {
            // holders disagree: any of them may have lied, so from now on every try starts at 0 with one
            // holder, and a mismatch then names exactly one liar
            f.resumable &= fault != Fault.CONFLICT;
            restart(f);
        } else if (f.received == 0 && f.lanes.stream().noneMatch(l -> l.channel != null)) {
            f.resetBytes(); // a size announced by holders that then sent nothing is their word only
        }
        f.failures++;
        // a silent holder already cost a clock's wait, pause enough; the backoff is for holders that fail at
        // once, which would otherwise be asked again in a loop
        if (fault == Fault.SILENT) {
            f.nextWantNanos = 0;
            f.wantOut = false;
            if (wantsLane(f)) {
                want(f);
            }
        } else {
            backOff(f);
        }
    }

    private void blame(Fetch f, String holder, boolean routed, Fault fault) {
        boolean wasLiar = f.exclusions.isLiar(holder);
        f.exclusions.blame(holder, fault);
        if (!wasLiar && f.exclusions.isLiar(holder)) {
            counters.liar(holder);
        }
        if (fault.reason() != null && routed) {
            // the server weighs reports of several wanters; one wanter's word alone changes nothing
            signaling.accept(new ClientMessage.Report(f.hash, holder, fault.reason()));
        }
    }

    /** Takes a lane out: what it received is kept (a piece), what it did not goes back among the gaps. */
    private void end(Fetch f, Lane lane) {
        f.lanes.remove(lane);
        if (lane.pos > lane.start) {
            f.pieces.add(new Fetch.Piece(lane.holder, lane.routed, lane.start, lane.pos, lane.digest.digest()));
        }
        if (lane.end >= 0 && f.size >= 0) {
            f.gap(lane.pos, lane.end);
        }
        Channel ch = lane.channel;
        lane.channel = null;
        if (ch != null) {
            ch.setListener(null);
            ch.close();
        }
    }

    /** Forgets every byte and every lane (no blame): the next try starts at 0. */
    private void restart(Fetch f) {
        for (Lane l : List.copyOf(f.lanes)) {
            if (l.channel != null) {
                end(f, l);
            }
        }
        f.resetBytes();
    }

    /**
     * Every byte is here: hashes what was not hashed as it came (the ranges behind the first) off the owner's
     * thread, and if a try from several holders failed before, the same ranges of this page, to name who lied.
     */
    private void verify(Fetch f) {
        f.verifying = true;
        f.nextWantNanos = 0;
        Sink sink = f.sink;
        long size = f.size;
        long from = f.hashedTo;
        MessageDigest digest = f.digest;
        List<Fetch.Piece> suspects = f.suspects;
        background.execute(() -> {
            String actual;
            List<Fetch.Piece> lied = new ArrayList<>();
            try {
                sink.digest(digest, from, size);
                actual = Sha256.hex(digest.digest());
                if (actual.equals(f.hash)) {
                    for (Fetch.Piece p : suspects) {
                        MessageDigest d = Sha256.digest();
                        sink.digest(d, p.from(), p.to());
                        if (!Arrays.equals(d.digest(), p.sha256())) {
                            lied.add(p);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                owner.execute(() -> {
                    if (f.sink == sink && !f.result.isDone()) {
                        broken(f, e instanceof IOException io ? io : new IOException(e));
                    }
                });
                return;
            }
            owner.execute(() -> {
                if (f.sink == sink && !f.result.isDone()) {
                    verified(f, actual, lied);
                }
            });
        });
    }

    private void verified(Fetch f, String actual, List<Fetch.Piece> lied) {
        f.verifying = false;
        Set<String> contributors = f.contributors();
        if (!actual.equals(f.hash)) {
            counters.verifyFailures.incrementAndGet();
            String why = "bytes do not match the hash (got " + actual + ")";
            f.failures++;
            if (contributors.size() == 1) {
                Fetch.Piece p = f.pieces.get(0);
                LOG.info("page {}…: holder {} {}; asking another", f.hash.substring(0, 12), Fetch.shortId(p.holder()), why);
                f.attempt(p.holder(), why);
                blame(f, p.holder(), p.routed(), Fault.BAD_BYTES);
                f.resetBytes();
            } else if (!f.located && f.size >= SEVERAL_FROM && f.pieces.size() <= TransferMessage.MAX_DIGEST_RANGES) {
                // several holders' bytes: any of them may have lied. The bytes are kept, and the next holder is
                // asked for the digests of the ranges it did not send: the ranges it disputes are fetched again
                // from others (see digests)
                LOG.info("page {}…: bytes from {} holders do not match the hash; asking another holder for digests of their ranges",
                        f.hash.substring(0, 12), contributors.size());
                f.attempt(null, why + " (bytes from " + contributors.size() + " holders); asking another for digests");
                f.located = true;
                f.locating = List.copyOf(f.pieces);
            } else {
                // One holder sends the page again; its ranges are then held against these, and whoever sent a
                // range that differs lied
                LOG.info("page {}…: bytes from {} holders do not match the hash; fetching it again from one",
                        f.hash.substring(0, 12), contributors.size());
                f.attempt(null, why + " (bytes from " + contributors.size() + " holders)");
                fallBack(f);
            }
            backOff(f);
            return;
        }
        Set<String> blamed = new LinkedHashSet<>();
        for (Fetch.Piece p : lied) {
            LOG.warn("page {}…: holder {} sent bytes {}–{} that are not the page's", f.hash.substring(0, 12),
                    Fetch.shortId(p.holder()), p.from(), p.to());
            if (blamed.add(p.holder())) {
                blame(f, p.holder(), p.routed(), Fault.BAD_BYTES);
            }
        }
        Body body;
        try {
            body = f.sink.finish(f.size);
        } catch (IOException e) {
            broken(f, e);
            return;
        }
        f.sink = null; // the page owns the bytes now
        counters.pagesFetched.incrementAndGet();
        long now = System.nanoTime();
        LOG.info("page {}…: {} bytes verified from {} in {} ms, {} MB/s", f.hash.substring(0, 12), f.size,
                contributors.stream().map(Fetch::shortId).collect(Collectors.joining(", ")),
                (now - f.startNanos) / 1_000_000,
                String.format("%.1f", f.size / Math.max(1e-3, (now - f.startNanos) / 1e9) / 1e6));
        finish(f, new Page(f.hash, body, f.name, f.mime), null);
    }

    /**
     * A holder's digests of the ranges others sent in the try that failed. A range whose digest differs is in
     * doubt (its sender or this holder lied); if none differs, or the ranges of several senders do, this
     * holder's own ranges are (one liar is assumed: it cannot have sent all of those). The ranges in
     * doubt are dropped and fetched again from holders other than their senders, the rest is kept, and what
     * each holder said (bytes or digests) is held against the page once it verifies: whoever said otherwise
     * lied. With an honest digest holder a lie costs the liar's ranges once more.
     */
    @Override
    public void digests(Fetch f, Lane lane, List<String> sha256) {
        List<Fetch.Piece> asked = lane.queried;
        lane.queried = null; // answered: closing its channel is no failure
        end(f, lane);
        f.locating = null;
        List<Fetch.Piece> claims = new ArrayList<>();
        Set<String> doubted = new LinkedHashSet<>();
        for (int i = 0; i < asked.size(); i++) {
            Fetch.Piece p = asked.get(i);
            byte[] d = HexFormat.of().parseHex(sha256.get(i));
            claims.add(new Fetch.Piece(lane.holder, lane.routed, p.from(), p.to(), d));
            if (!Arrays.equals(d, p.sha256())) {
                doubted.add(p.holder());
            }
        }
        f.suspects = Stream.of(f.suspects, f.pieces, claims).flatMap(List::stream).toList();
        if (doubted.size() != 1) {
            // it agrees with every range but its own, or it disputes several holders' (one liar cannot have
            // sent all of those): its own ranges are in doubt
            doubted = Set.of(lane.holder);
        }
        if (!f.contributors().containsAll(doubted)) {
            LOG.info("page {}…: holder {}'s digests locate no range; fetching the page again from one holder",
                    f.hash.substring(0, 12), Fetch.shortId(lane.holder));
            fallBack(f);
            backOff(f);
            return;
        }
        long again = 0;
        for (Fetch.Piece p : List.copyOf(f.pieces)) {
            if (doubted.contains(p.holder())) {
                f.pieces.remove(p);
                f.received -= p.to() - p.from();
                f.gap(p.from(), p.to());
                again += p.to() - p.from();
            }
        }
        f.exclusions.doubt(doubted); // their bytes are asked of others, not of them
        f.digest = Sha256.digest(); // ranges below the old hashed prefix change: hash the whole again
        f.hashedTo = 0;
        LOG.info("page {}…: holder {}'s digests put the ranges of {} in doubt; fetching those {} bytes from others",
                f.hash.substring(0, 12), Fetch.shortId(lane.holder),
                doubted.stream().map(Fetch::shortId).collect(Collectors.joining(", ")), again);
        f.wantOut = false;
        f.nextWantNanos = 0;
        more(f);
    }

    /** From now on one holder at a time, from 0; every range held so far is held against the page once it verifies. */
    private static void fallBack(Fetch f) {
        f.locating = null;
        f.suspects = Stream.concat(f.suspects.stream(), f.pieces.stream()).toList();
        f.exclusions.clearDoubts();
        f.resumable = false;
        f.resetBytes();
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
        f.wantOut = true;
        // the holders already asked are left out too, so each lane gets its own
        Set<String> exclude = Stream.concat(f.lanes.stream().map(l -> l.holder), f.exclusions.forWant(maxExclude).stream())
                .distinct().limit(maxExclude).collect(Collectors.toCollection(LinkedHashSet::new));
        signaling.accept(new ClientMessage.Want(f.hash, exclude));
    }

    private String inferHash(Link link) {
        // A holder that does not set the channel protocol: the link's own page, else the one wanted page
        // this holder was routed for.
        Fetch own = fetches.get(link.sessionHash());
        if (own != null) {
            return own.hash;
        }
        for (Fetch f : fetches.values()) {
            Lane l = f.lane(link.remotePeer());
            if (l != null && l.channel == null) {
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
        for (Lane l : List.copyOf(f.lanes)) {
            end(f, l);
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
