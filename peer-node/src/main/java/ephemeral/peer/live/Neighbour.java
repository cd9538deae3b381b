package ephemeral.peer.live;

import ephemeral.peer.rtc.Channel;
import ephemeral.protocol.Codec;
import ephemeral.protocol.live.LiveVersion;
import ephemeral.protocol.live.MeshMessage;

/** One link of a live page's mesh: the {@code live} channel to another holder, and what each side knows of the other. */
final class Neighbour {
    final String peer;
    final Channel channel;
    /** Whether this node opened the channel (which of two links between the same pair is kept depends on it). */
    final boolean outbound;
    final long attachedNanos = System.nanoTime();
    /** When its channel opened (0: not yet). */
    long openedNanos;
    /** Taken from the server beyond maxPeers: closed after a grace period if this node still has too many. */
    boolean overflow;
    boolean helloSeen;
    /** The most preferred version this neighbour announced (its own never go backwards). */
    LiveVersion told;
    /** The most preferred version it is known to hold: told by it, or announced to it by this node. */
    LiveVersion known;
    /** Messages (and relays) in the current one-second window, for the flood limits. */
    long windowStartNanos = System.nanoTime();
    int messages;
    int relays;

    Neighbour(String peer, Channel channel, boolean outbound) {
        this.peer = peer;
        this.channel = channel;
        this.outbound = outbound;
    }

    void send(MeshMessage m) {
        channel.sendText(Codec.encode(m));
    }

    /** Counts a message against the per-second limits; false when over one. */
    boolean allow(boolean relay, int maxMessages, int maxRelays) {
        long now = System.nanoTime();
        if (now - windowStartNanos > 1_000_000_000L) {
            windowStartNanos = now;
            messages = 0;
            relays = 0;
        }
        return relay ? ++relays <= maxRelays : ++messages <= maxMessages;
    }

    /** Notes that this neighbour holds {@code v}; true when that is more than was known. */
    boolean holds(LiveVersion v) {
        if (known == null || LiveVersion.PREFERENCE.compare(v, known) > 0) {
            known = v;
            return true;
        }
        return false;
    }

    String shortId() {
        return peer.substring(0, 6);
    }
}
