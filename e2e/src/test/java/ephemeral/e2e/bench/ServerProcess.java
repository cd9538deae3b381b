package ephemeral.e2e.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The signaling server as its own process (the shipped jar), so its memory is measured alone and the load
 * generator's file descriptors don't count against it.
 */
final class ServerProcess implements BenchServer {

    /** Servers started with {@link #extraJvmArgs} so far: what {@code {n}} counts. */
    private static final AtomicInteger STARTED = new AtomicInteger();

    private final Process process;
    final int port;

    private ServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static ServerProcess start(String... extraArgs) throws IOException, InterruptedException {
        // -Dbench.serverJar=… measures another build (e.g. an older commit's, for a before/after figure)
        String otherJar = System.getProperty("bench.serverJar", "");
        Path jar = otherJar.isBlank() ? Paths.repoFile("signaling/target/signaling.jar") : Path.of(otherJar);
        List<String> command = new ArrayList<>(List.of(Paths.java(), "-Xmx1g"));
        command.addAll(extraJvmArgs());
        command.addAll(List.of("-jar", jar.toString(), "--host", "127.0.0.1", "--port", "0"));
        // one machine plays thousands of users: no per-address limit; the routing figures measure capacity, so
        // the per-peer fairness rates (which a closed loop on one page would hit at once) are opened up too
        command.addAll(loadFlags(jar));
        command.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new ServerProcess(p, Procs.awaitListening(p, "signaling server", 30, line -> { }));
    }

    /**
     * JVM options for the server from {@code -Dbench.serverJvmArgs}, e.g.
     * {@code -XX:StartFlightRecording=filename=server-{n}.jfr} to profile it, {@code -Xlog:gc:file=gc-{n}.log}
     * for its pauses. {@code {n}} becomes 1, 2, … for each server a run starts (Java 17's JFR knows no {@code %p}),
     * so the servers of one benchmark's parts do not overwrite each other's files.
     */
    static List<String> extraJvmArgs() {
        String extra = System.getProperty("bench.serverJvmArgs", "").trim();
        return extra.isEmpty() ? List.of()
                : List.of(extra.replace("{n}", Integer.toString(STARTED.incrementAndGet())).split("\\s+"));
    }

    private static final String[][] LOAD_FLAGS = {
            {"--max-connections-per-address", "0"}, {"--want-routes-per-second", "1000000"},
            {"--pair-requests-per-second", "1000000"}, {"--holder-requests-per-second", "1000000"}};
    private static final Map<Path, String> HELP = new ConcurrentHashMap<>();

    /** Of {@link #LOAD_FLAGS}, those this build of the server knows (an older one has none of them). */
    private static List<String> loadFlags(Path jar) throws IOException, InterruptedException {
        String help = HELP.get(jar);
        if (help == null) {
            help = Procs.run(Paths.java(), "-jar", jar.toString(), "--help");
            HELP.put(jar, help);
        }
        List<String> flags = new ArrayList<>();
        for (String[] flag : LOAD_FLAGS) {
            if (help.contains(flag[0])) {
                flags.addAll(List.of(flag));
            }
        }
        return flags;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public void fullGc() throws IOException, InterruptedException {
        Procs.run(Paths.jdkTool("jcmd"), Long.toString(process.pid()), "GC.run");
    }

    /** Java heap in use after a full GC, in bytes (via jcmd). */
    long heapUsedAfterGc() throws IOException, InterruptedException {
        return heapUsedAfterGc(process.pid());
    }

    /** Java heap of the JVM {@code pid} in use after a full GC, in bytes (via jcmd, each call at most 30 s). */
    static long heapUsedAfterGc(long pid) throws IOException, InterruptedException {
        Procs.run(30, Paths.jdkTool("jcmd"), Long.toString(pid), "GC.run");
        String info = Procs.run(30, Paths.jdkTool("jcmd"), Long.toString(pid), "GC.heap_info");
        Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IOException("cannot read heap use from: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    String stats() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/stats")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** Where things are. */
    static final class Paths {
        private Paths() {
        }

        static Path repoFile(String relative) throws IOException {
            Path dir = Path.of("").toAbsolutePath();
            while (dir != null) {
                Path candidate = dir.resolve(relative);
                if (Files.exists(candidate)) {
                    return candidate;
                }
                dir = dir.getParent();
            }
            throw new IOException(relative + " not found: build it first (mvn -DskipTests package)");
        }

        static String java() {
            return Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }

        static String jdkTool(String name) {
            return Path.of(System.getProperty("java.home"), "bin", name).toString();
        }
    }
}
