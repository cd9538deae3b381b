package ephemeral.e2e.bench;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Open-loop load: {@code perSecond} sends, whatever the server's answers, on a ticker. Each tick sends what
 * is owed by then, so the rate holds however coarse the ticks (fractional rates carry over).
 */
final class OpenLoop {
    private OpenLoop() {
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
