package ephemeral.peer.transfer;

import ephemeral.peer.rtc.Channel;
import ephemeral.peer.store.Body;
import ephemeral.peer.store.Page;
import ephemeral.peer.transfer.Exclusions.Fault;
import ephemeral.protocol.Codec;
import ephemeral.protocol.Sha256;
import ephemeral.protocol.transfer.TransferMessage;
import java.io.IOException;

/**
 * The wanter's side of one attempt on one {@code page} channel (docs/protocol.md §2): sends {@code get}
 * from the bytes already held, takes one {@code header}, appends the bytes to the {@link Fetch}'s {@link Sink} while
 * hashing them, and verifies the whole when the announced size is reached. It reports how the attempt
 * ended; deciding what to do next is {@link Fetching}'s job. Runs on the owner's executor.
 */
final class Receiver implements Channel.Listener {

    /** How an attempt ended. Called at most once, on the owner's executor. */
    interface Outcome {
        void verified(Fetch f, Page page);

        void failed(Fetch f, String why, Fault fault);

        /** This peer could not store the bytes (a full disk): no holder is to blame, the fetch fails. */
        void broken(Fetch f, IOException e);
    }

    private final Fetch f;
    private final long maxPageBytes;
    private final Spool spool;
    private final Counters counters;
    private final Outcome outcome;

    Receiver(Fetch f, long maxPageBytes, Spool spool, Counters counters, Outcome outcome) {
        this.f = f;
        this.maxPageBytes = maxPageBytes;
        this.spool = spool;
        this.counters = counters;
        this.outcome = outcome;
    }

    /** Asks for the page from the first byte not yet held; false if the channel would not take it. */
    boolean ask(Channel ch) {
        f.lastProgressNanos = System.nanoTime();
        return ch.sendText(Codec.encode(new TransferMessage.Get(f.hash, f.received)));
    }

    private boolean current(Channel c) {
        return f.channel == c && !f.result.isDone();
    }

    @Override
    public void onOpen(Channel c) {
        if (current(c) && !ask(c)) {
            outcome.failed(f, "could not send get", Fault.REFUSED);
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
            outcome.failed(f, "bad message: " + e.getMessage(), Fault.PROTOCOL);
            return;
        }
        if (m instanceof TransferMessage.Header h && !f.headerSeen) {
            header(h);
        } else if (m instanceof TransferMessage.Error e) {
            outcome.failed(f, "holder says " + e.code() + ": " + e.message(), Fault.REFUSED);
        } else {
            outcome.failed(f, "unexpected message", Fault.PROTOCOL);
        }
    }

    private void header(TransferMessage.Header h) {
        if (!h.hash().equals(f.hash) || h.offset() != f.received) {
            outcome.failed(f, "header does not answer the request", Fault.PROTOCOL);
        } else if (f.size >= 0 && h.size() != f.size) {
            // the bytes held came from a holder that announced another size: one of them lies, and only a
            // whole page from one holder can say which
            outcome.failed(f, "holders disagree on the size (" + f.size + " vs " + h.size() + ")", Fault.CONFLICT);
        } else if (h.size() > maxPageBytes) {
            outcome.failed(f, "page of " + h.size() + " bytes is over the limit of " + maxPageBytes, Fault.PROTOCOL);
        } else {
            f.headerSeen = true;
            f.size = h.size();
            f.headerNanos = System.nanoTime();
            if (f.sink == null) {
                try {
                    f.sink = Sink.open(h.size(), spool, f.hash);
                } catch (IOException e) {
                    outcome.broken(f, e);
                    return;
                }
                f.name = h.name();
                f.mime = h.mime();
            }
            f.lastProgressNanos = System.nanoTime();
            if (f.received == f.size) {
                verify();
            }
        }
    }

    @Override
    public void onBinary(Channel c, byte[] bytes) {
        if (!current(c)) {
            return;
        }
        if (!f.headerSeen) {
            outcome.failed(f, "bytes before the header", Fault.PROTOCOL);
            return;
        }
        if (f.received + bytes.length > f.size) {
            outcome.failed(f, "more bytes than announced", Fault.BAD_BYTES);
            return;
        }
        try {
            f.sink.append(bytes);
        } catch (IOException e) {
            outcome.broken(f, e);
            return;
        }
        f.digest.update(bytes);
        f.received += bytes.length;
        f.contributors.add(c.remotePeer());
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
            outcome.failed(f, "channel closed before the page was complete", Fault.REFUSED);
        }
    }

    private void verify() {
        String actual = Sha256.hex(f.digest.digest());
        if (!actual.equals(f.hash)) {
            counters.verifyFailures.incrementAndGet();
            // from one holder, that holder lied; from several, any of them may have
            outcome.failed(f, "bytes do not match the hash (got " + actual + ")",
                    f.contributors.size() > 1 ? Fault.CONFLICT : Fault.BAD_BYTES);
            return;
        }
        Body body;
        try {
            body = f.sink.finish(f.size);
        } catch (IOException e) {
            outcome.broken(f, e);
            return;
        }
        f.sink = null; // the page owns the bytes now
        counters.pagesFetched.incrementAndGet();
        outcome.verified(f, new Page(f.hash, body, f.name, f.mime));
    }
}
