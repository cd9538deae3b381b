package ephemeral.peer.transfer;

import ephemeral.peer.rtc.Channel;
import ephemeral.peer.rtc.Links;
import ephemeral.peer.store.Page;
import ephemeral.peer.store.PageStore;
import ephemeral.protocol.Codec;
import ephemeral.protocol.Sha256;
import ephemeral.protocol.Timeouts;
import ephemeral.protocol.transfer.TransferMessage;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The holder side of docs/protocol.md §2: on a {@code content_request} it opens a {@code page} channel
 * to the wanter, answers its {@code get} with a header and the bytes (or its {@code get_digests} with
 * the digests of ranges), and closes the channel once the
 * wanter has closed it (or after a grace period). Runs on the owner's executor, except the byte pumps.
 */
public final class Serving {
    private static final Logger LOG = LoggerFactory.getLogger(Serving.class);

    private final PageStore store;
    private final Links links;
    private final ScheduledExecutorService owner;
    private final ExecutorService pumps;
    private final Counters counters;
    private final int maxConcurrent;
    private final long maxPageBytes;
    private final long stallMillis;

    public Serving(PageStore store, Links links, ScheduledExecutorService owner, ExecutorService pumps,
                   Counters counters, int maxConcurrent, long maxPageBytes, long stallMillis) {
        this.store = store;
        this.links = links;
        this.owner = owner;
        this.pumps = pumps;
        this.counters = counters;
        this.maxConcurrent = maxConcurrent;
        this.maxPageBytes = maxPageBytes;
        this.stallMillis = stallMillis;
    }

    public void onContentRequest(String hash, String from) {
        if (!store.contains(hash)) {
            LOG.debug("content_request for {} that is not held", hash);
            return;
        }
        if (!links.openChannel(from, hash, this::serveOn)) {
            // over the connection caps: the wanter's routed wait runs out and it asks another holder
            LOG.debug("content_request for {} from {} refused: too many connections", hash, from);
        }
    }

    /** Answers the {@code get} that comes on {@code ch}: a channel this node opened for a content_request, or a {@code pull} a neighbour opened. */
    public void serveOn(Channel ch) {
        ch.setListener(new Channel.Listener() {
            private boolean asked;

            @Override
            public void onOpen(Channel c) {
                // a wanter that never asks must not hold the channel (and its link) forever
                owner.schedule(() -> {
                    if (!asked && !c.isClosed()) {
                        c.close();
                    }
                }, Timeouts.GET_WAIT_MS, TimeUnit.MILLISECONDS);
            }

            // may come before onOpen: the wanter's side can report the channel open first
            @Override
            public void onText(Channel c, String text) {
                if (asked) {
                    return; // one page per channel; the wanter only closes it from here on
                }
                asked = true;
                TransferMessage m;
                try {
                    m = Codec.parseTransfer(text);
                } catch (IllegalArgumentException e) {
                    LOG.debug("bad request from {}: {}", c.remotePeer(), e.getMessage());
                    refuse(c, TransferMessage.Error.BAD_REQUEST, e.getMessage());
                    return;
                }
                if (m instanceof TransferMessage.Get get) {
                    start(c, () -> pump(c, get));
                } else if (m instanceof TransferMessage.GetDigests ask) {
                    start(c, () -> digests(c, ask));
                } else {
                    refuse(c, TransferMessage.Error.BAD_REQUEST, "the first message must be get or get_digests");
                }
            }

            @Override
            public void onBinary(Channel c, byte[] bytes) {
                if (!asked) {
                    asked = true;
                    refuse(c, TransferMessage.Error.BAD_REQUEST, "the first message must be get");
                }
            }

            @Override
            public void onClosed(Channel c) {
            }
        });
    }

    /** Runs a request's {@code job} on a pump, within the limit of transfers served at once (else {@code busy}). */
    private void start(Channel c, Runnable job) {
        if (counters.activeServes.incrementAndGet() > maxConcurrent) {
            counters.activeServes.decrementAndGet();
            counters.servesRefusedBusy.incrementAndGet();
            refuse(c, TransferMessage.Error.BUSY, "this peer is serving its maximum number of transfers");
            return;
        }
        try {
            // the store is read on the worker too: a disk read (or a slow store) must not hold up this thread
            pumps.execute(() -> {
                try {
                    job.run();
                } catch (RejectedExecutionException e) {
                    // the node closed while sending
                }
            });
        } catch (RejectedExecutionException e) {
            counters.activeServes.decrementAndGet();
            c.close();
        }
    }

