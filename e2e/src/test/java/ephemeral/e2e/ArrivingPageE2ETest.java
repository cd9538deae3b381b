package ephemeral.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import ephemeral.e2e.Browsers.Kind;
import ephemeral.protocol.Sha256;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A page still arriving says what it is (the link's name, type and size), how far it is and how long is
 * left; Cancel stops it (the want leaves the server's roster) and "Get it again" fetches it whole.
 */
class ArrivingPageE2ETest extends BrowserE2E {
    /** 9 MiB (above disk.js's DISK_FROM: a worker takes it), read by the holder at 1 MiB per 250 ms: ~2.3 s. */
    private static final int SIZE = 9 << 20;

    private static byte[] pattern() {
        byte[] b = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anArrivingPageShowsWhatItIsAndCanBeCancelled(Kind visitorKind) {
        String hash = Sha256.of(pattern());
        BrowserContext context = browsers.newContext(visitorKind.other());
        try {
            Page holder = context.newPage();
            holder.navigate(server.baseUrl() + "/healthz");
            // the product's Node, whose store reads the page slowly: a slow disk, or a busy holder
            ScriptedHolder.start(holder, ScriptedHolder.onePage("(() => {"
                    + " const bytes = new Uint8Array(args.size); for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;"
                    + " const real = new Blob([bytes]);"
                    + " return { size: real.size, slice: (a, b) => ({ arrayBuffer: () => new Promise((resolve) =>"
                    + "   setTimeout(() => resolve(real.slice(a, b).arrayBuffer()), 250)) }) }; })()"),
                    Map.of("hash", hash, "size", SIZE), "");

            AppPage visitor = AppPage.in(browsers, visitorKind)
                    .open(server.baseUrl() + "/" + hash + "#name=holiday.bin&type=application/octet-stream&n=" + SIZE);
            Page page = visitor.page();
            assertThat(page.locator("#title")).hasText("holiday.bin");
            LocatorAssertions.ContainsTextOptions wait = new LocatorAssertions.ContainsTextOptions().setTimeout(15_000);
            assertThat(page.locator("#progress-text")).containsText(Pattern.compile(
                    "application/octet-stream · [0-9.]+ [kM]?B of 9\\.4 MB · .* · about \\d+ s left"), wait);

            page.click("#cancel-fetch");
            visitor.waitState("cancelled");
            assertThat(page.locator("#status")).containsText("Cancelled");
            assertThat(page.locator("#progress-box")).isHidden();
            assertThat(page.locator("#holders")).hasText("–"); // no longer a member: no counts to show
            Waits.until("the want left the server's roster", Duration.ofSeconds(10), () -> server.stats().wanters() == 0);

            page.click("#get-again");
            visitor.waitState("shown");
            visitor.waitCounts(2, 0); // verified and held
            // a big page's bytes are a file of this tab's folder in the Origin Private File System
            Object stored = page.evaluate("async (hash) => { const files = [];"
                    + " const recv = await (await navigator.storage.getDirectory()).getDirectoryHandle('recv');"
                    + " for await (const [tab, dir] of recv.entries()) for await (const [name, f] of dir.entries())"
                    + "   if (name.startsWith(hash)) files.push((await f.getFile()).size);"
                    + " return files; }", hash);
            assertEquals(List.of(SIZE), stored, "one file of the page's size (the cancelled one was deleted)");
            if (visitorKind == Kind.CHROMIUM) {
                assertEquals(hash, visitor.downloadedSha256());
            }
            visitor.close();
        } finally {
            context.close();
        }
    }
}
