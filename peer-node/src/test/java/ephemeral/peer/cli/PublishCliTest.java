package ephemeral.peer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.peer.Conditions;
import ephemeral.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code publish}, {@code get} and {@code pin} of a live page as users run them, each in its own JVM: a new
 * page, a second {@code publish} with the same key from another process updating it for everyone.
 */
class PublishCliTest {
    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    @Test
    void publishGetPinAndUpdateFromAnotherProcess(@TempDir Path dir) throws Exception {
        String url = server.baseUrl();
        Path key = dir.resolve("page.key");
        Path page = Files.writeString(dir.resolve("page.md"), "# first");
        Cli first = Cli.start("publish", "--server", url, "--key", key.toString(), "--new", page.toString());
        Cli pin = null;
        try {
            Conditions.await("the live link on stdout", Duration.ofSeconds(30), () -> first.stdoutSoFar().contains("/live/"));
            String link = first.stdoutSoFar().trim();
            assertTrue(link.matches("http://[^ ]+/live/[A-Za-z0-9_-]{43}"), link);
            assertTrue(Files.readString(key).contains("BEGIN PRIVATE KEY"));

            Cli got = Cli.run("get", link);
            assertEquals(0, got.exitCode(), got.stderr());
            assertEquals("# first", got.stdout());
            assertTrue(got.stderr().contains("version 1 of /live/"), got.stderr());

            pin = Cli.start("pin", link);
            Cli pinning = pin;
            Conditions.await("pin holds version 1", Duration.ofSeconds(30), () -> pinning.stderrSoFar().contains(": version 1 ("));

            Files.writeString(page, "# second");
            Cli second = Cli.start("publish", "--server", url, "--key", key.toString(), page.toString());
            try {
                Conditions.await("the second publish printed its link", Duration.ofSeconds(30), () -> second.stdoutSoFar().contains(link));
                Conditions.await("it learned seq 1 and published 2", Duration.ofSeconds(5), () -> second.stderrSoFar().contains("published version 2"));
                Conditions.await("pin took version 2", Duration.ofSeconds(10), () -> pinning.stderrSoFar().contains(": version 2 ("));
                Conditions.await("the first author saw it", Duration.ofSeconds(10), () -> first.stderrSoFar().contains("version 2 ("));
                Cli again = Cli.run("get", link);
                assertEquals("# second", again.stdout(), again.stderr());
            } finally {
                second.stop();
            }

            Cli exists = Cli.run("publish", "--server", url, "--key", key.toString(), "--new", page.toString());
            assertEquals(4, exists.exitCode());
            assertTrue(exists.stderr().contains("never overwrites"), exists.stderr());
            Cli missing = Cli.run("publish", "--server", url, "--key", dir.resolve("none.key").toString(), page.toString());
            assertEquals(4, missing.exitCode());
            assertTrue(missing.stderr().contains("give --new"), missing.stderr());
        } finally {
            first.stop();
            if (pin != null) {
                pin.stop();
            }
        }
    }
}
