package ephemeral.e2e.bench;

import java.util.Arrays;

/**
 * Latencies, in nanoseconds, recorded by one thread (the load generator's) while {@link #on}; read by
 * another once recording is off. Bounded: samples past its capacity are dropped.
 */
final class Samples {
    private final long[] values;
    private volatile int count;
    volatile boolean on;

    Samples(int capacity) {
        values = new long[capacity];
    }

    /** Records one latency if recording is on. From the recording thread only. */
    void add(long nanos) {
        if (on && count < values.length) {
            values[count] = nanos;
            count = count + 1; // one writer: a volatile store, no atomics needed
        }
    }

    int count() {
        return count;
    }

    /** The p-th percentile (0..1), in milliseconds; NaN without samples. */
    double millis(double p) {
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        return percentile(sorted, p) / 1e6;
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1))];
    }
}
