package ephemeral.e2e.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The wait before a measured window: the scale's warm-up seconds, then on until the measured server's JIT
 * has compiled its hot paths, that is until its compiler threads use less than {@link #QUIET_CORES} of a
 * core over a second (at most the scale's {@code warmupMaxSeconds}). A fixed few seconds were not enough
 * for every server: two cluster nodes (Jetty, Lettuce and Netty each) were still compiling with ~0.7 of the
 * machine's 2 cores through their whole measured window, which halved their figure against a single node
 * that had finished. A server runs warm in the world; the figures are of that state.
 */
final class Warmup {
    /** Compiler threads' CPU, in cores, under which the JIT counts as settled. */
    static final double QUIET_CORES = 0.05;

    private Warmup() {
    }

    /** Waits as above, and prints how long, with the compiler's last rate. */
    static void await(Scale scale, BenchServer server) throws IOException, InterruptedException {
        Thread.sleep(scale.warmupSeconds() * 1_000L);
        int waited = scale.warmupSeconds();
        long last = compilerNanos(server);
        double cores = Double.NaN;
        while (waited < scale.warmupMaxSeconds() && !(cores < QUIET_CORES)) {
            Thread.sleep(1_000);
            waited++;
            long now = compilerNanos(server);
            cores = (now - last) / 1e9;
            last = now;
        }
        System.out.println("   warm-up: " + waited + " s" + (Double.isNaN(cores) ? ""
                : String.format(" (JIT compiler threads at %.2f cores when measuring began)", cores)));
    }

    /** CPU time used so far by the server processes' JIT compiler threads (HotSpot names them "C1/C2 CompilerThre…"). */
    static long compilerNanos(BenchServer server) throws IOException {
        long sum = 0;
        for (long pid : server.pids()) {
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : tasks) {
                    try {
                        if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                            sum += Procs.cpuNanos(task.resolve("stat"));
                        }
                    } catch (NoSuchFileException e) {
                        // the thread ended meanwhile (HotSpot stops idle compiler threads)
                    }
                }
            }
        }
        return sum;
    }
}
