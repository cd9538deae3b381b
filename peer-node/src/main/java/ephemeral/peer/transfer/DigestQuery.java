package ephemeral.peer.transfer;

import ephemeral.peer.rtc.Channel;
import ephemeral.peer.transfer.Exclusions.Fault;
import ephemeral.protocol.Codec;
import ephemeral.protocol.Timeouts;
import ephemeral.protocol.transfer.TransferMessage;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The wanter's side of a {@code get_digests} on a {@code page} channel (docs/protocol.md, "Several holders
 * at once"): asks the holder for the SHA-256 of ranges other holders sent, and hands the answer to
 * {@link Fetching}, which finds from it whose range was not the page's. Runs on the owner's executor.
 */
final class DigestQuery implements Channel.Listener {

    interface Outcome {
        /** The holder's digests of {@code lane.queried}, in their order. */
        void digests(Fetch f, Lane lane, List<String> sha256);

        void failed(Fetch f, Lane lane, String why, Fault fault);
    }

    private final Fetch f;
    private final Lane lane;
    private final Outcome outcome;
    private final long stallNanos;

    DigestQuery(Fetch f, Lane lane, Outcome outcome, long stallNanos) {
        this.f = f;
        this.lane = lane;
        this.outcome = outcome;
        this.stallNanos = stallNanos;
    }

    /** Asks for the digests; false if the channel would not take it. */
    boolean ask(Channel ch) {
        List<List<Long>> ranges = lane.queried.stream().map(p -> List.of(p.from(), p.to())).toList();
        TransferMessage.GetDigests ask = new TransferMessage.GetDigests(f.hash, ranges);
        // the holder reads every byte asked about before it answers: the lane's stall clock starts later
        long wait = TimeUnit.MILLISECONDS.toNanos(Timeouts.digestWaitMs(ask.bytes()));
        lane.lastProgressNanos = System.nanoTime() + Math.max(0, wait - stallNanos);
        return ch.sendText(Codec.encode(ask));
    }

    private boolean current(Channel c) {
        return lane.channel == c && lane.queried != null && f.lanes.contains(lane) && !f.result.isDone();
    }

    @Override
    public void onOpen(Channel c) {
        if (current(c) && !ask(c)) {
            outcome.failed(f, lane, "could not send get_digests", Fault.REFUSED);
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
        if (m instanceof TransferMessage.Digests d && d.hash().equals(f.hash) && d.sha256().size() == lane.queried.size()) {
            outcome.digests(f, lane, d.sha256());
        } else if (m instanceof TransferMessage.Error e) {
            outcome.failed(f, lane, "holder says " + e.code() + " to get_digests: " + e.message(), Fault.REFUSED);
        } else {
            outcome.failed(f, lane, "no answer to get_digests", Fault.PROTOCOL);
        }
    }

    @Override
    public void onBinary(Channel c, byte[] bytes) {
        if (current(c)) {
            outcome.failed(f, lane, "bytes instead of digests", Fault.PROTOCOL);
        }
    }

    @Override
    public void onClosed(Channel c) {
        if (current(c)) {
            outcome.failed(f, lane, "channel closed before the digests came", Fault.REFUSED);
        }
    }
}
