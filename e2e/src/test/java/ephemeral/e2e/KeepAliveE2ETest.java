package ephemeral.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.assertions.LocatorAssertions;
import ephemeral.e2e.Browsers.Kind;
import ephemeral.peer.PeerConfig;
import ephemeral.peer.seed.Seed;
import ephemeral.peer.seed.SeedOptions;
import ephemeral.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keep-alive from the browser: a creator hands its page to a volunteer Java seed (by the button, or by the
 * "last holder" setting), closes its tab, and a visitor still opens the page.
 */
class KeepAliveE2ETest extends BrowserE2E {
    private Path store;
    private Seed seed;

    @BeforeAll
    void startSeed() throws Exception {
        store = Files.createTempDirectory("keepalive-seed");
        seed = Seed.start(PeerConfig.defaults().withServer(server.baseUrl()),
                SeedOptions.of(store, 1 << 20, Duration.ofDays(7)));
    }

    @AfterAll
    void stopSeed() {
        if (seed != null) {
            seed.close();
        }
        Trees.delete(store);
    }

    @Test
    void keepAliveButtonHandsThePageToASeedBeforeTheCreatorLeaves() {
        String text = "kept alive from Chromium\n" + secret("keep-button");
        AppPage creator = AppPage.in(browsers, Kind.CHROMIUM).open(server.baseUrl() + "/");
        String url = creator.shareText(text);
        String hash = url.substring(url.lastIndexOf('/') + 1);
        assertThat(creator.page().locator("#keep-box")).isVisible();
        creator.page().selectOption("#keep-for", "86400");
        Instant asked = Instant.now();
        creator.page().click("#keep-alive");
        assertThat(creator.page().locator("#keep-box")).hasAttribute("data-state", "kept", attr());
        assertTrue(creator.page().locator("#keep-status").textContent().startsWith("Kept by a seed until "));
        assertTrue(seed.node().held().contains(hash));
        long hours = Duration.between(asked, seed.keeps().until(hash).orElseThrow()).toHours();
        assertTrue(hours == 23 || hours == 24, "kept for the day asked, not " + hours + " h");
        creator.close();

        AppPage visitor = AppPage.in(browsers, Kind.FIREFOX).open(url);
        visitor.waitState("shown");
        assertEquals(text, visitor.content());
        visitor.close();
    }

    @Test
    void lastHolderSettingHandsThePageOverWithoutBeingAsked() {
        String text = "kept because its creator was the last holder\n" + secret("keep-setting");
        AppPage creator = AppPage.in(browsers, Kind.CHROMIUM).open(server.baseUrl() + "/");
        creator.page().check("#keep-when-last");
        String url = creator.shareText(text);
        String hash = url.substring(url.lastIndexOf('/') + 1);
        assertThat(creator.page().locator("#keep-box")).hasAttribute("data-state", "kept", attr());
        assertTrue(seed.node().held().contains(hash));
        creator.waitCounts(2, 0); // the seed holds it too, while the creator's tab is still open
        creator.close();

        AppPage visitor = AppPage.in(browsers, Kind.CHROMIUM).open(url);
        visitor.waitState("shown");
        assertEquals(text, visitor.content());
        visitor.close();
    }

    private static LocatorAssertions.HasAttributeOptions attr() {
        return new LocatorAssertions.HasAttributeOptions().setTimeout(AppPage.TIMEOUT_MS);
    }
}
