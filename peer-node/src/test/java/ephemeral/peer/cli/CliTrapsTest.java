package ephemeral.peer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.peer.Conditions;
import ephemeral.peer.PeerNode;
import ephemeral.peer.TestPeers;
import ephemeral.protocol.Sha256;
import ephemeral.testing.TestServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The command line without traps: each test is one trap a new user fell into, now closed. */
class CliTrapsTest {
    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    static final String NOBODY = Sha256.of("nobody holds this".getBytes(StandardCharsets.UTF_8));

    @Test
    void getTakesTheServerFromTheLinkAndSaysVerified() throws Exception {
        byte[] page = "the server comes from the link".getBytes(StandardCharsets.UTF_8);
        try (PeerNode holder = TestPeers.start(server)) {
            String hash = holder.share(page);
            Cli get = Cli.run("get", server.baseUrl() + "/" + hash + "#n=" + page.length); // no --server
            assertEquals(0, get.exitCode(), get.stderr());
            assertArrayEquals(page, get.stdoutBytes());
            assertTrue(get.stderr().contains("verified " + hash + " (" + page.length + " bytes)"), get.stderr());
        }
    }

    @Test
    void outputIsCheckedBeforeAnythingIsFetched(@TempDir Path dir) throws Exception {
        // the server is unreachable: had the fetch begun, this would exit 3 after the connect timeout
        Cli missingDir = Cli.run("get", "--server", "http://127.0.0.1:9", "-o", dir.resolve("no/such/dir/page.txt").toString(), NOBODY);
        assertEquals(4, missingDir.exitCode(), missingDir.stderr());
        assertTrue(missingDir.stderr().contains("no such directory"), missingDir.stderr());
        Cli directory = Cli.run("get", "--server", "http://127.0.0.1:9", "-o", dir.toString(), NOBODY);
        assertEquals(4, directory.exitCode(), directory.stderr());
        assertTrue(directory.stderr().contains("is a directory"), directory.stderr());
    }

    @Test
    void badUrlsAreUsageErrorsWithoutAUsageDump() throws Exception {
        for (String[] args : List.of(
                new String[] {"get", "ftp://example.org/" + NOBODY},
                new String[] {"get", "http:///" + NOBODY},
                new String[] {"get", "--server", "not a url", NOBODY},
                new String[] {"pin", "--server", "gopher://x", NOBODY})) {
            Cli c = Cli.run(args);
            assertEquals(2, c.exitCode(), String.join(" ", args) + ": " + c.stderr());
            assertTrue(c.stderr().startsWith("error: "), c.stderr());
            assertTrue(c.stderr().contains("Try 'peer-node " + args[0] + " --help' for usage."), c.stderr());
            assertFalse(c.stderr().contains("Usage:"), "no usage dump: " + c.stderr());
        }
    }

    @Test
    void fileErrorsGiveTheReasonOnce() throws Exception {
        Cli c = Cli.run("share", "--server", server.baseUrl(), "/nonexistent/page.html");
        assertEquals(4, c.exitCode(), c.stderr());
        assertEquals("error: cannot read /nonexistent/page.html: no such file or directory\n", c.stderr());
    }

    @Test
    void binaryIsNotWrittenToATerminal(@TempDir Path dir) throws Exception {
        byte[] page = new byte[] {0, 1, 2, 3, (byte) 0xff, 0x1b, '[', '2', 'J'};
        server.guard().register(page);
        try (PeerNode holder = TestPeers.start(server)) {
            String hash = holder.share(page);
            Path log = dir.resolve("tty.txt");
            // script(1) gives the command a terminal for stdin and stdout, as a user's shell would
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cmd = String.join(" ", java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "get", "--server", server.baseUrl(), hash);
            Process p = new ProcessBuilder("script", "-qec", cmd, log.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(dir.resolve("out.txt").toFile()).redirectErrorStream(true).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "get did not end");
            String shown = Files.readString(log);
            assertEquals(2, p.exitValue(), shown);
            assertTrue(shown.contains("the page is binary (9 bytes) and stdout is a terminal"), shown);
            assertFalse(shown.contains("\u001b[2J"), "the page's bytes reached the terminal");
        }
    }

    @Test
    void privateSharesAreSealedAndGetOpensThem(@TempDir Path dir) throws Exception {
        byte[] page = "door code 4711".getBytes(StandardCharsets.UTF_8);
        server.guard().register(page);
        Path file = dir.resolve("code.txt");
        Files.write(file, page);
        Cli share = Cli.start("share", "--server", server.baseUrl(), "--private", file.toString());
        try {
            Conditions.await("share prints its link", Duration.ofSeconds(30), () -> stdout(share).contains("  " + file));
            String line = stdout(share).trim();
            String link = line.split("\\s+")[0];
            assertTrue(link.matches(".*/[0-9a-f]{64}#n=\\d+&k=[A-Za-z0-9_-]{43}"), line);
            String hash = link.replaceAll("^.*/([0-9a-f]{64}).*$", "$1");
            assertFalse(hash.equals(Sha256.of(page)), "the address is not the hash of the plain page");
            Cli get = Cli.run("get", link);
            assertEquals(0, get.exitCode(), get.stderr());
            assertArrayEquals(page, get.stdoutBytes(), "decrypted with the link's key");
            assertTrue(get.stderr().contains("decrypted"), get.stderr());
            Cli keyless = Cli.run("get", link.substring(0, link.indexOf("&k=")));
            assertEquals(1, keyless.exitCode(), keyless.stderr());
            assertTrue(keyless.stderr().contains("is private and this link has no key"), keyless.stderr());
            assertEquals(0, keyless.stdoutBytes().length);
            String wrongKey = link.substring(0, link.indexOf("&k=") + 3) + "A".repeat(43);
            Cli wrong = Cli.run("get", wrongKey);
            assertEquals(1, wrong.exitCode(), wrong.stderr());
            assertTrue(wrong.stderr().contains("the key in the link does not open it"), wrong.stderr());
        } finally {
            share.stop();
        }
    }

    @Test
    void helpShowsExamplesAndOnlyTheOptionsThatApply() throws Exception {
        String get = Cli.run("get", "--help").stdout();
        assertTrue(get.contains("Examples:"), get);
        for (String absent : List.of("--max-serves", "--memory", "--store")) {
            assertFalse(get.contains(absent), "get --help lists " + absent);
        }
        String share = Cli.run("share", "--help").stdout();
        assertTrue(share.contains("--memory") && share.contains("--private") && share.contains("Examples:"), share);
        assertFalse(share.contains("--timeout"), share);
        String seed = Cli.run("seed", "--help").stdout();
        assertTrue(seed.contains("--capacity") && !seed.contains("--memory"), seed);
    }

    @Test
    void progressShowsSpeedAndTimeLeft() {
        assertEquals(" · 2.0 MB/s · 5 s left", Progress.rateText(2e6, 0, 10_000_000));
        assertEquals(" · 0.1 MB/s · 2 min 30 s left", Progress.rateText(1e5, 5_000_000, 20_000_000));
        assertEquals(" · 0.0 MB/s · 2 h 46 min left", Progress.rateText(1e3, 0, 10_000_000));
    }

    private static String stdout(Cli c) {
        try {
            return c.stdout();
        } catch (Exception e) {
            return "";
        }
    }

    static List<String> lines(String s) {
        return new ArrayList<>(List.of(s.split("\n")));
    }
}
