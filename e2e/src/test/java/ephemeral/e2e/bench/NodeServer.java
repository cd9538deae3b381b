package ephemeral.e2e.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The servers ours is compared with, each in its own Node process on 127.0.0.1 and a free port, started by
 * {@code e2e/bench-node/serve.mjs}: peerjs-server (npm {@value #PEERJS}) and bittorrent-tracker's WebSocket
 * tracker (npm {@value #TRACKER}). They are installed from npm into {@code e2e/target/bench-node} on first
 * use, never vendored.
 */
final class NodeServer implements BenchServer {
    static final String PEERJS = "peer@1.0.2";
    static final String TRACKER = "bittorrent-tracker@11.2.3";

    /** Which server. */
    enum Kind {
        PEERJS("peerjs"), TRACKER("tracker");

        final String arg;

        Kind(String arg) {
            this.arg = arg;
        }
    }

    private final Process process;
    private final OutputStream commands;
    private final BlockingQueue<String> answers;
    final int port;

    private NodeServer(Process process, BlockingQueue<String> answers, int port) {
        this.process = process;
        this.commands = process.getOutputStream();
        this.answers = answers;
        this.port = port;
    }

    /**
     * The {@code node_modules} directory holding both packages, installed with npm if they are not there
     * yet. {@code --ignore-scripts}: the servers need no install script, and one of bittorrent-tracker's
     * client-side dependencies (node-datachannel) would try to download a native build from GitHub.
     */
    static Path install() throws IOException, InterruptedException {
        Path script = script();
        Path prefix = script.getParent().getParent().resolve("target").resolve("bench-node");
        Path modules = prefix.resolve("node_modules");
        if (installed(modules, PEERJS) && installed(modules, TRACKER)) {
            return modules;
        }
        Files.createDirectories(prefix);
        System.out.println("installing " + PEERJS + " and " + TRACKER + " from npm into " + prefix);
        Procs.run(TimeUnit.MINUTES.toSeconds(10), "npm", "install", "--prefix", prefix.toString(), "--ignore-scripts",
                "--no-audit", "--no-fund", "--loglevel=error", PEERJS, TRACKER);
        if (!installed(modules, PEERJS) || !installed(modules, TRACKER)) {
            throw new IOException("npm install did not install " + PEERJS + " and " + TRACKER + " into " + modules);
        }
        return modules;
    }

    private static boolean installed(Path modules, String spec) throws IOException {
        int at = spec.lastIndexOf('@');
        Path manifest = modules.resolve(spec.substring(0, at)).resolve("package.json");
        return Files.exists(manifest)
                && Files.readString(manifest).contains("\"version\": \"" + spec.substring(at + 1) + "\"");
    }

    private static Path script() throws IOException {
        return ServerProcess.Paths.repoFile("e2e/bench-node/serve.mjs");
    }

    static NodeServer start(Kind kind) throws IOException, InterruptedException {
        Path modules = install();
        Process p = new ProcessBuilder(List.of("node", "--expose-gc", script().toString(), kind.arg, modules.toString()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        return new NodeServer(p, answers, Procs.awaitListening(p, kind.arg, 60, answers::add));
    }

    /** A URI on this server (loopback). */
    URI uri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port + pathAndQuery);
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public void fullGc() throws IOException, InterruptedException {
        ask("gc");
    }

    /** The server's own counts: {@code {"warnings":…,"errors":…,"rss":…}}. */
    String stats() throws IOException, InterruptedException {
        return ask("stats");
    }

    private synchronized String ask(String command) throws IOException, InterruptedException {
        answers.clear();
        commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        commands.flush();
        String answer = answers.poll(30, TimeUnit.SECONDS);
        if (answer == null) {
            throw new IOException("no answer to " + command);
        }
        return answer;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
