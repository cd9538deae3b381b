package ephemeral.peer.transfer;

import ephemeral.peer.rtc.Channel;
import ephemeral.peer.rtc.Link;
import ephemeral.peer.signaling.ClientMessage;
import ephemeral.peer.store.Hashes;
import ephemeral.peer.store.Page;
import ephemeral.peer.transfer.Exclusions.Fault;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wanter side of docs/protocol.md §2. Sends {@code want}, takes the channel the chosen holder
 * opens, asks with {@code get}, receives and verifies. A holder that does not open a channel in time,
 * stalls, sends too much, sends garbage or sends bytes that do not verify is given up on and the page
 * is wanted again with it excluded (see {@link Exclusions}). Runs on the owner's executor.
 */
public final class Fetching {
    private static final Logger LOG = LoggerFactory.getLogger(Fetching.class);
    /** Re-send a want that got no holder at all (nothing routed, or the holder never answered). */
    private static final long REWANT_MILLIS = 10_000;
    /** A holder that said {@code busy} is asked again after this long. */
    private static final long BUSY_RETRY_MILLIS = 1_000;
    /**
     * Wants in flight at once; more fetches wait their turn. Pinning a thousand pages from one holder
     * must not turn into a thousand simultaneous requests it can only refuse.
     */
    static final int MAX_ACTIVE = 16;

    private final Consumer<ClientMessage> signaling;
    private final Counters counters;
    private final long maxPageBytes;
    private final long stallMillis;
    private final Map<String, Fetch> fetches = new HashMap<>();
    private final java.util.ArrayDeque<Fetch> queued = new java.util.ArrayDeque<>();
    private int active;
    private int maxExclude = 64;

