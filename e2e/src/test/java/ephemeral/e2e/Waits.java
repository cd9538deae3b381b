package ephemeral.e2e;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Polling for conditions that no single Playwright wait covers (e.g. across several pages). Playwright
 * delivers events (dialogs, console, …) only while the test thread is inside one of its calls: a
 * condition that only reads state those events update must use {@code Page#waitForCondition} instead.
 */
public final class Waits {
    private static final long POLL_MILLIS = 50;

    private Waits() {
    }

    /**
     * Polls {@code condition} until it holds.
     *
     * @param what described in the failure message
     * @param timeout how long to try
     * @param condition checked every 50 ms
     * @throws AssertionError on timeout
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
