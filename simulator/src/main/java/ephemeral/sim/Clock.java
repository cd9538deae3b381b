package ephemeral.sim;

/**
 * Time for a run: real (the swarm against a real server) or virtual (the coin-flip model, which runs as
 * fast as the CPU allows). Everything a run does happens on the clock's one thread, so no state needs locks.
 */
interface Clock {
    long nowMs();

    void schedule(long delayMs, Runnable task);

    /** Runs {@code task} on the clock's thread as soon as possible. */
    default void execute(Runnable task) {
        schedule(0, task);
    }
}
