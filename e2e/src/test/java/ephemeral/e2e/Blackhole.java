package ephemeral.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on a loopback port in front of the server. {@link #drop()} is a network that goes away without
 * a word: every connection relayed so far goes quiet without closing (bytes are read and discarded both
 * ways), and new ones are closed at once, until {@link #restore()}; connections made after that are relayed
 * normally.
 */
public final class Blackhole implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final List<Pair> pairs = new CopyOnWriteArrayList<>();
    private volatile boolean down;

    private final class Pair {
        final Socket client;
        final Socket server;
        volatile boolean silent;

        Pair(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void pump(InputStream in, OutputStream out) {
            byte[] buf = new byte[16384];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    if (!silent) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException closed) {
                // either side went away
            }
            close();
        }

        void close() {
            try {
                client.close();
                server.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** @param targetPort the server's port on 127.0.0.1 */
    public Blackhole(int targetPort) throws IOException {
        this.target = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "blackhole-accept");
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Every connection relayed so far goes silent both ways, and stays open; new ones are refused. */
    public void drop() {
        down = true;
        pairs.forEach(p -> p.silent = true);
    }

    /** New connections are relayed again (the silent ones stay silent). */
    public void restore() {
        down = false;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (down) {
                    client.close();
                    continue;
                }
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                Pair pair = new Pair(client, server);
                pairs.add(pair);
                start(() -> pair.pump(client.getInputStream(), server.getOutputStream()));
                start(() -> pair.pump(server.getInputStream(), client.getOutputStream()));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private interface IoTask {
        void run() throws IOException;
    }

    private static void start(IoTask task) {
        Thread t = new Thread(() -> {
            try {
                task.run();
            } catch (IOException ignored) {
                // the pair closes itself
            }
        }, "blackhole-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        pairs.forEach(Pair::close);
    }
}
