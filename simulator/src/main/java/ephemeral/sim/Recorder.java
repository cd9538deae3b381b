package ephemeral.sim;

import java.util.ArrayList;
import java.util.List;

/** What a run measured. Written on the run's clock thread only. */
final class Recorder {
    /** One transfer that delivered a page: who served whom, when (ms into the run). */
    record Edge(int from, int to, int page, long atMs) {
    }

    /** One row of the time series, sampled every second. */
    record Sample(long tMs, int online, int pagesAlive, int holders, int wanting, long fetched, long failed,
                  long messages) {
    }

    final List<Long> timeToContentMs = new ArrayList<>();
    final List<Edge> edges = new ArrayList<>();
    final List<Sample> series = new ArrayList<>();
    long fetched;
    long failed;
    long abandoned;
    long wastedTransfers;
    /** Want attempts by how many holders they reached: none, one, more than one. */
    long reachedNone;
    long reachedOne;
    long reachedMany;
    int peersSeen;

    void attemptEnded(int reached) {
        if (reached == 0) {
            reachedNone++;
        } else if (reached == 1) {
            reachedOne++;
        } else {
            reachedMany++;
        }
    }
}
