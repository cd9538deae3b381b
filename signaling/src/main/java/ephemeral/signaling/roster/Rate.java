package ephemeral.signaling.roster;

/**
 * A token bucket's state: {@link Fairness#burst} events at once, refilled at {@code perSecond}. The rates
 * live in {@link Fairness}; this is only what one (wanter, page) or holder has used. A (wanter, holder)
 * bucket is a row of the wanter's {@link PairTable}, refilled by {@link #refilled}. Guarded by the
 * {@link Hub}'s lock.
 */
final class Rate {
    private double tokens = Double.NaN; // full on first use
    private long last;

    boolean available(long now, double perSecond) {
        refill(now, perSecond);
        return tokens >= 1;
    }

    void take(long now, double perSecond) {
        refill(now, perSecond);
        tokens -= 1;
    }

    /** Nanoseconds until one token is there (0 if it is now). */
    long nanosUntilAvailable(long now, double perSecond) {
        refill(now, perSecond);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perSecond * 1e9);
    }

    private void refill(long now, double perSecond) {
        tokens = refilled(tokens, last, now, perSecond);
        last = now;
    }

    /** What a bucket last seen at {@code last} with {@code tokens} (NaN: never used, so full) holds at {@code now}. */
    static double refilled(double tokens, long last, long now, double perSecond) {
        int burst = Fairness.burst(perSecond);
        return Double.isNaN(tokens) ? burst : Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
    }
}