    public Fetching(Consumer<ClientMessage> signaling, Counters counters, long maxPageBytes, long stallMillis) {
        this.signaling = signaling;
        this.counters = counters;
        this.maxPageBytes = maxPageBytes;
        this.stallMillis = stallMillis;
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

    public boolean wants(String hash) {
        return fetches.containsKey(hash);
    }

    /** After a reconnect: every fetch in progress is wanted again under the new peer id (old ids are void). */
    public void rewantAll() {
        fetches.values().stream().filter(f -> f.started).forEach(f -> {
            f.exclusions.clear();
            want(f);
        });
    }

    /** The server's {@code peers} count for a page. */
    public void onPeers(String hash, long holders) {
        Optional.ofNullable(fetches.get(hash)).ifPresent(f -> f.exclusions.holders(holders));
    }

    private void begin(Fetch f) {
        f.started = true;
        active++;
        want(f);
    }

    /** A holder's offer for a wanted page: it is now this fetch's holder. */
    public void onOffer(String from, String hash) {
        Fetch f = fetches.get(hash);
        if (f != null && f.channel == null) {
            f.holder = from;
            f.lastProgressNanos = System.nanoTime();
        }
    }

    /** A channel a holder opened: bound to the fetch its protocol names (or, failing that, its link's page). */
    public void onRemoteChannel(Link link, Channel ch) {
        String hash = ch.protocol();
        if (!Hashes.isHash(hash)) {
            hash = inferHash(link);
        }
        Fetch f = hash == null ? null : fetches.get(hash);
        if (f == null || f.channel != null) {
            LOG.debug("closing an unexpected channel from {}", link.remotePeer());
            ch.close();
            return;
        }
        f.channel = ch;
        f.holder = link.remotePeer();
        f.headerSeen = false;
        f.lastProgressNanos = System.nanoTime();
        ch.setListener(new Receiver(f));
        if (ch.isOpen()) {
            ask(f, ch);
        }
    }

    /** Periodic: stalls, unanswered wants, deadlines. */
    public void tick() {
        long now = System.nanoTime();
        for (Fetch f : List.copyOf(fetches.values())) {
            if (now - f.deadlineNanos > 0) {
                finish(f, null, new TimeoutException("no holder delivered page " + f.hash + " in time"));
            } else if (f.holder != null && now - f.lastProgressNanos > TimeUnit.MILLISECONDS.toNanos(stallMillis)) {
                giveUp(f, "stalled", Fault.FAILED);
            } else if (f.started && f.holder == null
                    && now - f.lastWantNanos > TimeUnit.MILLISECONDS.toNanos(REWANT_MILLIS)) {
                want(f);
            }
        }
    }

    public void cancelAll(Throwable why) {
        for (Fetch f : List.copyOf(fetches.values())) {
            finish(f, null, why);
        }
    }

    private String inferHash(Link link) {
        // A holder that does not set the channel protocol: the link's own page, else the one wanted page
        // this holder was paired for.
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

    private void want(Fetch f) {
        f.lastWantNanos = System.nanoTime();
        signaling.accept(new ClientMessage.Want(f.hash, f.exclusions.forWant(maxExclude)));
    }

    private void ask(Fetch f, Channel ch) {
        f.lastProgressNanos = System.nanoTime();
        f.contributors.add(ch.remotePeer());
        if (!ch.sendText(TransferMessage.toJson(new TransferMessage.Get(f.hash, f.received)))) {
            giveUp(f, "could not send get", Fault.FAILED); // rather than waiting for a stall
        }
    }

    private void giveUp(Fetch f, String why, Fault fault) {
        LOG.info("giving up on holder {} for {}: {}", f.holder, f.hash, why);
        counters.holdersAbandoned.incrementAndGet();
        if (f.holder != null) {
            f.exclusions.blame(f.holder, fault);
        }
        if (fault == Fault.BAD_BYTES) {
            f.exclusions.liars(f.contributors);
            f.resetBytes();
        }
        Channel ch = f.channel;
        f.channel = null;
        f.holder = null;
        f.headerSeen = false;
        if (ch != null) {
            ch.setListener(null);
            ch.close();
        }
        if (fault != Fault.BUSY) {
            want(f);
        } else {
            // busy is not a lasting fault: ask again shortly (the same holder too, once all failed)
            f.lastWantNanos = System.nanoTime()
                    - TimeUnit.MILLISECONDS.toNanos(REWANT_MILLIS - BUSY_RETRY_MILLIS);
        }
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
            f.result.completeExceptionally(error);
        }
    }

    private final class Receiver implements Channel.Listener {
        private final Fetch f;

        Receiver(Fetch f) {
            this.f = f;
        }

        private boolean current(Channel c) {
            return f.channel == c && fetches.get(f.hash) == f;
        }

        @Override
        public void onOpen(Channel c) {
            if (current(c)) {
                ask(f, c);
            }
        }

        @Override
        public void onText(Channel c, String text) {
            if (!current(c)) {
                return;
            }
            TransferMessage m;
            try {
                m = TransferMessage.parse(text);
            } catch (IllegalArgumentException e) {
                giveUp(f, "bad message: " + e.getMessage(), Fault.PROTOCOL);
                return;
            }
            if (m instanceof TransferMessage.Header h && !f.headerSeen) {
                if (!h.hash().equals(f.hash) || h.offset() != f.received
                        || (f.size >= 0 && h.size() != f.size)) {
                    giveUp(f, "header does not match the request", Fault.PROTOCOL);
                } else if (h.size() > maxPageBytes) {
                    giveUp(f, "page of " + h.size() + " bytes is over the limit of " + maxPageBytes, Fault.PROTOCOL);
                } else {
                    f.headerSeen = true;
                    f.size = h.size();
                    if (f.buf == null) {
                        // grown as bytes arrive: a header alone must not make us allocate its whole size
                        f.buf = new byte[(int) Math.min(h.size(), 1 << 20)];
                        f.name = h.name();
                        f.mime = h.mime();
                    }
                    f.lastProgressNanos = System.nanoTime();
                    if (f.received == f.size) {
                        verify();
                    }
                }
            } else if (m instanceof TransferMessage.Error e) {
                giveUp(f, "holder says " + e.code(), "busy".equals(e.code()) ? Fault.BUSY : Fault.FAILED);
            } else {
                giveUp(f, "unexpected message", Fault.PROTOCOL);
            }
        }

        @Override
        public void onBinary(Channel c, byte[] bytes) {
            if (!current(c)) {
                return;
            }
            if (!f.headerSeen) {
                giveUp(f, "bytes before the header", Fault.PROTOCOL);
                return;
            }
            if (f.received + bytes.length > f.size) {
                giveUp(f, "more bytes than announced", Fault.BAD_BYTES);
                return;
            }
            if (f.received + bytes.length > f.buf.length) {
                f.buf = java.util.Arrays.copyOf(f.buf, (int) Math.min(f.size, Math.max(f.buf.length * 2L,
                        f.received + bytes.length)));
            }
            System.arraycopy(bytes, 0, f.buf, (int) f.received, bytes.length);
            f.digest.update(bytes);
            f.received += bytes.length;
            counters.bytesFetched.addAndGet(bytes.length);
            f.lastProgressNanos = System.nanoTime();
            if (f.received == f.size) {
                verify();
            }
        }

        @Override
        public void onClosed(Channel c) {
            if (current(c)) {
                f.channel = null;
                giveUp(f, "channel closed before the page was complete", Fault.FAILED);
            }
        }

        private void verify() {
            String actual = Hashes.hex(f.digest.digest());
            if (!actual.equals(f.hash)) {
                counters.verifyFailures.incrementAndGet();
                giveUp(f, "bytes do not match the hash (got " + actual + ")", Fault.BAD_BYTES);
                return;
            }
            counters.pagesFetched.incrementAndGet();
            byte[] bytes = f.buf.length == f.size ? f.buf : java.util.Arrays.copyOf(f.buf, (int) f.size);
            finish(f, new Page(f.hash, bytes, f.name, f.mime), null);
        }
    }
}
