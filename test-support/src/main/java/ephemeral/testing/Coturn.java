package ephemeral.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's coturn as a child process on loopback, configured as docs/deploy.md says (a shared
 * {@code static-auth-secret} for the server's short-lived credentials), with a random secret, a free port and
 * every file it writes in one directory. Its log tells what it relayed ({@link #relayedBytes()}).
 */
public final class Coturn implements AutoCloseable {
    /** Where Debian's package puts it; scripts/install-deps installs it. */
    public static final Path EXECUTABLE = Path.of("/usr/bin/turnserver");
    public static final String REALM = "ephemeral.test";
    /** coturn logs a session's traffic as it ends: bytes received from and sent to its client. */
    private static final Pattern USAGE = Pattern.compile("usage: realm=<[^>]*>, username=<([^>]*)>, rp=(\\d+), rb=(\\d+), sp=(\\d+), sb=(\\d+)");

    private final Path dir;
    private final Process process;
    private final String ip;
    private final int port;
    private final String secret;

    private Coturn(Path dir, Process process, String ip, int port, String secret) {
        this.dir = dir;
        this.process = process;
        this.ip = ip;
        this.port = port;
        this.secret = secret;
    }

    /**
     * Starts coturn on 127.0.0.1 and waits until it listens.
     *
     * @param dir an empty directory for its configuration, log, pid file and database
     */
    public static Coturn start(Path dir) {
        return start(dir, "127.0.0.1", List.of());
    }

    /**
     * Starts coturn on {@code ip} (port 3478 unless on loopback, where a free one is picked) and waits until
     * it listens.
     *
     * @param dir    an empty directory for its configuration, log, pid file and database
     * @param ip     the address it listens and relays on
     * @param prefix what runs it, e.g. {@code ip netns exec NS} for a network namespace; empty: directly
     */
    public static Coturn start(Path dir, String ip, List<String> prefix) {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new AssertionError(EXECUTABLE + " is missing: run scripts/install-deps (as root) to install "
                    + "Debian's coturn, which the TURN tests need");
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String secret = HexFormat.of().formatHex(random);
        try {
            boolean loopback = ip.startsWith("127.");
            int port = loopback ? freeUdpAndTcpPort() : 3478;
            Path conf = dir.resolve("turnserver.conf");
            Files.writeString(conf, String.join("\n", List.of(
                    "# made by " + Coturn.class.getName(),
                    "listening-ip=" + ip,
                    "listening-port=" + port,
                    "relay-ip=" + ip,
                    "use-auth-secret",
                    "static-auth-secret=" + secret,
                    "realm=" + REALM,
                    "fingerprint",
                    "no-tls",
                    "no-dtls",
                    "no-cli",
                    "no-multicast-peers",
                    // on loopback every peer of a test is on this machine; a deployment keeps loopback denied
                    // (docs/deploy.md)
                    loopback ? "allow-loopback-peers" : "no-loopback-peers",
                    "no-software-attribute",
                    "log-file=" + dir.resolve("turn.log"),
                    "simple-log",
                    "verbose",
                    "pidfile=" + dir.resolve("turnserver.pid"),
                    "userdb=" + dir.resolve("turndb"),
                    "")), StandardCharsets.UTF_8);
            List<String> command = new java.util.ArrayList<>(prefix);
            command.addAll(List.of(EXECUTABLE.toString(), "-c", conf.toString()));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("turnserver.out").toFile())
                    .start();
            Coturn coturn = new Coturn(dir, process, ip, port, secret);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!coturn.log().contains("UDP listener opened on")) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    coturn.close();
                    throw new AssertionError("coturn did not start listening:\n" + coturn.log()
                            + Files.readString(dir.resolve("turnserver.out")));
                }
                Thread.sleep(20);
            }
            return coturn;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while starting coturn", e);
        }
    }

    private static int freeUdpAndTcpPort() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), InetAddress.getLoopbackAddress())) {
                return udp.getLocalPort();
            } catch (IOException taken) {
                // that TCP port's UDP twin is in use: try another
            }
        }
        throw new IOException("no port free for both TCP and UDP on 127.0.0.1");
    }

    /** @return e.g. {@code turn:127.0.0.1:41234?transport=udp} */
    public String url() {
        return "turn:" + ip + ":" + port + "?transport=udp";
    }

    /** coturn's {@code static-auth-secret}: what the signaling server's {@code --turn-secret} must be. */
    public String secret() {
        return secret;
    }

    /** Everything coturn has logged so far. */
    public String log() {
        try {
            Path log = dir.resolve("turn.log");
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Bytes coturn relayed for its clients (received from them plus sent to them), over the sessions that
     * have ended: coturn logs a session's usage when it closes.
     */
    public long relayedBytes() {
        long sum = 0;
        Matcher m = USAGE.matcher(log());
        while (m.find()) {
            sum += Long.parseLong(m.group(3)) + Long.parseLong(m.group(5));
        }
        return sum;
    }

    /** How many allocations (relayed addresses) coturn has granted so far. */
    public int allocations() {
        return (int) log().lines().filter(l -> l.contains("ALLOCATE processed, success")).count();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
