package ephemeral.e2e.bench;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The closed relay loop, whatever the server: {@code pairs} holder/wanter pairs the server lets signal each
 * other, {@code window} signals in flight per pair. Each signal carries an {@link Sdp} with its send time;
 * whoever receives one records its latency and sends the next one back to its partner at once, so the
 * window stays full. Runs on the load generator's thread; the protocol decides what a signal looks like.
 */
final class Relay implements AutoCloseable {
    /** The frame that carries {@code sdp} (JSON) from one side of a pair to the other. */
    interface Protocol {
        String signal(int pair, boolean fromWanter, String sdp);
    }

    private final NioLoad load;
    private final NioLoad.Client[] holders;
    private final NioLoad.Client[] wanters;
    private final int window;
    private final Protocol protocol;
    private final Pace[] pace;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "relay-later");
        t.setDaemon(true);
        return t;
    });
    final Samples latencies = new Samples(1 << 21);
    /** Latencies of the open loop ({@link #openLoop}). */
    final Samples open = new Samples(1 << 21);
    final AtomicLong relayed = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong paced = new AtomicLong();
    private volatile boolean running;

    /**
     * @param perSecond a per-connection rate the clients keep below (the server's limit, as a client must),
     *                  or 0 for a server without one
     */
    Relay(NioLoad load, NioLoad.Client[] holders, NioLoad.Client[] wanters, int window, double perSecond, int burst, Protocol protocol) {
        this.load = load;
        this.holders = holders;
        this.wanters = wanters;
        this.window = window;
        this.protocol = protocol;
        this.pace = new Pace[holders.length * 2];
        for (int i = 0; i < pace.length; i++) {
            pace[i] = perSecond > 0 ? new Pace(perSecond, burst) : null;
        }
    }

    /** Fills every pair's window: the wanters send first, as a wanter's offer does. */
    void start() {
        running = true;
        load.execute(() -> {
            for (int k = 0; k < window; k++) {
                for (int i = 0; i < holders.length; i++) {
                    send(i, true);
                }
            }
        });
    }

    /** Stops refilling the window; signals in flight still arrive. */
    void stop() {
        running = false;
    }

    /** A signal arrived at one side of a pair (on the generator's thread): record it and answer. */
    void received(int pair, boolean atWanter, String frame) {
        long sentAt = Sdp.sentAt(frame);
        if (sentAt < 0) {
            return;
        }
        long latency = System.nanoTime() - sentAt;
        latencies.add(latency);
        open.add(latency);
        relayed.incrementAndGet();
        if (running) {
            send(pair, atWanter);
        }
    }

    /**
     * Latency below saturation: {@code perSecond} signals in all, spread evenly over the pairs and both
     * directions, one tick per millisecond, none answered (so none waits behind a full window), recorded for
     * {@code seconds} after {@link OpenLoop#run}'s warm-up; then lets what is in flight arrive. Call after
     * {@link #stop}.
     */
    void openLoop(double perSecond, int seconds) throws InterruptedException {
        // sends and their pacing stay on the generator's thread
        OpenLoop.run(perSecond, 1, n -> load.execute(() -> send((int) (n / 2 % holders.length), n % 2 == 0)), open, seconds);
    }

    /** The server refused a signal: counted; after a rate-limit refusal it is sent again shortly. */
    void refused(int pair, boolean atWanter, boolean retry) {
        refused.incrementAndGet();
        if (retry && running) {
            later.schedule(() -> load.execute(() -> send(pair, atWanter)), 20, TimeUnit.MILLISECONDS);
        }
    }

    private void send(int pair, boolean fromWanter) {
        NioLoad.Client client = fromWanter ? wanters[pair] : holders[pair];
        Pace p = pace[pair * 2 + (fromWanter ? 1 : 0)];
        long wait = p == null ? 0 : p.take(System.nanoTime());
        if (wait <= 0) {
            client.send(protocol.signal(pair, fromWanter, Sdp.json(fromWanter, System.nanoTime())));
        } else {
            paced.incrementAndGet();
            later.schedule(() -> load.execute(
                    () -> client.send(protocol.signal(pair, fromWanter, Sdp.json(fromWanter, System.nanoTime())))),
                    wait, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void close() {
        running = false;
        later.shutdownNow();
    }

    /** A client-side token bucket that may go into debt: how long to wait before sending this one. */
    static final class Pace {
        private final double perNano;
        private final double burst;
        private double tokens;
        private long last = System.nanoTime();

        Pace(double perSecond, int burst) {
            this.perNano = perSecond / 1e9;
            this.burst = burst;
            this.tokens = burst;
        }

        long take(long now) {
            tokens = Math.min(burst, tokens + (now - last) * perNano) - 1;
            last = now;
            return tokens >= 0 ? 0 : (long) (-tokens / perNano);
        }
    }
}
