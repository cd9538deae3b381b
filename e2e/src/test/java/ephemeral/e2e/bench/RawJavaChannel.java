package ephemeral.e2e.bench;

import ephemeral.peer.rtc.Channel;
import ephemeral.peer.rtc.Ice;
import ephemeral.peer.rtc.Link;
import ephemeral.protocol.signaling.SignalData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The Java side's ceiling: two webrtc-java peer connections in this JVM, signalled directly, one channel,
 * 64 KiB messages with at most 1 MiB queued (the Java peer's own pacing), no page protocol.
 */
final class RawJavaChannel {
    private static final int CHUNK = 65536;
    private static final long MAX_QUEUED = 1 << 20;

    private RawJavaChannel() {
    }

    /** @return seconds to move {@code size} bytes from one connection to the other */
    static double seconds(int size) throws Exception {
        ExecutorService owner = Executors.newSingleThreadExecutor();
        AtomicReference<Link> answerer = new AtomicReference<>();
        List<SignalData> early = new ArrayList<>();
        CompletableFuture<Channel> open = new CompletableFuture<>();
        CompletableFuture<Long> received = new CompletableFuture<>();
        AtomicLong bytes = new AtomicLong();
        String hash = "0".repeat(64);

        Channel.Listener receiver = new Listener() {
            @Override
            public void onBinary(Channel channel, byte[] data) {
                if (bytes.addAndGet(data.length) >= size) {
                    received.complete(System.nanoTime());
                }
            }
        };
        Link.Listener answering = new LinkListener() {
            @Override
            public void onRemoteChannel(Link link, Channel channel) {
                channel.setListener(receiver);
            }
        };
        AtomicReference<Link> offerer = new AtomicReference<>();
        Link.Listener offering = new LinkListener() {
            @Override
            public void onSignal(Link link, SignalData data) {
                if (data.sdp() != null) {
                    Link b = Link.answer("offerer", hash, data.sdp(), Ice.NONE, owner,
                            new LinkListener() {
                                @Override
                                public void onSignal(Link l, SignalData d) {
                                    offerer.get().onRemoteSignal(d);
                                }

                                @Override
                                public void onRemoteChannel(Link l, Channel c) {
                                    answering.onRemoteChannel(l, c);
                                }
                            });
                    answerer.set(b);
                    early.forEach(b::onRemoteSignal);
                } else if (answerer.get() == null) {
                    early.add(data);
                } else {
                    answerer.get().onRemoteSignal(data);
                }
            }
        };
        owner.submit(() -> offerer.set(Link.offer("answerer", hash, Channel.PAGE, hash, Ice.NONE, owner, offering,
                channel -> channel.setListener(new Listener() {
                    @Override
                    public void onOpen(Channel c) {
                        open.complete(c);
                    }
                })))).get();
        Channel tx = open.get(30, TimeUnit.SECONDS);
        long start = System.nanoTime();
        byte[] chunk = new byte[CHUNK];
        for (long sent = 0; sent < size; sent += CHUNK) {
            while (tx.bufferedAmount() > MAX_QUEUED - CHUNK) {
                LockSupport.parkNanos(100_000);
            }
            tx.send(chunk, true);
        }
        long end = received.get(5, TimeUnit.MINUTES);
        owner.submit(() -> {
            offerer.get().close();
            answerer.get().close();
        }).get();
        owner.shutdown();
        return (end - start) / 1e9;
    }

    /** Empty defaults, so each use names only what it needs. */
    private interface Listener extends Channel.Listener {
        @Override
        default void onOpen(Channel channel) {
        }

        @Override
        default void onText(Channel channel, String text) {
        }

        @Override
        default void onBinary(Channel channel, byte[] bytes) {
        }

        @Override
        default void onClosed(Channel channel) {
        }
    }

    private interface LinkListener extends Link.Listener {
        @Override
        default void onSignal(Link link, SignalData data) {
        }

        @Override
        default void onRemoteChannel(Link link, Channel channel) {
        }

        @Override
        default void onClosed(Link link) {
        }
    }
}
