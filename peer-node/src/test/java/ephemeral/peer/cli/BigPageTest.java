package ephemeral.peer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.peer.Conditions;
import ephemeral.peer.store.Body;
import ephemeral.testing.RandomFiles;
import ephemeral.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A page four times the heap of every JVM that touches it: {@code share} serves a 256 MiB file from where it
 * lies, {@code get -o} receives it into a spool file beside the output and renames it there, and
 * {@code pin --store} receives it into the store's spool and moves it in, each with {@code -Xmx64m} and an
 * exit on running out of heap. A page read into memory anywhere on the way kills that process.
 */
class BigPageTest {
    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    private static final long SIZE = 256L << 20;
    private static final List<String> SMALL_HEAP = List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC");

    @Test
    void aPageFourTimesTheHeapGoesThroughGetAndPinToDisk(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.bin");
        String hash = RandomFiles.write(file, SIZE, 42);
        String url = server.baseUrl();
        Cli share = Cli.startJvm(SMALL_HEAP, "share", "--server", url, "--max-page-size", "1G", file.toString());
        try {
            Conditions.await("share prints its link", Duration.ofSeconds(30), () -> share.stdoutSoFar().contains(hash));

            Path out = dir.resolve("got").resolve("big copy.bin");
            Files.createDirectories(out.getParent());
            Cli get = Cli.startJvm(SMALL_HEAP, "get", "--server", url, "--max-page-size", "1G", "--timeout", "120s",
                    "-o", out.toString(), hash).waitFor(150);
            assertEquals(0, get.exitCode(), get.stderr());
            assertEquals(hash, new Body.File(out, Files.size(out), false).sha256(), "the file written is the page");
            try (Stream<Path> left = Files.list(out.getParent())) {
                assertEquals(List.of(out), left.toList(), "the spool folder beside the output is gone");
            }

            Path store = dir.resolve("store");
            Cli pin = Cli.startJvm(SMALL_HEAP, "pin", "--server", url, "--max-page-size", "1G", "--memory", "1G",
                    "--timeout", "120s", "--store", store.toString(), hash);
            try {
                Conditions.await("the seed pinned the page", Duration.ofSeconds(150), () -> pin.stderrSoFar().contains("pinned"));
                Path kept = store.resolve(hash);
                assertEquals(SIZE, Files.size(kept));
                assertEquals(hash, new Body.File(kept, SIZE, false).sha256(), "the stored file is the page");
            } finally {
                assertEquals(143, pin.stop(), pin.stderr());
            }
            assertTrue(Files.list(store.resolve(".partial")).findAny().isEmpty(), "the store's spool is empty after a stop");
        } finally {
            share.stop();
        }
    }
}
