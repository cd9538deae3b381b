package ephemeral.signaling.ws;

/**
 * Rate limit for one connection: {@code burst} messages at once, refilled at {@code perSecond}. Also
 * tracks sustained abuse: more than {@code burst} refused messages within {@link #ABUSE_WINDOW_NANOS}.
 */
final class TokenBucket {
    static final long ABUSE_WINDOW_NANOS = 10_000_000_000L;

    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;
    private long windowStart;
    private int refusedInWindow;

    TokenBucket(int perSecond, int burst, long now) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = now;
        this.windowStart = now;
    }

    /** Takes one token; false if the connection is over its rate. */
    synchronized boolean tryTake(long now) {
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        if (now - windowStart > ABUSE_WINDOW_NANOS) {
            windowStart = now;
            refusedInWindow = 0;
        }
        refusedInWindow++;
        return false;
    }

    /** True once the connection has kept sending while refused: time to close it. */
    synchronized boolean abusive() {
        return refusedInWindow > burst;
    }
}
