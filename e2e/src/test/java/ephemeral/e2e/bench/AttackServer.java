package ephemeral.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A signaling server jar (this build's or an older one's) as its own process with its <em>shipped defaults</em>:
 * unlike {@link ServerProcess}, which opens the per-address and fairness limits to measure capacity, an attack
 * must meet the limits a deployment has. Only the heap is chosen, as the attack rows of issue #10 did.
 */
final class AttackServer implements BenchServer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    final int port;
    /** Lines the server logged with {@code OutOfMemoryError}. */
    final AtomicInteger outOfMemory;

    private AttackServer(Process process, int port, AtomicInteger outOfMemory) {
        this.process = process;
        this.port = port;
        this.outOfMemory = outOfMemory;
    }

    static AttackServer start(Path jar, String heap) throws IOException {
        List<String> command = new ArrayList<>(List.of(ServerProcess.Paths.java(), "-Xmx" + heap));
        command.addAll(ServerProcess.extraJvmArgs());
        command.addAll(List.of("-jar", jar.toString(), "--host", "127.0.0.1", "--port", "0"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        AtomicInteger oom = new AtomicInteger();
        int port = Procs.awaitListening(p, "signaling server", 30, line -> {
            if (line.contains("OutOfMemoryError")) {
                oom.incrementAndGet();
            }
        });
        return new AttackServer(p, port, oom);
    }

    URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    /** {@code /api/stats}, or null if the server does not answer within 5 s. */
    JsonNode stats() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/stats"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A stats counter, or -1 if the server did not answer or (an older build) does not count it. */
    long stat(String name) {
        JsonNode s = stats();
        return s == null || !s.has(name) ? -1 : s.get(name).asLong();
    }

    /** Whether the process lives and {@code /healthz} answers {@code ok} within 5 s. */
    boolean healthy() {
        if (!process.isAlive()) {
            return false;
        }
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits up to {@code seconds} for the stats to satisfy {@code condition}; whether they did. */
    boolean awaitStats(Predicate<JsonNode> condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            JsonNode s = stats();
            if (s != null && condition.test(s)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public void fullGc() throws IOException, InterruptedException {
        Procs.run(30, ServerProcess.Paths.jdkTool("jcmd"), Long.toString(pid()), "GC.run");
    }

    /** Java heap in use after a full GC, in MB, or NaN if the server is gone or does not answer jcmd in 30 s. */
    double heapMbAfterGc() {
        try {
            return ServerProcess.heapUsedAfterGc(pid()) / 1048576.0;
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /** Resident set size in MB, or NaN if the process is gone. */
    double rssMb() {
        try {
            return rss() / 1048576.0;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
