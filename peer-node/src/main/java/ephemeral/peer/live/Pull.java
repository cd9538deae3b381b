package ephemeral.peer.live;

import ephemeral.peer.rtc.Channel;
import ephemeral.protocol.Codec;
import ephemeral.protocol.Sha256;
import ephemeral.protocol.Timeouts;
import ephemeral.protocol.live.LiveVersion;
import ephemeral.protocol.transfer.TransferMessage;
import java.security.MessageDigest;
import java.util.function.Consumer;

/**
 * Fetches a version's page from the neighbour that announced it, over a {@code pull} channel on their link:
 * {@code get} out, {@code header} and the bytes back, exactly as on a {@code page} channel. The version is
 * signed, so its size is known before the first byte: anything else is that neighbour's lie.
 */
final class Pull implements Channel.Listener {
    enum Result { OK, LIE, FAILED }

    final Neighbour from;
    final LiveVersion version;
    private final Channel channel;
    private final Consumer<Pull> done;
    private final MessageDigest digest = Sha256.digest();
    private byte[] bytes;
    private int received;
    private boolean headerSeen;
    private long lastProgressNanos = System.nanoTime();
    Result result;
    String why;

    Pull(Neighbour from, LiveVersion version, Consumer<Pull> done) {
        this.from = from;
        this.version = version;
        this.done = done;
        this.channel = from.channel.link().openChannel(Channel.PULL, version.hash());
        channel.setListener(this);
    }

    byte[] bytes() {
        return bytes;
    }

    @Override
    public void onOpen(Channel c) {
        c.sendText(Codec.encode(new TransferMessage.Get(version.hash(), 0)));
        lastProgressNanos = System.nanoTime();
    }

    @Override
    public void onText(Channel c, String text) {
        if (result != null) {
            return;
        }
        TransferMessage m;
        try {
            m = Codec.parseTransfer(text);
        } catch (IllegalArgumentException e) {
            finish(Result.LIE, "a malformed message: " + e.getMessage());
            return;
        }
        if (m instanceof TransferMessage.Error e) {
            finish(Result.FAILED, "it answered " + e.code() + ": " + e.message());
        } else if (m instanceof TransferMessage.Header h && !headerSeen && h.hash().equals(version.hash())
                && h.size() == version.size() && h.offset() == 0 && h.stop() == h.size()) {
            headerSeen = true;
            bytes = new byte[(int) version.size()];
            lastProgressNanos = System.nanoTime();
            if (version.size() == 0) {
                check();
            }
        } else {
            finish(Result.LIE, "a header that is not the signed version's (" + text.length() + " chars)");
        }
    }

    @Override
    public void onBinary(Channel c, byte[] chunk) {
        if (result != null) {
            return;
        }
        if (!headerSeen || chunk.length > bytes.length - received) {
            finish(Result.LIE, headerSeen ? "more bytes than the signed size" : "bytes before a header");
            return;
        }
        System.arraycopy(chunk, 0, bytes, received, chunk.length);
        digest.update(chunk);
        received += chunk.length;
        lastProgressNanos = System.nanoTime();
        if (received == bytes.length) {
            check();
        }
    }

    private void check() {
        if (Sha256.hex(digest.digest()).equals(version.hash())) {
            finish(Result.OK, null);
        } else {
            finish(Result.LIE, "bytes that do not hash to the version's page");
        }
    }

    @Override
    public void onClosed(Channel c) {
        finish(Result.FAILED, "it closed the channel");
    }

    /** Gives up on a neighbour that stopped sending. */
    void tick(long now) {
        if (result == null && now - lastProgressNanos > Timeouts.STALL_MS * 1_000_000L) {
            finish(Result.FAILED, "no byte for " + Timeouts.STALL_MS + " ms");
        }
    }

    void cancel() {
        finish(Result.FAILED, "cancelled");
    }

    private void finish(Result r, String reason) {
        if (result != null) {
            return;
        }
        result = r;
        why = reason;
        if (r != Result.OK) {
            bytes = null;
        }
        channel.close();
        done.accept(this);
    }
}
