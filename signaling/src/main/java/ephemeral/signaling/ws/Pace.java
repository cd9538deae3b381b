package ephemeral.signaling.ws;

/**
 * A rate a connection (or all of them, sharing one) is held to by reading more slowly, not by refusing: {@code
 * burst} units at once, refilled at {@code perSecond}; a debit may overdraw, and says how long until the
 * balance is back to zero. The reader waits that long before it asks Jetty for the connection's next frame,
 * so a peer that sends faster simply finds its TCP window closed (its client's own pacing, or none, does not
 * matter); debits that overdraw a shared pace wait in the order they were made. Not thread-safe.
 */
final class Pace {
    private final double perNano;
    private final double burst;
    private double balance;
    private long last;

    Pace(double perSecond, double burst, long now) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.balance = burst;
        this.last = now;
    }

    /** Takes {@code units}; returns the nanoseconds until the balance is back to zero (0: read on now). */
    long debit(double units, long now) {
        balance = Math.min(burst, balance + (now - last) * perNano) - units;
        last = now;
        return balance >= 0 ? 0 : (long) Math.ceil(-balance / perNano);
    }
}
