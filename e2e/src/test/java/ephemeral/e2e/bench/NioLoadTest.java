package ephemeral.e2e.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.e2e.bench.NioLoad.Handshake;
import ephemeral.signaling.SignalingConfig;
import ephemeral.signaling.SignalingServer;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The load generator speaks to the real server the way its benchmarks say it does: a browser-like handshake
 * is declined by default and then frames are plain; against {@code --permessage-deflate} every frame is
 * compressed both ways and still understood (a want is routed, an SDP-sized signal is relayed). The full
 * benchmarks measure these variants; the smoke run leaves them out to stay short, so this keeps them honest.
 */
class NioLoadTest {

    @Test
    void browserLikeClientsAreDeclinedByDefaultAndSpeakPlainFrames() throws Exception {
        exchange(SignalingConfig.defaults(), Handshake.BROWSER, false);
    }

    @Test
    void browserLikeClientsCompressAndInflateWhenTheServerAcceptsDeflate() throws Exception {
        exchange(SignalingConfig.defaults().withPermessageDeflate(true), Handshake.BROWSER, true);
    }

    @Test
    void bareClientsNeverCompress() throws Exception {
        exchange(SignalingConfig.defaults().withPermessageDeflate(true), Handshake.BARE, false);
    }

    /** A holder and a wanter: have, want → content_request and routed, then a signal each way. */
    private static void exchange(SignalingConfig config, Handshake handshake, boolean deflate) throws Exception {
        SignalingServer server = SignalingServer.create(config.withHost("127.0.0.1").withPort(0)).start();
        try (NioLoad load = new NioLoad(handshake)) {
            URI ws = URI.create("ws://127.0.0.1:" + server.port() + "/ws");
            BlockingQueue<String> atHolder = new LinkedBlockingQueue<>();
            BlockingQueue<String> atWanter = new LinkedBlockingQueue<>();
            NioLoad.Client holder = load.connect(ws, 1, i -> (c, f) -> atHolder.add(f)).get(0);
            NioLoad.Client wanter = load.connect(ws, 1, i -> (c, f) -> atWanter.add(f)).get(0);
            assertEquals(deflate, holder.deflating());
            assertEquals(deflate, wanter.deflating());
            assertEquals(deflate ? 2 : 0, load.deflating());
            assertNotNull(holder.peerId, "the welcome was read");

            String hash = Frames.sha256("nio load test");
            holder.have(hash);
            wanter.want(hash);
            String request = next(atHolder, "content_request");
            assertEquals(wanter.peerId, Frames.field(request, "from"));
            assertEquals(holder.peerId, Frames.field(next(atWanter, "routed"), "holder"));

            for (int round = 0; round < 3; round++) { // more than one message per direction: zlib state reused
                long sentAt = System.nanoTime();
                wanter.send(signal(holder.peerId, hash, Sdp.json(true, sentAt)));
                String offer = next(atHolder, "signal");
                assertEquals(sentAt, Sdp.sentAt(offer), offer);
                assertEquals(wanter.peerId, Frames.field(offer, "from"));
                holder.send(signal(wanter.peerId, hash, Sdp.json(false, sentAt + 1)));
                assertEquals(sentAt + 1, Sdp.sentAt(next(atWanter, "signal")));
            }
            assertEquals(0, load.dropped());
        } finally {
            server.stop();
        }
    }

    private static String signal(String to, String hash, String sdp) {
        return "{\"type\":\"signal\",\"to\":\"" + to + "\",\"hash\":\"" + hash + "\",\"data\":{\"sdp\":" + sdp + "}}";
    }

    /** The next frame of a type, skipping others (peers counts); fails on an error frame. */
    private static String next(BlockingQueue<String> frames, String type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String f = frames.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(f, "no " + type + " within 10 s");
            assertTrue(!Frames.isType(f, "error"), f);
            if (Frames.isType(f, type)) {
                return f;
            }
        }
    }
}
