package ephemeral.peer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.peer.Conditions;
import ephemeral.protocol.Sha256;
import ephemeral.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code peer-node seed} and {@code share --keep} as users run them, each in its own JVM. */
class SeedCliTest {
    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    @Test
    void aSharedPageOutlivesItsSharerThroughAVolunteerSeed(@TempDir Path dir) throws Exception {
        String url = server.baseUrl();
        byte[] page = "handed to a volunteer from the command line".getBytes(StandardCharsets.UTF_8);
        server.guard().register(page);
        Path file = dir.resolve("note.txt");
        Files.write(file, page);
        String hash = Sha256.of(page);
        Path store = dir.resolve("seed");

        Cli seed = Cli.start("seed", "--server", url, "--store", store.toString(), "--capacity", "1M", "--keep-for", "2d");
        try {
            await("the seed volunteers", () -> stderr(seed).contains("volunteering"));
            Cli share = Cli.start("share", "--server", url, "--keep", "1d", file.toString());
            try {
                await("a volunteer keeps the page", () -> stderr(share).contains("kept by volunteer seed"));
                assertTrue(stderr(share).contains(hash), stderr(share));
            } finally {
                share.stop();
            }
            Cli get = Cli.run("get", "--server", url, hash);
            assertEquals(0, get.exitCode(), get.stderr());
            assertArrayEquals(page, get.stdoutBytes(), "the sharer left; the seed served it");
        } finally {
            seed.stop();
        }

        Cli list = Cli.run("seed", "--store", store.toString(), "--list");
        assertEquals(0, list.exitCode(), list.stderr());
        assertTrue(list.stdout().startsWith(hash + "  " + page.length + " B  until "), list.stdout());
        Cli unpin = Cli.run("seed", "--store", store.toString(), "--unpin", hash);
        assertEquals(0, unpin.exitCode(), unpin.stderr());
        assertFalse(Files.exists(store.resolve(hash)));
        assertEquals("", Cli.run("seed", "--store", store.toString(), "--list").stdout());
        Cli again = Cli.run("seed", "--store", store.toString(), "--unpin", hash);
        assertEquals(4, again.exitCode());
        assertTrue(again.stderr().contains("does not keep"), again.stderr());
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) {
        Conditions.await(what, Duration.ofSeconds(30), condition);
    }

    private static String stderr(Cli c) {
        try {
            return c.stderr();
        } catch (Exception e) {
            return "";
        }
    }
}
