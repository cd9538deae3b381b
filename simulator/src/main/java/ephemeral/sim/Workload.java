package ephemeral.sim;

import ephemeral.protocol.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Who comes when, stays how long and wants what: a pure function of the options (their seed), so the
 * same workload can be run against the real server and against the coin-flip model.
 */
public final class Workload {
    /** One peer's visit: it arrives at {@code atMs}, stays {@code sessionMs}; it created page {@code page} or wants it. */
    public record Arrival(int peer, long atMs, long sessionMs, int page, boolean creator) {
    }

    public final List<Arrival> arrivals;
    public final List<String> hashes;
    public final long[] sizes;

    private Workload(List<Arrival> arrivals, List<String> hashes, long[] sizes) {
        this.arrivals = arrivals;
        this.hashes = hashes;
        this.sizes = sizes;
    }

    public static Workload of(SimOptions o) {
        SplittableRandom random = new SplittableRandom(o.seed());
        List<String> hashes = new ArrayList<>();
        long[] sizes = new long[o.pages()];
        for (int p = 0; p < o.pages(); p++) {
            hashes.add(Sha256.of(("simulated page " + p + " of run " + o.seed()).getBytes(StandardCharsets.UTF_8)));
            sizes[p] = Math.max(1024, Math.round(exponential(random, o.meanPageBytes())));
        }
        double[] cumulative = zipf(o.pages(), o.zipf());
        List<Arrival> arrivals = new ArrayList<>();
        // the first holders arrive over the first third of the ramp, then the other first peers over the rest:
        // pages exist before anyone asks for them, and a big swarm does not connect in one instant
        int creators = o.pages() * o.holdersAtStart();
        long ramp = rampMs(o);
        for (int i = 0; i < o.peers(); i++) {
            boolean creator = i < creators;
            long at = creator ? i * (ramp / 3) / creators
                    : ramp / 3 + (i - creators) * (ramp - ramp / 3) / Math.max(1, o.peers() - creators);
            arrivals.add(new Arrival(i, at, session(random, o), creator ? i % o.pages() : pick(random, cumulative), creator));
        }
        double t = ramp;
        int id = o.peers();
        while (o.arrivalsPerSecond() > 0) {
            t += exponential(random, 1000 / o.arrivalsPerSecond());
            if (t >= o.durationMs()) {
                break;
            }
            arrivals.add(new Arrival(id++, (long) t, session(random, o), pick(random, cumulative), false));
        }
        return new Workload(List.copyOf(arrivals), List.copyOf(hashes), sizes);
    }

    /** The first peers arrive over this long: 1.5 s, or 5 ms a peer for a big swarm (200 connections a second). */
    public static long rampMs(SimOptions o) {
        return Math.max(1500, o.peers() * 5L);
    }

    /** Pareto's shape for heavy-tailed sessions: finite mean, infinite variance. */
    static final double PARETO_SHAPE = 1.5;

    private static long session(SplittableRandom random, SimOptions o) {
        double length;
        if (o.paretoSessions()) {
            double scale = o.meanSessionMs() * (PARETO_SHAPE - 1) / PARETO_SHAPE; // so that the mean is meanSessionMs
            length = scale / Math.pow(1 - random.nextDouble(), 1 / PARETO_SHAPE);
        } else {
            length = exponential(random, o.meanSessionMs());
        }
        return Math.max(1000, Math.round(length));
    }

    private static double exponential(SplittableRandom random, double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }

    /** P(page ≤ k) for Zipf(s) over n pages: page k is wanted in proportion to 1/(k+1)^s. */
    static double[] zipf(int n, double s) {
        double[] c = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1 / Math.pow(k + 1, s);
            c[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            c[k] /= sum;
        }
        return c;
    }

    private static int pick(SplittableRandom random, double[] cumulative) {
        double u = random.nextDouble();
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
