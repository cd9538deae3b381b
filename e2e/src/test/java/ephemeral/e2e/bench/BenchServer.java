package ephemeral.e2e.bench;

import java.io.IOException;
import java.util.List;

/** A server under measurement, in its own process: ours ({@link ServerProcess}) or another ({@link NodeServer}). */
interface BenchServer extends AutoCloseable {
    long pid();

    /** Every process that makes up the server (one, or a cluster's nodes). */
    default List<Long> pids() {
        return List.of(pid());
    }

    /** A full garbage collection in the server, so that a following RSS reading holds no garbage. */
    void fullGc() throws IOException, InterruptedException;

    /** Resident set size of the server process, in bytes. */
    default long rss() throws IOException {
        return Procs.rss(pid());
    }

    /** CPU time (user + system, all threads) the server has used so far, in nanoseconds. */
    default long cpuNanos() throws IOException {
        return Procs.cpuNanos(pid());
    }

    @Override
    void close() throws InterruptedException;
}
