package ephemeral.peer.cli;

import ephemeral.peer.PeerNode;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A progress line on stderr for fetches that take more than a second, only when attached to a terminal. */
final class Progress implements AutoCloseable {
    private final ScheduledExecutorService timer;
    private volatile boolean printed;
    /** Bytes/s, smoothed over the last seconds (an exponential moving average of 250 ms samples). */
    private double speed = -1;
    private long lastGot = -1;
    private long lastAt;

    Progress(PeerNode node, String hash, boolean enabled) {
        if (!enabled || System.console() == null) {
            timer = null;
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> {
            Optional<long[]> p = node.progress(hash);
            if (p.isPresent()) {
                long got = p.get()[0];
                long size = p.get()[1];
                // before bytes flow, what it waits for: never a bare spinner
                String of = size < 0 ? node.status(hash).orElse("waiting for a holder") : String.format(Locale.ROOT,
                        "%.1f / %.1f MB (%d%%)%s", got / 1e6, size / 1e6, size == 0 ? 100 : got * 100 / size, rate(got, size));
                System.err.print("\r\033[K" + hash.substring(0, 12) + "… " + of);
                printed = true;
            }
        }, 1000, 250, TimeUnit.MILLISECONDS);
    }

    /** " · 3.2 MB/s · 12 s left", once bytes flow. */
    private String rate(long got, long size) {
        long now = System.nanoTime();
        if (lastGot >= 0 && now > lastAt && got >= lastGot) {
            double sample = (got - lastGot) * 1e9 / (now - lastAt);
            speed = speed < 0 ? sample : 0.8 * speed + 0.2 * sample;
        }
        lastGot = got;
        lastAt = now;
        return speed <= 0 || got == 0 ? "" : rateText(speed, got, size);
    }

    /** " · 3.2 MB/s · 12 s left" for a transfer at {@code bytesPerSecond} that has {@code got} of {@code size}. */
    static String rateText(double bytesPerSecond, long got, long size) {
        long left = (long) Math.ceil(Math.max(0, size - got) / bytesPerSecond);
        String time = left >= 3600 ? left / 3600 + " h " + left % 3600 / 60 + " min"
                : left >= 60 ? left / 60 + " min " + left % 60 + " s" : left + " s";
        return String.format(Locale.ROOT, " · %.1f MB/s · %s left", bytesPerSecond / 1e6, time);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
            if (printed) {
                System.err.println();
            }
        }
    }
}
