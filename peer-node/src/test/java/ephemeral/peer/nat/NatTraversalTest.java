package ephemeral.peer.nat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.testing.Coturn;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java peers in two homes behind masquerading NATs ({@link NatLab}), the signaling server and coturn on the
 * public network between them, every one a process of its own in its namespace: through the server's TURN
 * the page crosses; without TURN the wanter says why it cannot within 15 s. Skipped, saying why, where the
 * machine does not allow network namespaces.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NatTraversalTest {
    private NatLab lab;
    private final List<Process> processes = new ArrayList<>();
    @TempDir
    Path dir;

    @BeforeAll
    void buildTheNetworks() throws Exception {
        String why = NatLab.unavailable();
        Assumptions.assumeTrue(why == null, () -> "NAT test skipped: " + why);
        try {
            lab = NatLab.create();
        } catch (IOException e) { // e.g. a container without CAP_NET_ADMIN: say so, do not pretend
            Assumptions.abort("NAT test skipped: this machine does not allow building network namespaces: " + e.getMessage());
        }
    }

    @AfterAll
    void removeTheNetworks() {
        processes.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
        processes.forEach(Process::destroyForcibly);
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void throughTheServersTurnAPageCrossesTwoSymmetricNats() throws Exception {
        Path turnDir = Files.createDirectories(dir.resolve("coturn"));
        try (Coturn turn = Coturn.start(turnDir, NatLab.PUBLIC_IP, List.of("ip", "netns", "exec", lab.pub))) {
            String server = server(8080, "--turn-url", turn.url(), "--turn-secret", turn.secret());
            byte[] page = new byte[200_000];
            new Random(3).nextBytes(page);
            String hash = share(server, page);
            Path out = dir.resolve("got.bin");
            Result get = get(server, hash, out);
            assertEquals(0, get.exit, get.stderr);
            assertArrayEquals(page, Files.readAllBytes(out));
            assertTrue(get.stderr.contains("relayed by TURN"), "the path was the relay:\n" + get.stderr);
            get.stderr.lines().filter(l -> l.contains("verified")).forEach(System.out::println);
        }
    }

    @Test
    void withoutTurnTheWanterSaysWhyWithin15Seconds() throws Exception {
        String server = server(8081);
        String hash = share(server, "cannot cross two NATs without a relay".getBytes(StandardCharsets.UTF_8));
        long t0 = System.nanoTime();
        Result get = get(server, hash, dir.resolve("never.bin"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(1, get.exit, get.stderr);
        System.out.println("without TURN, after " + ms + " ms: " + get.stderr.lines().filter(l -> l.startsWith("error:")).findFirst().orElse(""));
        assertTrue(ms < 15_000, "the wanter answered after " + ms + " ms (JVM start included)");
        assertTrue(get.stderr.contains("no direct network path") && get.stderr.contains("no TURN relay"),
                "the reason is named:\n" + get.stderr);
    }

    private record Result(int exit, String stderr) {
    }

    private static List<String> java(String main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** A signaling server on the public network; returns its URL once it listens. */
    private String server(int port, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--host", NatLab.PUBLIC_IP, "--port", Integer.toString(port),
                "--allowed-host", NatLab.PUBLIC_IP));
        args.addAll(List.of(extra));
        Process p = start(NatLab.in(lab.pub, java("ephemeral.signaling.Main", args.toArray(String[]::new))));
        String line = firstLine(p, l -> l.contains("listening on"), "the signaling server to listen");
        assertTrue(line.contains("listening on"), line);
        return "http://" + NatLab.PUBLIC_IP + ":" + port;
    }

    /** {@code share} in home 1; returns the page's hash once the seed printed its link. */
    private String share(String server, byte[] page) throws Exception {
        Path file = dir.resolve("page-" + System.nanoTime() + ".bin");
        Files.write(file, page);
        Process p = start(NatLab.in(lab.home1, java("ephemeral.peer.cli.Main", "share", "--server", server, file.toString())));
        String link = firstLine(p, l -> l.matches(".*/[0-9a-f]{64}.*"), "the seed's link");
        return link.replaceAll("^.*/([0-9a-f]{64}).*$", "$1");
    }

    /** {@code get -v} in home 2, giving up after 10 s. */
    private Result get(String server, String hash, Path out) throws Exception {
        Path err = dir.resolve("get-" + System.nanoTime() + ".err");
        Process p = new ProcessBuilder(NatLab.in(lab.home2, java("ephemeral.peer.cli.Main", "get", "-v",
                "--server", server, "--timeout", "10s", "-o", out.toString(), hash)))
                .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        processes.add(p);
        if (!p.waitFor(40, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("get did not end:\n" + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(err));
    }

    private Process start(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        processes.add(p);
        return p;
    }

    /** Reads the process's output until a line matches (within 30 s); the rest is drained in the background. */
    private static String firstLine(Process p, java.util.function.Predicate<String> wanted, String what) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        CompletableFuture<String> found = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l; (l = out.readLine()) != null; ) {
                    seen.append(l).append('\n');
                    if (wanted.test(l)) {
                        String match = l;
                        Thread drain = new Thread(() -> {
                            try {
                                while (out.readLine() != null) {
                                    // keep the pipe from filling
                                }
                            } catch (IOException ignored) {
                                // process ended
                            }
                        });
                        drain.setDaemon(true);
                        drain.start();
                        return match;
                    }
                }
            } catch (IOException e) {
                return null;
            }
            return null;
        });
        String line = found.get(30, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("no line for " + what + ":\n" + seen);
        }
        return line;
    }
}
