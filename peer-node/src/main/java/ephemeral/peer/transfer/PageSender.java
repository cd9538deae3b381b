package ephemeral.peer.transfer;

import ephemeral.peer.rtc.Channel;
import ephemeral.peer.store.Page;
import ephemeral.protocol.Codec;
import ephemeral.protocol.transfer.TransferMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends one page over one channel on a worker thread: the header, then chunks of at most 64 KiB with
 * the sender keeping at most ~1 MiB queued. webrtc-java never reports bufferedAmount changes, so the
 * queue is polled; a channel that stops draining for {@code stallMillis} is abandoned.
 */
final class PageSender implements Runnable {
    static final int CHUNK = 65536;
    static final long MAX_QUEUED = 1 << 20;

    interface Done {
        /** {@code complete}: every byte was queued and the queue drained. */
        void finished(boolean complete, long bytesSent);
    }

    private final Channel channel;
    private final Page page;
    private final long offset;
    /** The page's size, or the end of the range asked for; null for the whole rest of the page. */
    private final Long end;
    private final long stallMillis;
    private final Done done;

    PageSender(Channel channel, Page page, long offset, Long end, long stallMillis, Done done) {
        this.channel = channel;
        this.page = page;
        this.offset = offset;
        this.end = end;
        this.stallMillis = stallMillis;
        this.done = done;
    }

    @Override
    public void run() {
        boolean complete = false;
        long sent = 0;
        try {
            long size = page.size();
            String header = Codec.encode(new TransferMessage.Header(page.hash(), size, offset, end,
                    page.name(), page.mime()));
            long stop = end != null ? end : size;
            if (!channel.sendText(header)) {
                return;
            }
            // read a chunk at a time, from memory or disk alike: a page of gigabytes is never read whole
            try (InputStream in = page.body().openAt(offset)) {
                long pos = offset;
                while (pos < stop) {
                    int n = (int) Math.min(CHUNK, stop - pos);
                    byte[] chunk = in.readNBytes(n);
                    if (chunk.length != n) {
                        return; // the file shrank under us: the channel closes, and the wanter asks elsewhere
                    }
                    if (!awaitRoom(MAX_QUEUED - n) || !channel.send(chunk, true)) {
                        return;
                    }
                    pos += n;
                    sent += n;
                }
            }
            // Every byte is queued. If the channel closes before the queue drains, it is the wanter closing
            // it after verifying (it only closes early when giving up, and then it also re-wants).
            awaitRoom(0);
            complete = true;
        } catch (IOException | RuntimeException e) {
            complete = false;
        } finally {
            done.finished(complete, sent);
        }
    }

    /** Waits until at most {@code limit} bytes are queued; false if the channel closed or stalled. */
    private boolean awaitRoom(long limit) {
        long last = -2;
        long since = System.nanoTime();
        long park = 50_000;
        while (true) {
            long queued = channel.bufferedAmount();
            if (queued < 0) {
                return false;
            }
            if (queued <= limit) {
                return true;
            }
            long now = System.nanoTime();
            if (queued != last) {
                last = queued;
                since = now;
            } else if (now - since > TimeUnit.MILLISECONDS.toNanos(stallMillis)) {
                return false;
            }
            LockSupport.parkNanos(park);
            park = Math.min(2_000_000, park * 2);
        }
    }
}
