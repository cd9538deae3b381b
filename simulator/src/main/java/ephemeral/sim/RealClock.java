package ephemeral.sim;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wall-clock time on one thread ("sim"): for the swarm against a real server. */
final class RealClock implements Clock, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RealClock.class);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sim");
        t.setDaemon(true);
        return t;
    });
    private final long start = System.nanoTime();

    @Override
    public long nowMs() {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Override
    public void schedule(long delayMs, Runnable task) {
        if (thread.isShutdown()) {
            return; // the run is over: late frames are dropped
        }
        try {
            schedule0(delayMs, task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void schedule0(long delayMs, Runnable task) {
        thread.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("simulation event failed", e);
            }
        }, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
