package ephemeral.peer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.peer.PeerConfig;
import ephemeral.peer.PeerNode;
import ephemeral.peer.TestPeers;
import ephemeral.protocol.Ids;
import ephemeral.protocol.Sha256;
import ephemeral.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as users run it: a separate JVM against a real signaling server. */
class CliTest {
    @RegisterExtension
    static final TestServer server = TestServer.perClass();
    static String url;

    @BeforeAll
    static void url() {
        url = server.baseUrl();
    }

    static PeerConfig config() {
        return TestPeers.config(server);
    }

    @Test
    void badArgumentsExitWithUsageError() throws Exception {
        Cli noCommand = Cli.run();
        assertEquals(2, noCommand.exitCode());
        Cli badHash = Cli.run("get", "--server", url, "not-a-hash");
        assertEquals(2, badHash.exitCode());
        assertTrue(badHash.stderr().contains("not a page hash"), badHash.stderr());
        Cli badSize = Cli.run("share", "--max-page-size", "lots", "x");
        assertEquals(2, badSize.exitCode());
        Cli unknown = Cli.run("fly");
        assertEquals(2, unknown.exitCode());
    }

    @Test
    void unreachableServerExits3() throws Exception {
        Cli c = Cli.run("get", "--server", "http://127.0.0.1:9", "--connect-timeout", "1s", Sha256.of(new byte[1]));
        assertEquals(3, c.exitCode(), c.stderr());
        assertTrue(c.stderr().contains("cannot reach the signaling server"), c.stderr());
    }

    @Test
    void missingFileExits4() throws Exception {
        Cli c = Cli.run("share", "--server", url, "/nonexistent/page.html");
        assertEquals(4, c.exitCode(), c.stderr());
    }

    @Test
    void missingPageTimesOutWithExit1() throws Exception {
        Cli c = Cli.run("get", "--server", url, "--timeout", "1s", Sha256.of("nobody".getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, c.exitCode(), c.stderr());
        assertTrue(c.stderr().contains("no one holds page") && c.stderr().contains("(0 online)"), c.stderr());
        assertEquals("", c.stdout());
    }

    @Test
    void shareThenGetToStdoutAndToFile(@TempDir Path dir) throws Exception {
        byte[] page = new byte[150_000];
        new Random(11).nextBytes(page);
        Path file = dir.resolve("page.bin");
        Files.write(file, page);
        server.guard().register(page);
        String hash = Sha256.of(page);
        Cli share = Cli.start("share", "--server", url, file.toString());
        try {
            await("share prints its link", () -> share.stdoutSoFar().contains(hash));
            String link = url + "/" + hash + "#n=" + page.length;
            assertEquals(link + "  " + file + "\n", share.stdoutSoFar(), "stdout holds the link, with the page's size, then the file");
            Cli get = Cli.run("get", "--server", url, hash);
            assertEquals(0, get.exitCode(), get.stderr());
            assertArrayEquals(page, get.stdoutBytes(), "stdout holds exactly the page");
            Path out = dir.resolve("got.bin");
            Cli getFile = Cli.run("get", "--server", url, "-q", "-o", out.toString(), link); // the whole link works too
            assertEquals(0, getFile.exitCode(), getFile.stderr());
            assertArrayEquals(page, Files.readAllBytes(out));
        } finally {
            assertEquals(143, share.stop(), "share stops cleanly on SIGTERM (128 + 15)");
        }
    }

    @Test
    void pinWithStoreServesAgainAfterRestart(@TempDir Path dir) throws Exception {
        byte[] page = "a page worth keeping".getBytes(StandardCharsets.UTF_8);
        Path store = dir.resolve("store");
        String hash;
        try (PeerNode creator = TestPeers.start(server)) {
            hash = creator.share(page);
            Cli seed = Cli.start("pin", "--server", url, "--store", store.toString(), hash);
            try {
                await("the seed pinned the page", () -> seed.stderrSoFar().contains("pinned"));
                assertTrue(Files.exists(store.resolve(hash)));
            } finally {
                seed.stop();
            }
        }
        // the creator is gone: only a restarted seed, reading its store, can serve the page
        Cli restarted = Cli.start("pin", "--server", url, "--store", store.toString());
        try {
            await("the restarted seed is up", () -> restarted.stderrSoFar().contains("serving 1 stored page"));
            try (PeerNode visitor = TestPeers.start(server)) {
                assertArrayEquals(page, visitor.get(hash, Duration.ofSeconds(20)));
            }
        } finally {
            restarted.stop();
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(50_000_000);
        }
    }
}
