package ephemeral.peer.transfer;

import ephemeral.peer.rtc.Channel;
import ephemeral.peer.transfer.Exclusions.Fault;
import ephemeral.protocol.Codec;
import ephemeral.protocol.Sha256;
import ephemeral.protocol.transfer.TransferMessage;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * The wanter's side of one {@link Lane} on one {@code page} channel (docs/protocol.md §2): sends
 * {@code get} for the lane's range, takes one {@code header}, writes the bytes at their place in the
 * {@link Fetch}'s {@link Sink} while hashing them, and says when the range is complete; or, for a lane that
 * queries pieces, sends {@code get_digests} and hands on the answer. Deciding what to
 * do next (another lane, the whole page's check) is {@link Fetching}'s job. Runs on the owner's executor.
 */
final class Receiver implements Channel.Listener {

    /** How a lane went. Each lane ends at most once, on the owner's executor. */
    interface Outcome {
        /** The first header of the fetch told the page's size. */
        void sized(Fetch f);

        /** Every byte of the lane's range is here. */
        void rangeDone(Fetch f, Lane lane);

        void failed(Fetch f, Lane lane, String why, Fault fault);

        /** This peer could not store the bytes (a full disk): no holder is to blame, the fetch fails. */
        void broken(Fetch f, IOException e);

        /** The holder's digests of the lane's {@link Lane#queried} pieces, in their order. */
        void digests(Fetch f, Lane lane, List<String> sha256);
    }

    private final Fetch f;
    private final Lane lane;
    private final long maxPageBytes;
    private final Spool spool;
    private final Counters counters;
    private final Outcome outcome;

    Receiver(Fetch f, Lane lane, long maxPageBytes, Spool spool, Counters counters, Outcome outcome) {
        this.f = f;
        this.lane = lane;
        this.maxPageBytes = maxPageBytes;
        this.spool = spool;
        this.counters = counters;
        this.outcome = outcome;
    }

    /** Asks for the lane's range (or the digests of its queried pieces); false if the channel would not take it. */
    boolean ask(Channel ch) {
        lane.lastProgressNanos = System.nanoTime();
        return ch.sendText(Codec.encode(lane.queried == null ? new TransferMessage.Get(f.hash, lane.start, lane.asked)
                : new TransferMessage.GetDigests(f.hash, lane.queried.stream().map(p -> List.of(p.from(), p.to())).toList())));
    }

    private boolean current(Channel c) {
        return lane.channel == c && f.lanes.contains(lane) && !f.result.isDone();
    }

    @Override
    public void onOpen(Channel c) {
        if (current(c) && !ask(c)) {
            outcome.failed(f, lane, "could not send its request", Fault.REFUSED);
        }
    }

    @Override
    public void onText(Channel c, String text) {
        if (!current(c)) {
            return;
        }
        TransferMessage m;
        try {
            m = Codec.parseTransfer(text);
        } catch (IllegalArgumentException e) {
            outcome.failed(f, lane, "bad message: " + e.getMessage(), Fault.PROTOCOL);
            return;
        }
        if (lane.queried != null && m instanceof TransferMessage.Digests d && d.hash().equals(f.hash)
                && d.sha256().size() == lane.queried.size()) {
            outcome.digests(f, lane, d.sha256());
        } else if (lane.queried == null && m instanceof TransferMessage.Header h && !lane.headerSeen) {
            header(h);
        } else if (m instanceof TransferMessage.Error e) {
            outcome.failed(f, lane, "holder says " + e.code() + ": " + e.message(), Fault.REFUSED);
        } else {
            outcome.failed(f, lane, "unexpected message", Fault.PROTOCOL);
        }
    }

    private void header(TransferMessage.Header h) {
        // a holder that does not know `end` (an older client) answers without it and sends the rest of the
        // page: the lane takes its range and closes the channel, as when its range is cut short
        boolean echoes = h.end() == null || Objects.equals(h.end(), lane.asked);
        if (!h.hash().equals(f.hash) || h.offset() != lane.start || !echoes) {
            outcome.failed(f, lane, "header does not answer the request", Fault.PROTOCOL);
        } else if (f.size >= 0 && h.size() != f.size) {
            // the bytes held, or the ranges asked, came from a holder that announced another size: one of
            // them lies, and only a whole page from one holder can say which
            outcome.failed(f, lane, "holders disagree on the size (" + f.size + " vs " + h.size() + ")", Fault.CONFLICT);
        } else if (h.size() > maxPageBytes) {
            outcome.failed(f, lane, "page of " + h.size() + " bytes is over the limit of " + maxPageBytes, Fault.PROTOCOL);
        } else {
            lane.headerSeen = true;
            lane.lastProgressNanos = System.nanoTime();
            lane.stop = h.stop();
            lane.digest = Sha256.digest();
            if (f.size < 0) {
                try {
                    f.sink = Sink.open(h.size(), spool, f.hash);
                } catch (IOException e) {
                    outcome.broken(f, e);
                    return;
                }
                f.size = h.size();
                f.name = h.name();
                f.mime = h.mime();
                lane.end = h.size();
                outcome.sized(f);
            }
            if (lane.pos == lane.end) {
                outcome.rangeDone(f, lane);
            }
        }
    }

    @Override
    public void onBinary(Channel c, byte[] bytes) {
        if (!current(c)) {
            return;
        }
        if (!lane.headerSeen) {
            outcome.failed(f, lane, "bytes before the header", Fault.PROTOCOL);
            return;
        }
        if (lane.pos + bytes.length > lane.stop) {
            outcome.failed(f, lane, "more bytes than announced", Fault.BAD_BYTES);
            return;
        }
        // a lane whose range was cut short (another lane took its tail) ignores what comes past its end
        int n = (int) Math.min(bytes.length, lane.end - lane.pos);
        try {
            f.sink.write(lane.pos, bytes, n);
        } catch (IOException e) {
            outcome.broken(f, e);
            return;
        }
        lane.digest.update(bytes, 0, n);
        if (lane.pos == f.hashedTo) {
            f.digest.update(bytes, 0, n);
            f.hashedTo += n;
        }
        lane.pos += n;
        f.received += n;
        counters.bytesFetched.addAndGet(bytes.length);
        lane.lastProgressNanos = System.nanoTime();
        if (lane.pos == lane.end) {
            outcome.rangeDone(f, lane);
        }
    }

    @Override
    public void onClosed(Channel c) {
        if (current(c)) {
            outcome.failed(f, lane, "channel closed before its bytes were complete", Fault.REFUSED);
        }
    }
}
