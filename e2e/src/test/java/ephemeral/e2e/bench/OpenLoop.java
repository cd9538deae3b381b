package ephemeral.e2e.bench;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Open-loop load: {@code perSecond} sends, whatever the server's answers, on a ticker. Each tick sends what
 * is owed by then, so the rate holds however coarse the ticks (fractional rates carry over).
 */
final class OpenLoop {
    /**
     * The loop runs this long before its samples count: its sends take a path of the load generator (a
     * ticker thread handing sends to the selector) that the closed loop before it never took, and its first
     * few hundred milliseconds ran that path cold (latencies of 20–45 ms there, in a run whose p99 was 9 ms).
     */
    private static final int WARMUP_MILLIS = 1_000;
    /** After the last send, how long answers still in flight are waited for. */
    private static final int DRAIN_MILLIS = 300;

    private OpenLoop() {
    }

    /**
     * Sends {@code 0, 1, 2, …} to {@code send} at {@code perSecond}, one tick every {@code tickMillis}: a
     * warm-up, then {@code seconds} with {@code samples} recording, then the answers in flight.
     */
    static void run(double perSecond, int tickMillis, LongConsumer send, Samples samples, int seconds)
            throws InterruptedException {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        try {
            start(ticker, perSecond, tickMillis, send);
            Thread.sleep(WARMUP_MILLIS);
            samples.on = true;
            Thread.sleep(seconds * 1_000L);
        } finally {
            ticker.shutdownNow();
        }
        Thread.sleep(DRAIN_MILLIS);
        samples.on = false;
    }

    /** Calls {@code send} with 0, 1, 2, … at {@code perSecond}, on {@code ticker}, every {@code tickMillis}. */
    static void start(ScheduledExecutorService ticker, double perSecond, int tickMillis, LongConsumer send) {
        double perTick = perSecond * tickMillis / 1_000;
        double[] owed = {0};
        long[] sent = {0};
        ticker.scheduleAtFixedRate(() -> {
            owed[0] += perTick;
            while (owed[0] >= 1) {
                owed[0] -= 1;
                send.accept(sent[0]++);
            }
        }, 0, tickMillis, TimeUnit.MILLISECONDS);
    }
}
