package ephemeral.sim;

import java.util.PriorityQueue;

/** Simulated time: events run in time order (ties in the order scheduled), as fast as the CPU allows. */
final class VirtualClock implements Clock {
    private record Event(long atMs, long seq, Runnable task) {
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) ->
            a.atMs != b.atMs ? Long.compare(a.atMs, b.atMs) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;
    private boolean stopped;

    @Override
    public long nowMs() {
        return now;
    }

    @Override
    public void schedule(long delayMs, Runnable task) {
        queue.add(new Event(now + Math.max(0, delayMs), seq++, task));
    }

    void stop() {
        stopped = true;
    }

    /** Runs events until {@link #stop()} or none are left. */
    void run() {
        while (!stopped && !queue.isEmpty()) {
            Event e = queue.poll();
            now = e.atMs;
            e.task.run();
        }
    }
}
