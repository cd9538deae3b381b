package ephemeral.e2e.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Attacks below the protocol (issue #10's table, server rows): partial large frames, many connections from
 * one address, fuzzed frames. Raw {@link RawWs} connections from loopback addresses other than the
 * innocents' {@code 127.0.0.1}.
 */
final class WireAttacks {
    /** Connections one attacking address opens in the partial-frame row: under the per-address limit (256). */
    private static final int PER_ADDRESS = 200;

    private WireAttacks() {
    }

    // --------------------------------------------------------------------------- (d) partial frames

    /**
     * Each connection announces a text frame of {@code frameBytes} and sends all of it but the last byte,
     * then holds. Connections come from several addresses, so that the frame bound, not the per-address
     * limit, is what is measured.
     */
    static List<Figure> partialFrames(AttackServer server, AttackScale s, String prefix, Innocents innocents, long frameBytes) throws Exception {
        List<RawWs> conns = new ArrayList<>();
        int refused = 0;
        try {
            for (int i = 0; i < s.partialConnections(); i++) {
                try {
                    conns.add(RawWs.open("127.0.1." + (1 + i / PER_ADDRESS), server.port));
                } catch (IOException e) {
                    refused++;
                }
            }
            long[] left = new long[conns.size()];
            boolean[] closed = new boolean[conns.size()];
            ByteBuffer chunk = ByteBuffer.wrap(new byte[64 * 1024]);
            Arrays.fill(chunk.array(), (byte) 'a');
            for (int i = 0; i < conns.size(); i++) {
                RawWs c = conns.get(i);
                c.write(RawWs.header(0x81, frameBytes));
                c.channel.configureBlocking(false);
                left[i] = frameBytes - 1;
            }
            long sent = 0;
            long cpu0 = server.cpuNanos();
            long jit0 = Warmup.compilerNanos(server);
            long t0 = System.nanoTime();
            long deadline = t0 + TimeUnit.SECONDS.toNanos(s.attackSeconds());
            ByteBuffer scratch = ByteBuffer.allocate(4096);
            long lastProgress = System.nanoTime();
            while (System.nanoTime() < deadline && System.nanoTime() - lastProgress < TimeUnit.SECONDS.toNanos(3)) {
                boolean pending = false;
                boolean moved = false;
                for (int i = 0; i < conns.size(); i++) {
                    if (closed[i] || left[i] == 0) {
                        continue;
                    }
                    try {
                        chunk.clear().limit((int) Math.min(chunk.capacity(), left[i]));
                        int n = conns.get(i).channel.write(chunk);
                        left[i] -= n;
                        sent += n;
                        moved |= n > 0;
                        pending |= left[i] > 0;
                    } catch (IOException e) {
                        closed[i] = true;
                    }
                }
                if (!pending) {
                    break;
                }
                if (moved) {
                    lastProgress = System.nanoTime();
                } else {
                    Thread.sleep(50); // the server reads no more for now: it holds what it has
                }
            }
            // whose CPU the sending cost: the server's share says whether it was the server that was busy
            double seconds = (System.nanoTime() - t0) / 1e9;
            double serverCores = (server.cpuNanos() - cpu0) / 1e9 / seconds;
            double jitCores = (Warmup.compilerNanos(server) - jit0) / 1e9 / seconds;
            Thread.sleep(s.holdSeconds() * 1_000L);
            int closedByServer = 0;
            for (int i = 0; i < conns.size(); i++) {
                try {
                    scratch.clear();
                    int n;
                    while ((n = conns.get(i).channel.read(scratch)) > 0) {
                        scratch.clear(); // the welcome, and perhaps a close frame: what counts is the end of stream
                    }
                    if (n < 0) {
                        closed[i] = true;
                    }
                } catch (IOException e) {
                    closed[i] = true;
                }
                closedByServer += closed[i] ? 1 : 0;
            }
            innocents.end(); // before the full GC, which pauses the server
            double heap = server.healthy() ? server.heapMbAfterGc() : Double.NaN;
            String what = conns.size() + " connections (" + PER_ADDRESS + " per address), each a text frame announcing "
                    + String.format("%,d", frameBytes) + " B and sending all but its last byte";
            return List.of(
                    Figure.info(prefix + "connections_closed_by_server", closedByServer, "of " + conns.size()).withNote(what
                            + (refused > 0 ? "; " + refused + " upgrades refused" : "")),
                    Figure.info(prefix + "sent", sent / 1048576.0, "MB").withNote("bytes the server's socket took (kernel buffers included)"),
                    Figure.info(prefix + "server_cpu_while_sending", serverCores, "cores")
                            .withNote("the server process's CPU (all threads) while the attacker sent, of 2 cores"),
                    Figure.info(prefix + "server_jit_while_sending", jitCores, "cores")
                            .withNote("of which its JIT compiler threads"),
                    Figure.info(prefix + "heap_after_gc", heap, "MB").withNote("NaN: the server did not answer"),
                    Figure.info(prefix + "rss", server.rssMb(), "MB"));
        } finally {
            conns.forEach(RawWs::close);
        }
    }

    // --------------------------------------------------------------------- (e) connections from one address

    /** As many upgrades as possible from one address (127.0.0.2), four at a time; the accepted are kept open. */
    static List<Figure> oneAddress(AttackServer server, AttackScale s, String prefix, Innocents innocents) throws Exception {
        List<RawWs> kept = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(s.connectSeconds());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long t0 = System.nanoTime();
        try {
            for (int t = 0; t < 4; t++) {
                pool.execute(() -> {
                    while (next.getAndIncrement() < s.connectionAttempts() && System.nanoTime() < deadline) {
                        try {
                            kept.add(RawWs.open("127.0.0.2", server.port));
                        } catch (RawWs.Refused e) {
                            refused.incrementAndGet();
                        } catch (IOException e) {
                            failed.incrementAndGet();
                        }
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(s.connectSeconds() + 30L, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            int attempts = kept.size() + refused.get() + failed.get();
            Thread.sleep(s.holdSeconds() * 1_000L);
            return List.of(
                    Figure.info(prefix + "accepted", kept.size(), "connections")
                            .withNote(attempts + " upgrades tried from 127.0.0.2 in " + String.format("%.1f", seconds) + " s (at most "
                                    + s.connectionAttempts() + " or " + s.connectSeconds() + " s), accepted ones kept open"),
                    Figure.info(prefix + "refused", refused.get(), "upgrades").withNote("answered with another status than 101 (429 when limited)"),
                    Figure.info(prefix + "upgrades_failed", failed.get(), "upgrades").withNote("no answer, or the connection failed"),
                    Figure.info(prefix + "attempts_per_s", attempts / seconds, "upgrades/s"),
                    Figure.info(prefix + "rss", server.rssMb(), "MB"));
        } finally {
            pool.shutdownNow();
            kept.forEach(RawWs::close);
        }
    }

    // ------------------------------------------------------------------------------------- (f) fuzzing

    /**
     * Fuzzing threads send batches of malformed frames (bad JSON, wrong fields, deep nesting, binary) and,
     * now and then, one that ends the connection (bad UTF-8, reserved opcode, RSV1, oversized, bad
     * continuation), then reconnect. Also checks how much of a 200 kB unknown {@code type} comes back.
     */
    static List<Figure> fuzz(AttackServer server, AttackScale s, String prefix, Innocents innocents) throws Exception {
        AtomicLong frames = new AtomicLong();
        AtomicLong connections = new AtomicLong();
        AtomicLong refusedUpgrades = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(s.fuzzSeconds());
        ExecutorService pool = Executors.newFixedThreadPool(s.fuzzThreads());
        long t0 = System.nanoTime();
        for (int t = 0; t < s.fuzzThreads(); t++) {
            long seed = t;
            pool.execute(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                byte[] drain = new byte[65536];
                while (frames.get() < s.fuzzFrames() && System.nanoTime() < deadline) {
                    try (RawWs c = RawWs.open("127.0.0.3", server.port)) {
                        connections.incrementAndGet();
                        while (frames.get() < s.fuzzFrames() && System.nanoTime() < deadline) {
                            for (int i = 0; i < 50; i++) {
                                c.write(Fuzz.harmless(random));
                                frames.incrementAndGet();
                            }
                            var in = c.channel.socket().getInputStream();
                            while (in.available() > 0) {
                                in.read(drain, 0, Math.min(drain.length, in.available()));
                            }
                            if (random.nextInt(3) == 0) {
                                c.write(Fuzz.fatal(random));
                                frames.incrementAndGet();
                                break;
                            }
                        }
                    } catch (RawWs.Refused e) {
                        refusedUpgrades.incrementAndGet();
                    } catch (IOException e) {
                        // the server closed it: as expected for most fatal frames, and for a rate-limited one
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(s.fuzzSeconds() + 30L, TimeUnit.SECONDS);
        pool.shutdownNow();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long echo = echoOfLongType(server);
        return List.of(
                Figure.info(prefix + "frames", frames.get(), "frames")
                        .withNote(s.fuzzThreads() + " threads from 127.0.0.3, " + String.format("%.1f", seconds) + " s, "
                                + connections.get() + " connections" + (refusedUpgrades.get() > 0 ? ", " + refusedUpgrades.get() + " upgrades refused" : "")),
                Figure.info(prefix + "frames_per_s", frames.get() / seconds, "frames/s"),
                Figure.info(prefix + "unknown_type_echo", echo, "bytes")
                        .withNote("payload of the error answering a 200,000-character unknown `type`; -1: no answer"));
    }

    /** The size of the answer to a 200 kB unknown type, or -1. */
    private static long echoOfLongType(AttackServer server) {
        try (RawWs c = RawWs.open("127.0.0.4", server.port)) {
            c.readFrame(); // welcome
            c.write(RawWs.text("{\"type\":\"" + "x".repeat(200_000) + "\"}"));
            long total = 0;
            boolean inText = false;
            long frame;
            while ((frame = c.readFrame()) >= 0) {
                int opcode = (int) (frame & 0x0f);
                if (opcode == 0x1 || (opcode == 0x0 && inText)) { // the answer may come in fragments
                    total += frame >>> 5;
                    inText = true;
                    if ((frame & 0x10) != 0) {
                        return total;
                    }
                }
            }
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Malformed frames. */
    static final class Fuzz {
        private static final String HASH = "ab".repeat(32);

        private Fuzz() {
        }

        /** A frame the server must refuse with an error, keeping the connection. */
        static byte[] harmless(SplittableRandom r) {
            switch (r.nextInt(6)) {
                case 0 -> { // printable garbage, often almost JSON
                    String base = "{\"type\":\"want\",\"hash\":\"" + HASH + "\",\"exclude\":[\"a\"]}";
                    return RawWs.text(base.substring(0, r.nextInt(base.length())) + randomAscii(r, r.nextInt(40)));
                }
                case 1 -> {
                    String[] wrong = {"{\"type\":\"want\",\"hash\":\"xyz\"}", "{\"type\":\"have\",\"hashes\":[1,2]}",
                            "{\"type\":\"want\",\"hash\":\"" + HASH + "\",\"extra\":1}", "{\"type\":\"have\",\"hash\":\"" + HASH + "\",\"hash\":\"" + HASH + "\"}",
                            "{\"type\":\"signal\",\"to\":\"x\",\"hash\":\"" + HASH + "\",\"data\":{\"sdp\":5}}", "[]", "null", "{}",
                            "{\"type\":\"nope\"}", "{\"type\":\"want\",\"hash\":\"" + HASH + "\"} trailing"};
                    return RawWs.text(wrong[r.nextInt(wrong.length)]);
                }
                case 2 -> {
                    int depth = 100 + r.nextInt(5_000);
                    return RawWs.text("[".repeat(depth) + "]".repeat(depth));
                }
                case 3 -> {
                    byte[] b = new byte[r.nextInt(200)];
                    r.nextBytes(b);
                    return RawWs.frame(0x82, b); // binary
                }
                case 4 -> {
                    return RawWs.text("{\"type\":\"want\",\"hash\":\"" + HASH + "\",\"exclude\":[" + "\"aaaaaaaaaaaaaaaaaaaaaa\",".repeat(r.nextInt(200)) + "\"b\"]}");
                }
                default -> { // a message split in fragments
                    byte[] all = ("{\"type\":\"unwant\",\"hash\":\"" + HASH + "\"}").getBytes(StandardCharsets.UTF_8);
                    int cut = 1 + r.nextInt(all.length - 1);
                    byte[] a = RawWs.frame(0x01, Arrays.copyOfRange(all, 0, cut));
                    byte[] b = RawWs.frame(0x80, Arrays.copyOfRange(all, cut, all.length));
                    byte[] out = Arrays.copyOf(a, a.length + b.length);
                    System.arraycopy(b, 0, out, a.length, b.length);
                    return out;
                }
            }
        }

        /** A frame after which the server may (and should) close the connection. */
        static byte[] fatal(SplittableRandom r) {
            switch (r.nextInt(5)) {
                case 0 -> {
                    byte[] b = new byte[1 + r.nextInt(100)];
                    r.nextBytes(b);
                    b[0] = (byte) 0xC3; // a lead byte...
                    if (b.length > 1) {
                        b[1] = 0x28; // ...with no continuation: never UTF-8
                    }
                    return RawWs.frame(0x81, b);
                }
                case 1 -> {
                    return RawWs.frame(0x83, new byte[10]); // reserved opcode
                }
                case 2 -> {
                    return RawWs.frame(0xC1, "{}".getBytes(StandardCharsets.UTF_8)); // RSV1 without deflate
                }
                case 3 -> { // announces 2 MiB, sends 1 KiB: over any frame bound
                    byte[] h = RawWs.header(0x81, 2L << 20);
                    return Arrays.copyOf(h, h.length + 1024);
                }
                default -> {
                    return RawWs.frame(0x80, "x".getBytes(StandardCharsets.UTF_8)); // continuation without a start
                }
            }
        }

        private static String randomAscii(SplittableRandom r, int n) {
            StringBuilder b = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                b.append((char) (0x20 + r.nextInt(95)));
            }
            return b.toString();
        }
    }
}