    /** Answers {@code get_digests}: SHA-256 of each range, read from the page as it is held; no bytes. */
    private void digests(Channel c, TransferMessage.GetDigests ask) {
        try {
            Optional<Page> page = store.get(ask.hash());
            if (page.isEmpty() || page.get().size() > maxPageBytes) {
                owner.execute(() -> refuse(c, TransferMessage.Error.NOT_FOUND, "this peer does not hold " + ask.hash()));
                return;
            }
            long size = page.get().size();
            if (ask.maxEnd() > size) {
                owner.execute(() -> refuse(c, TransferMessage.Error.BAD_OFFSET, "a range ends beyond the page's " + size + " bytes"));
                return;
            }
            List<String> out = new ArrayList<>();
            byte[] buf = new byte[PageSender.CHUNK];
            for (List<Long> r : ask.ranges()) {
                MessageDigest md = Sha256.digest();
                try (InputStream in = page.get().body().openAt(r.get(0))) {
                    for (long left = r.get(1) - r.get(0); left > 0; left -= buf.length) {
                        int n = (int) Math.min(buf.length, left);
                        if (in.readNBytes(buf, 0, n) != n) {
                            throw new IOException("the page ended early");
                        }
                        md.update(buf, 0, n);
                    }
                }
                out.add(Sha256.hex(md.digest()));
            }
            c.sendText(Codec.encode(new TransferMessage.Digests(ask.hash(), out)));
            // the wanter closes the channel once it has read them; close it ourselves if it does not
            owner.schedule(() -> {
                if (!c.isClosed()) {
                    c.close();
                }
            }, stallMillis * 2, TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            LOG.warn("cannot read page {} for its digests: {}", ask.hash(), e.toString());
            owner.execute(c::close);
        } finally {
            counters.activeServes.decrementAndGet();
        }
    }

    private void pump(Channel c, TransferMessage.Get get) {
        Optional<Page> page = store.get(get.hash());
        if (page.isEmpty() || page.get().size() > maxPageBytes) {
            counters.activeServes.decrementAndGet();
            owner.execute(() -> refuse(c, TransferMessage.Error.NOT_FOUND, "this peer does not hold " + get.hash()));
            return;
        }
        long size = page.get().size();
        if (get.offset() > size || get.end() != null && get.end() > size) {
            counters.activeServes.decrementAndGet();
            String what = get.offset() > size ? "offset " + get.offset() : "end " + get.end();
            owner.execute(() -> refuse(c, TransferMessage.Error.BAD_OFFSET,
                    what + " is beyond the page's " + size + " bytes"));
            return;
        }
        new PageSender(c, page.get(), get.offset(), get.end(), stallMillis, (complete, bytes) -> {
            counters.activeServes.decrementAndGet();
            counters.bytesServed.addAndGet(bytes);
            if (complete) {
                counters.transfersServed.incrementAndGet();
            } else {
                counters.servesFailed.incrementAndGet();
            }
            // the wanter closes the channel once it has verified the page; close it ourselves if it does not
            owner.schedule(() -> {
                if (!c.isClosed()) {
                    c.close();
                }
            }, complete ? stallMillis * 2 : 0, TimeUnit.MILLISECONDS);
        }).run();
    }

    /**
     * Sends an {@code error} and leaves the close to the wanter, which closes as soon as it reads it; closes
     * the channel itself {@code ERROR_FLUSH_MS} later at the latest. Closing at once (or when bufferedAmount
     * first reads 0) can turn the error into a bare close on the other side.
     */
    private void refuse(Channel c, String code, String message) {
        c.sendText(Codec.encode(new TransferMessage.Error(code, message)));
        owner.schedule(() -> {
            if (!c.isClosed()) {
                c.close();
            }
        }, Timeouts.ERROR_FLUSH_MS, TimeUnit.MILLISECONDS);
    }
}
