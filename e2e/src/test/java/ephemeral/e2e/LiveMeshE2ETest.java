package ephemeral.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.assertions.LocatorAssertions;
import ephemeral.e2e.Browsers.Kind;
import ephemeral.peer.PeerConfig;
import ephemeral.peer.PeerNode;
import ephemeral.protocol.Sha256;
import ephemeral.protocol.live.LiveKey;
import ephemeral.protocol.live.LiveVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A live page across stacks (docs/protocol.md §3): its author in Chromium publishes from the page's editor,
 * a Firefox visitor and a Java peer following it (as {@code pin} does) hold each version, and a new one
 * reaches both over the mesh within 2 s, without a reload. The server relays handshakes only: no frame it
 * saw holds the content, a version record (its signature or seq), or even the page's key.
 */
class LiveMeshE2ETest extends BrowserE2E {
    private static final Duration UPDATE_WITHIN = Duration.ofSeconds(2);

    @AfterAll
    void freeNative() {
        PeerNode.disposeNative(); // the test closes its node; runs before the servers stop
    }

    @Test
    void anUpdateFromABrowserAuthorReachesAFirefoxVisitorAndAJavaPinWithinTwoSeconds() throws Exception {
        AppPage author = AppPage.in(browsers, Kind.CHROMIUM).open(server.baseUrl() + "/");
        author.page().click("#new-live");
        author.page().waitForURL(Pattern.compile(".*/live/[A-Za-z0-9_-]{43}$"));
        String address = author.page().url();
        LiveKey key = new LiveKey(address.substring(address.lastIndexOf('/') + 1));
        assertThat(author.page().locator("#live-editor")).isVisible();

        String v1 = "# First version\n\n" + secret("live-v1");
        publish(author, v1, 1);
        author.waitState("shown");
        assertEquals(v1, author.page().locator("#live-text").inputValue(), "the editor holds what was published");

        AppPage visitor = AppPage.in(browsers, Kind.FIREFOX).open(address);
        try (PeerNode pin = PeerNode.start(PeerConfig.defaults().withServer(server.baseUrl()))) {
            visitor.waitState("shown");
            assertEquals(v1, visitor.content());
            assertThat(visitor.page().locator("#page-view")).hasAttribute("data-live-seq", "1");
            assertFalse(visitor.page().locator("#live-editor").isVisible(), "a visitor is not the author");
            LiveVersion first = pin.awaitLive(key, 1, Duration.ofSeconds(20));
            assertEquals(Sha256.of(v1.getBytes(StandardCharsets.UTF_8)), first.hash());
            visitor.page().evaluate("() => { window.sameDocument = true; }");
            Waits.until("the Java peer to be linked into the mesh", Duration.ofSeconds(10),
                    () -> !pin.liveLinks(key).isEmpty());

            String v2 = "# Second version\n\n" + secret("live-v2");
            long start = System.nanoTime();
            publish(author, v2, 2);
            assertThat(visitor.page().locator("#page-view")).hasAttribute("data-live-seq", "2",
                    new LocatorAssertions.HasAttributeOptions().setTimeout(UPDATE_WITHIN.toMillis()));
            long firefoxMs = (System.nanoTime() - start) / 1_000_000;
            LiveVersion second = pin.awaitLive(key, 2, UPDATE_WITHIN.minusMillis(firefoxMs));
            long javaMs = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("live update seen by Firefox after %d ms, by the Java peer after %d ms%n", firefoxMs, javaMs);
            assertEquals(Sha256.of(v2.getBytes(StandardCharsets.UTF_8)), second.hash());
            assertEquals(v2, new String(pin.store().get(second.hash()).orElseThrow().bytes(), StandardCharsets.UTF_8));
            visitor.waitState("shown");
            assertEquals(v2, visitor.content());
            assertEquals(true, visitor.page().evaluate("() => window.sameDocument === true"), "the visitor's tab reloaded");
            assertTrue(visitor.page().locator("#live-version").textContent().startsWith("Version 2"));

            // the server saw handshakes for the page's topic only: not its key, no version, no content
            String sig = second.sig();
            assertTrue(server.frames().stream().noneMatch(f -> f.text().contains(key.text())), "a frame named the key");
            assertTrue(server.frames().stream().noneMatch(f -> f.text().contains(sig) || f.text().contains(first.sig())),
                    "a frame held a version's signature");
            assertTrue(server.frames().stream().noneMatch(f -> f.text().contains("\"seq\"")), "a frame held a version record");
            assertTrue(server.frames().stream().anyMatch(f -> f.text().contains(key.topic())), "the mesh met through the topic");
        } finally {
            visitor.close();
            author.close();
        }
    }

    private static void publish(AppPage author, String text, int seq) {
        author.page().fill("#live-text", text);
        author.page().click("#publish");
        assertThat(author.page().locator("#publish-status")).hasText("Published version " + seq + ".");
    }
}
