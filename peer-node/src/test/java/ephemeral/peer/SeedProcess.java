package ephemeral.peer;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Java seed in a JVM of its own ({@code peer-node share FILE}), so that its resident memory and open
 * files, read from {@code /proc/<pid>}, are the seed's alone and not the test's (whose attackers and
 * honest wanter run peer connections of their own). Its heap is capped and the JVM exits on an
 * {@code OutOfMemoryError}, so a buffer that grows without bound shows as a dead seed, not a slow one.
 */
final class SeedProcess implements AutoCloseable {
    private final Process process;
    private final Path err;
    private final String hash;

    private SeedProcess(Process process, Path err, String hash) {
        this.process = process;
        this.err = err;
        this.hash = hash;
    }

    /** Starts {@code share} of {@code page} against {@code serverUrl}; returns once it printed the page's link. */
    static SeedProcess share(String serverUrl, byte[] page, String maxHeap) throws Exception {
        Path file = Files.createTempFile("seed-page", ".bin");
        Files.write(file, page);
        Path err = Files.createTempFile("seed-err", ".txt");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                "ephemeral.peer.cli.Main", "share", "--server", serverUrl, file.toString());
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> link = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = link.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            line = null;
        }
        if (line == null || !line.matches(".*/[0-9a-f]{64}.*")) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("the seed printed no link: " + line + "\n" + Files.readString(err));
        }
        // stdout is left unread from here on: the CLI prints nothing more, and the JVM's exit chatter fits the pipe
        String hash = line.replaceAll("^.*/([0-9a-f]{64}).*$", "$1");
        Files.delete(file);
        return new SeedProcess(p, err, hash);
    }

    String hash() {
        return hash;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** VmRSS of the seed, in kB. */
    long rssKb() throws IOException {
        return status("VmRSS:");
    }

    /** Threads of the seed. */
    long threads() throws IOException {
        return status("Threads:");
    }

    /** Open file descriptors of the seed (sockets included). */
    long fds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return s.count();
        }
    }

    String stderr() throws IOException {
        return Files.readString(err);
    }

    private long status(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException(key + " not in /proc/" + process.pid() + "/status");
    }

    /** SIGTERM (the CLI closes its node and disposes the factory), then SIGKILL if it hangs. */
    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(err);
    }
}
