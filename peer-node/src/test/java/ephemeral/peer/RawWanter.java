package ephemeral.peer;

import ephemeral.peer.rtc.Channel;
import ephemeral.peer.rtc.Ice;
import ephemeral.peer.rtc.Link;
import ephemeral.protocol.Codec;
import ephemeral.protocol.signaling.ClientMessage;
import ephemeral.protocol.signaling.ServerMessage;
import ephemeral.protocol.signaling.SignalData;
import ephemeral.testing.TestServer;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A wanter that speaks the transfer protocol by hand: it wants a page over a real signaling connection,
 * answers the holder's offer with a real peer connection, and hands each channel the holder opens to
 * the test, which may then send anything at all on it.
 */
final class RawWanter extends RawSignaling {
    /** What happened on a channel, in order: {@code text:…}, {@code binary:N} or {@code closed}. */
    record RawChannel(Channel channel, BlockingQueue<String> events) {
        String next() throws InterruptedException {
            String e = events.poll(10, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("nothing happened on the channel within 10 s");
            }
            return e;
        }
    }

    private final ExecutorService owner = Executors.newSingleThreadExecutor();
    private final BlockingQueue<RawChannel> channels = new LinkedBlockingQueue<>();
    private Link link;

    RawWanter(TestServer server) {
        connect(server);
    }

    /** Wants {@code hash} and returns the channel its holder opens, before anything is sent on it. */
    RawChannel want(String hash) throws InterruptedException {
        send(new ClientMessage.Want(hash, Set.of()));
        RawChannel c = channels.poll(10, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("no channel from a holder within 10 s");
        }
        return c;
    }

    private void send(ClientMessage m) {
        send(Codec.encode(m));
    }

    @Override
    void onFrame(String text) {
        Codec.parseServer(text).ifPresent(m -> owner.execute(() -> handle(m)));
    }

    private void handle(ServerMessage m) {
        if (!(m instanceof ServerMessage.Signal s)) {
            return;
        }
        if (s.data().sdp() != null && s.data().sdp().isOffer()) {
            link = Link.answer(s.from(), s.hash(), s.data().sdp(), Ice.NONE, owner, new Link.Listener() {
                @Override
                public void onSignal(Link l, SignalData data) {
                    send(new ClientMessage.Signal(l.remotePeer(), l.sessionHash(), data));
                }

                @Override
                public void onRemoteChannel(Link l, Channel channel) {
                    BlockingQueue<String> events = new LinkedBlockingQueue<>();
                    channel.setListener(new Channel.Listener() {
                        @Override
                        public void onOpen(Channel c) {
                            channels.add(new RawChannel(c, events));
                        }

                        @Override
                        public void onText(Channel c, String text) {
                            events.add("text:" + text);
                        }

                        @Override
                        public void onBinary(Channel c, byte[] bytes) {
                            events.add("binary:" + bytes.length);
                        }

                        @Override
                        public void onClosed(Channel c) {
                            events.add("closed");
                        }
                    });
                    if (channel.isOpen()) {
                        channels.add(new RawChannel(channel, events));
                    }
                }

                @Override
                public void onClosed(Link l) {
                }
            });
        } else if (link != null) {
            link.onRemoteSignal(s.data());
        }
    }

    @Override
    public void close() throws InterruptedException {
        owner.execute(() -> {
            if (link != null) {
                link.close();
            }
        });
        owner.shutdown();
        owner.awaitTermination(5, TimeUnit.SECONDS);
        abort();
    }
}
