package ephemeral.signaling.cluster;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a node's cluster work one task at a time, in the order it was given, on whichever thread finds the
 * queue idle: a message from another node is applied on the thread that received it (Lettuce's), with no
 * hand-off to the cluster thread and the wake-up it costs, unless work is already queued. Tasks that wait
 * for Redis ({@link #onThread}) run only on the cluster thread, since the receiving thread is the one that
 * would complete their wait; work queued behind such a task waits for it, so the order holds.
 */
final class Serial {
    private static final Logger LOG = LoggerFactory.getLogger(Serial.class);

    private record Task(Runnable work, boolean waitsForRedis) {
    }

    private final Queue<Task> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final Executor clusterThread;

    Serial(Executor clusterThread) {
        this.clusterThread = clusterThread;
    }

    /** Runs {@code work} here if nothing is running or queued, else after what is (maybe on another thread). */
    void here(Runnable work) {
        queue.add(new Task(work, false));
        drain(false);
    }

    /**
     * Runs {@code work}, which may wait for Redis, on the cluster thread after everything queued before it;
     * the future completes when it has run, exceptionally with what it threw.
     */
    CompletableFuture<Void> onThread(Runnable work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Task(() -> {
            try {
                work.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, true));
        toClusterThread();
        return done;
    }

    private void toClusterThread() {
        try {
            clusterThread.execute(() -> drain(true));
        } catch (RejectedExecutionException e) {
            LOG.debug("cluster work not run: the node is closing");
        }
    }

    private void drain(boolean onClusterThread) {
        while (!queue.isEmpty() && running.compareAndSet(false, true)) {
            try {
                for (Task task = queue.peek(); task != null; task = queue.peek()) {
                    if (task.waitsForRedis() && !onClusterThread) {
                        toClusterThread();
                        return;
                    }
                    queue.poll();
                    try {
                        task.work().run();
                    } catch (RuntimeException e) {
                        LOG.warn("cluster work failed: {}", e.toString());
                    }
                }
            } finally {
                running.set(false);
            }
        }
    }
}
