package ephemeral.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.assertions.LocatorAssertions;
import ephemeral.e2e.Browsers.Kind;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a browser offers no private file system (OPFS; here Chromium with {@code getDirectory} taken away
 * before the app loads), a big page still arrives, hashed by a worker and kept in memory, and the tab says
 * what it cannot hold and why: the limit is then disk.js's MEMORY_MAX_BYTES (512 MiB).
 */
class MemoryFallbackE2ETest extends BrowserE2E {
    private static final String NO_OPFS = "delete StorageManager.prototype.getDirectory;";

    @Test
    void withoutOpfsPagesAreKeptInMemoryUpToAStatedLimit(@TempDir Path dir) throws Exception {
        byte[] bytes = payload(9 << 20, "in-memory", 41);
        String sha = AppPage.sha256Hex(bytes);
        Path file = Payloads.write("in-memory.bin", bytes);
        AppPage holder = AppPage.in(browsers, Kind.CHROMIUM).open(server.baseUrl() + "/");
        String url = holder.shareFile(file, sha);

        AppPage visitor = AppPage.in(browsers, Kind.CHROMIUM);
        visitor.page().context().addInitScript(NO_OPFS);
        visitor.open(url);
        visitor.waitState("shown", 60_000);
        assertEquals(sha, visitor.downloadedSha256());

        // a link whose size is over the limit is refused before any holder is asked, saying why
        visitor.open(server.baseUrl() + "/" + "ab".repeat(32) + "#name=film.mkv&n=" + (600L << 20));
        LocatorAssertions.ContainsTextOptions wait = new LocatorAssertions.ContainsTextOptions().setTimeout(10_000);
        assertThat(visitor.page().locator("#notice")).containsText(Pattern.compile(
                "This page is 629 MB: more than this tab can hold \\(537 MB: this browser offers no private "
                        + "file system \\(OPFS\\), so pages are kept in memory\\)"), wait);

        // and a file over it is not shared (a sparse file: nothing is read before the size is checked)
        Path big = dir.resolve("big.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(600L << 20);
        }
        visitor.open(server.baseUrl() + "/");
        visitor.page().setInputFiles("#file", big);
        visitor.page().click("#share");
        assertThat(visitor.page().locator("#share-status")).containsText(
                "big.bin is 629 MB: this browser offers no private file system (OPFS), so a page is kept in memory, up to 537 MB",
                wait);
        holder.close();
        visitor.close();
    }
}
