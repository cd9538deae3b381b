package ephemeral.signaling.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A node's cluster work: one task at a time, in order, and what waits for Redis only on the cluster thread. */
class SerialTest {
    private final ExecutorService clusterThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "cluster"));
    private final Serial serial = new Serial(clusterThread);

    @AfterEach
    void stop() {
        clusterThread.shutdownNow();
    }

    @Test
    void runsHereWhenIdleAndOnTheClusterThreadWhenAsked() throws Exception {
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        serial.here(() -> ran.add(Thread.currentThread().getName()));
        serial.onThread(() -> ran.add(Thread.currentThread().getName())).get(5, TimeUnit.SECONDS);
        assertEquals(List.of(Thread.currentThread().getName(), "cluster"), ran);
    }

    @Test
    void workGivenWhileATaskWaitsRunsAfterItInOrderAndNeverTwoAtOnce() throws Exception {
        CountDownLatch redisAnswers = new CountDownLatch(1);
        CountDownLatch waitingForRedis = new CountDownLatch(1);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        var waiting = serial.onThread(() -> {
            order.add("wait");
            waitingForRedis.countDown();
            await(redisAnswers);
        });
        await(waitingForRedis);
        int threads = 4;
        int each = 500;
        Thread[] senders = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int sender = t;
            senders[t] = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    String name = sender + ":" + i;
                    serial.here(() -> {
                        if (running.incrementAndGet() > 1) {
                            overlaps.incrementAndGet();
                        }
                        order.add(name);
                        running.decrementAndGet();
                    });
                    if (i == each / 2) {
                        serial.onThread(() -> order.add("reload " + sender)); // another wait in the middle
                    }
                }
            });
            senders[t].start();
        }
        for (Thread s : senders) {
            s.join();
        }
        assertEquals(List.of("wait"), List.copyOf(order), "nothing overtakes the task that waits");
        redisAnswers.countDown();
        waiting.get(5, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (order.size() < 1 + threads * (each + 1) && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(1 + threads * (each + 1), order.size());
        assertEquals(0, overlaps.get());
        for (int t = 0; t < threads; t++) {
            List<String> mine = new ArrayList<>();
            for (String s : List.copyOf(order)) {
                if (s.startsWith(t + ":") || s.equals("reload " + t)) {
                    mine.add(s);
                }
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                expected.add(t + ":" + i);
                if (i == each / 2) {
                    expected.add("reload " + t);
                }
            }
            assertEquals(expected, mine, "sender " + t + "'s work ran in the order given");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
