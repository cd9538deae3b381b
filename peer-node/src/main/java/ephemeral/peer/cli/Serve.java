package ephemeral.peer.cli;

import ephemeral.peer.PeerNode;
import java.util.concurrent.CountDownLatch;

/** Serving until stopped: Ctrl-C (or SIGTERM) closes the node and frees the native factory, then the JVM exits. */
final class Serve {
    private Serve() {}

    static int untilStopped(PeerNode node) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            Main.quietNativeStdout();
            PeerNode.disposeNative();
            stopped.countDown();
        }, "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
