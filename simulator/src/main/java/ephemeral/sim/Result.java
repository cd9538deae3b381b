package ephemeral.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What one run measured, and the figures derived from it.
 *
 * @param routing      "ours" (the real server's 1/N rule) or "coinflip" (ephemeral2's rule, modelled)
 * @param serverCpuMs  CPU time of the in-process server's threads; -1 when the server was elsewhere or modelled
 * @param holdersAtEnd online holders of each page when the run ended
 * @param countFrames  {@code peers} count frames the peers received (ours only; not in the messages per peer)
 * @param errors       {@code error} frames the server sent, by code (ours only)
 */
public record Result(String routing, SimOptions options, Recorder recorder, long[] served, boolean[] everHeld,
                     long serverCpuMs, long wallMs, int[] holdersAtEnd, long countFrames, Map<String, Long> errors) {

    public long fetched() {
        return recorder.fetched;
    }

    public long failed() {
        return recorder.failed;
    }

    /** Of the fetches that ended while their peer stayed, the share that got the page. */
    public double successRate() {
        long ended = recorder.fetched + recorder.failed;
        return ended == 0 ? Double.NaN : (double) recorder.fetched / ended;
    }

    /** A percentile (0–100) of time to content, in ms; NaN without any fetch. */
    public double ttcPercentile(double p) {
        long[] v = recorder.timeToContentMs.stream().mapToLong(Long::longValue).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, i))];
    }

    public long attempts() {
        return recorder.reachedNone + recorder.reachedOne + recorder.reachedMany;
    }

    /** Uploads served by each peer that ever held a page. */
    public long[] holderLoads() {
        List<Long> loads = new ArrayList<>();
        for (int i = 0; i < served.length; i++) {
            if (everHeld[i]) {
                loads.add(served[i]);
            }
        }
        return loads.stream().mapToLong(Long::longValue).toArray();
    }

    public double loadMean() {
        return Arrays.stream(holderLoads()).average().orElse(0);
    }

    public long loadMax() {
        return Arrays.stream(holderLoads()).max().orElse(0);
    }

    /** The Gini coefficient of holder load: 0 when every holder served as much, towards 1 when one served all. */
    public double loadGini() {
        return gini(holderLoads());
    }

    static double gini(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        double sum = 0;
        double weighted = 0;
        for (int i = 0; i < v.length; i++) {
            sum += v[i];
            weighted += (i + 1) * (double) v[i];
        }
        if (v.length == 0 || sum == 0) {
            return 0;
        }
        return 2 * weighted / (v.length * sum) - (v.length + 1.0) / v.length;
    }

    public double messagesPerPeer() {
        List<Recorder.Sample> s = recorder.series;
        long total = s.isEmpty() ? 0 : s.get(s.size() - 1).messages();
        return recorder.peersSeen == 0 ? 0 : (double) total / recorder.peersSeen;
    }

    public int pagesAliveAtEnd() {
        int alive = 0;
        for (int h : holdersAtEnd) {
            alive += h > 0 ? 1 : 0;
        }
        return alive;
    }
}
