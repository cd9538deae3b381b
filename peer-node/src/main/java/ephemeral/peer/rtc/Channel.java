package ephemeral.peer.rtc;

import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code page} data channel. Native events are copied and handed to the owner's executor (the native
 * callback thread must never block or throw). Native calls are serialised on this object so a sender
 * thread never races the owner disposing the channel.
 */
public final class Channel {
    private static final Logger LOG = LoggerFactory.getLogger(Channel.class);
    /** Opened by a holder to send a page (docs/protocol.md §2). */
    public static final String PAGE = "page";
    /** A live page's mesh link between two of its holders ("Live pages: the mesh"). */
    public static final String LIVE = "live";
    /** Opened by a wanter on a live page's link to fetch a version's page from that neighbour. */
    public static final String PULL = "pull";

    /** Called on the owner's executor. */
    public interface Listener {
        void onOpen(Channel channel);

        void onText(Channel channel, String text);

        void onBinary(Channel channel, byte[] bytes);

        void onClosed(Channel channel);
    }

    private final Link link;
    private final RTCDataChannel dc;
    private final Executor owner;
    private volatile Listener listener;
    private volatile boolean open;
    private volatile boolean closed;
    private volatile boolean disposed;

    Channel(Link link, RTCDataChannel dc, Executor owner) {
        this.link = link;
        this.dc = dc;
        this.owner = owner;
    }

    void register() {
        dc.registerObserver(new RTCDataChannelObserver() {
            @Override
            public void onBufferedAmountChange(long previousAmount) {
                // never called by webrtc-java 0.14.0: senders poll bufferedAmount()
            }

            @Override
            public void onStateChange() {
                try {
                    RTCDataChannelState s = dc.getState();
                    owner.execute(() -> stateChanged(s));
                } catch (Throwable t) {
                    LOG.debug("state change: {}", t.toString());
                }
            }

            @Override
            public void onMessage(RTCDataChannelBuffer buffer) {
                try {
                    // the buffer points at native memory freed when this callback returns
                    ByteBuffer data = buffer.data;
                    byte[] bytes = new byte[data.remaining()];
                    data.get(bytes);
                    boolean binary = buffer.binary;
                    owner.execute(() -> message(bytes, binary));
                } catch (Throwable t) {
                    LOG.debug("message: {}", t.toString());
                }
            }
        });
    }

    public Link link() {
        return link;
    }

    public String remotePeer() {
        return link.remotePeer();
    }

    public synchronized String label() {
        return disposed ? "" : dc.getLabel();
    }

    /** The channel's protocol attribute; the holder puts the page hash there (docs/protocol.md §2). */
    public synchronized String protocol() {
        return disposed ? "" : dc.getProtocol();
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    public boolean isOpen() {
        return open && !closed;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Checks the native state: an incoming channel may already be open, or already closing, when it is
     * announced, and state changes before {@link #register()} are never reported. A dead one is closed
     * (listener told) in a later owner task, once the caller has attached its listener.
     */
    synchronized void syncState() {
        RTCDataChannelState s = disposed ? RTCDataChannelState.CLOSED : dc.getState();
        if (s == RTCDataChannelState.OPEN) {
            open = true;
        } else if (s == RTCDataChannelState.CLOSING || s == RTCDataChannelState.CLOSED) {
            LOG.debug("a channel on link {} arrived {}", link.id(), s);
            owner.execute(() -> stateChanged(s));
        }
    }

    /**
     * A channel made on a connection that is up can be open before its observer is registered, and that
     * change is never reported: check once, and tell the listener (attached by then) in a later owner task.
     */
    synchronized void reportIfOpen() {
        if (!disposed && dc.getState() == RTCDataChannelState.OPEN) {
            owner.execute(() -> stateChanged(RTCDataChannelState.OPEN));
        }
    }

    public boolean sendText(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8), false);
    }

    /** Sends exactly {@code bytes} (webrtc-java sends a buffer's whole backing array). */
    public synchronized boolean send(byte[] bytes, boolean binary) {
        if (disposed || closed) {
            return false;
        }
        try {
            dc.send(new RTCDataChannelBuffer(ByteBuffer.wrap(bytes), binary));
            return true;
        } catch (Throwable t) {
            LOG.debug("send failed: {}", t.toString());
            return false;
        }
    }

    /** Bytes queued for sending, or -1 once the channel is gone. */
    public synchronized long bufferedAmount() {
        if (disposed || closed) {
            return -1;
        }
        try {
            return dc.getBufferedAmount();
        } catch (Throwable t) {
            return -1;
        }
    }

    /** Closes and frees the channel; idempotent. Must run on the owner's executor. */
    public void close() {
        boolean wasClosed = closed;
        closed = true;
        synchronized (this) {
            if (!disposed) {
                disposed = true;
                try {
                    dc.unregisterObserver();
                    dc.close();
                    dc.dispose();
                } catch (Throwable t) {
                    LOG.debug("close: {}", t.toString());
                }
            }
        }
        if (!wasClosed) {
            link.channelClosed(this);
            Listener l = listener;
            if (l != null) {
                l.onClosed(this);
            }
        }
    }

    private void stateChanged(RTCDataChannelState s) {
        if (closed) {
            return;
        }
        if (s == RTCDataChannelState.OPEN && !open) {
            open = true;
            Listener l = listener;
            if (l != null) {
                l.onOpen(this);
            }
        } else if (s == RTCDataChannelState.CLOSED || s == RTCDataChannelState.CLOSING) {
            close();
        }
    }

    private void message(byte[] bytes, boolean binary) {
        Listener l = listener;
        if (closed || l == null) {
            return;
        }
        link.touch();
        if (binary) {
            l.onBinary(this, bytes);
        } else {
            l.onText(this, new String(bytes, StandardCharsets.UTF_8));
        }
    }
}
