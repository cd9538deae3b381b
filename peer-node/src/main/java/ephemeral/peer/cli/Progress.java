package ephemeral.peer.cli;

import ephemeral.peer.PeerNode;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A progress line on stderr for fetches that take more than a second, only when attached to a terminal. */
final class Progress implements AutoCloseable {
    private final ScheduledExecutorService timer;
    private volatile boolean printed;

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
                String of = size < 0 ? node.status(hash).orElse("waiting for a holder") : String.format("%.1f / %.1f MB (%d%%)",
                        got / 1e6, size / 1e6, size == 0 ? 100 : got * 100 / size);
                System.err.print("\r\033[K" + hash.substring(0, 12) + "… " + of);
                printed = true;
            }
        }, 1000, 250, TimeUnit.MILLISECONDS);
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
