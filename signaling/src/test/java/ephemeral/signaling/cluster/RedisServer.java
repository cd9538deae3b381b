package ephemeral.signaling.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's redis-server as a child process on a free loopback port, with a generated configuration and
 * every file it writes in one directory; no persistence, so a restart comes back empty (as a Redis whose
 * disk was lost does). scripts/install-deps installs it.
 */
public final class RedisServer implements AutoCloseable {
    public static final Path EXECUTABLE = Path.of("/usr/bin/redis-server");

    private final Path dir;
    private final int port;
    private Process process;

    private RedisServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts Redis in {@code dir} (an empty directory) and waits until it answers. */
    public static RedisServer start(Path dir) {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new AssertionError(EXECUTABLE + " is missing: run scripts/install-deps (as root) to install "
                    + "Debian's redis-server, which the cluster tests need");
        }
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            RedisServer redis = new RedisServer(dir, probe.getLocalPort());
            probe.close();
            redis.restart();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts it (again, empty) on the same port after {@link #stop()}. */
    public void restart() {
        try {
            Path conf = dir.resolve("redis.conf");
            Files.writeString(conf, String.join("\n", List.of(
                    "# made by " + RedisServer.class.getName(),
                    "bind 127.0.0.1",
                    "port " + port,
                    "protected-mode yes",
                    "save \"\"",
                    "appendonly no",
                    "daemonize no",
                    "dir " + dir,
                    "logfile " + dir.resolve("redis.log"),
                    "")), StandardCharsets.UTF_8);
            process = new ProcessBuilder(EXECUTABLE.toString(), conf.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.out").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!answers()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("redis-server did not start:\n" + Files.readString(dir.resolve("redis.out")));
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private boolean answers() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] reply = new byte[7];
            return s.getInputStream().read(reply) > 0 && new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The running redis-server's process id (for CPU and memory readings). */
    public long pid() {
        return process.pid();
    }

    /** Kills it: what the cluster sees when Redis goes away. */
    public void stop() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
