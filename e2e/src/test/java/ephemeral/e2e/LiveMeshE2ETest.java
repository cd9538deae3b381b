package ephemeral.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.assertions.LocatorAssertions;
import ephemeral.e2e.Browsers.Kind;
import ephemeral.peer.PeerConfig;
import ephemeral.peer.PeerNode;
import ephemeral.peer.store.CorruptingStore;
import ephemeral.protocol.Sha256;
import ephemeral.protocol.live.LiveKey;
import ephemeral.protocol.live.LiveVersion;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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

    /**
     * Upkeep from a browser: four Java holders form a mesh; a Chromium visitor is paired by the server with
     * one of them and meets the others through it (handshakes relayed over the data channels), so it has
     * minPeers (3) links while the server paired it fewer times than that. An update then reaches it.
     */
    @Test
    void aBrowserMeetsHoldersThroughItsNeighbours() throws Exception {
        var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        LiveKey key = LiveKey.of(pair.getPublic());
        List<PeerNode> holders = new ArrayList<>();
        AppPage visitor = null;
        try {
            for (int i = 0; i < 4; i++) {
                holders.add(PeerNode.start(PeerConfig.defaults().withServer(server.baseUrl())));
            }
            String v1 = "mesh v1 " + secret("live-mesh-v1");
            holders.get(0).publish(pair.getPrivate(), key, v1.getBytes(StandardCharsets.UTF_8), Duration.ZERO);
            for (PeerNode h : holders) {
                h.awaitLive(key, 1, Duration.ofSeconds(20));
            }
            Waits.until("the Java holders to link up", Duration.ofSeconds(10),
                    () -> holders.stream().allMatch(h -> h.liveLinks(key).size() >= 3));

            visitor = AppPage.in(browsers, Kind.CHROMIUM).open(server.baseUrl() + key.address());
            visitor.waitState("shown");
            assertEquals(v1, visitor.content());
            assertThat(visitor.page().locator("#page-view")).hasAttribute("data-live-links", "3");
            Set<String> javaIds = holders.stream().map(PeerNode::peerId).collect(Collectors.toSet());
            long pairings = server.frames().stream()
                    .filter(f -> !f.inbound() && !javaIds.contains(f.peerId()) && f.text().contains("\"routed\"")
                            && f.text().contains(key.topic()))
                    .count();
            assertTrue(pairings >= 1 && pairings < 3, "the server paired the browser " + pairings
                    + " times: its other links came through its neighbours");

            String v2 = "mesh v2 " + secret("live-mesh-v2");
            holders.get(3).publish(pair.getPrivate(), key, v2.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2));
            assertThat(visitor.page().locator("#page-view")).hasAttribute("data-live-seq", "2",
                    new LocatorAssertions.HasAttributeOptions().setTimeout(UPDATE_WITHIN.toMillis()));
            visitor.waitState("shown");
            assertEquals(v2, visitor.content());
        } finally {
            if (visitor != null) {
                visitor.close();
            }
            holders.forEach(PeerNode::close);
        }
    }

    /**
     * A holder that serves a version's page with a byte changed is caught by the browser (the page does not
     * hash to the signed one), never linked again, and the page comes from an honest holder instead.
     */
    @Test
    void aBrowserDropsAHolderWhosePageIsNotTheSignedOne() throws Exception {
        var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        LiveKey key = LiveKey.of(pair.getPublic());
        byte[] v1 = ("signed page " + secret("live-liar")).getBytes(StandardCharsets.UTF_8);
        AppPage visitor = null;
        try (PeerNode liar = PeerNode.start(PeerConfig.defaults().withServer(server.baseUrl()), new CorruptingStore())) {
            liar.publish(pair.getPrivate(), key, v1, Duration.ZERO);
            visitor = AppPage.in(browsers, Kind.FIREFOX).open(server.baseUrl() + key.address());
            // the browser links to the only holder, pulls its page, finds it is not the signed one, drops it
            assertThat(visitor.page().locator("#page-view")).hasAttribute("data-live-liars", "1");
            assertThat(visitor.page().locator("#page-view")).hasAttribute("data-live-seq", "");
            Waits.until("the liar to lose its link", Duration.ofSeconds(10), () -> liar.liveLinks(key).isEmpty());
            try (PeerNode honest = PeerNode.start(PeerConfig.defaults().withServer(server.baseUrl()))) {
                honest.publish(pair.getPrivate(), key, v1, Duration.ZERO); // the same version, signed again
                visitor.waitState("shown");
                assertEquals(new String(v1, StandardCharsets.UTF_8), visitor.content());
                assertThat(visitor.page().locator("#page-view")).hasAttribute("data-live-links", "1");
                assertTrue(liar.liveLinks(key).stream().noneMatch(p -> !p.equals(honest.peerId())),
                        "the browser linked to the liar again");
            }
        } finally {
            if (visitor != null) {
                visitor.close();
            }
        }
    }

    private static void publish(AppPage author, String text, int seq) {
        author.page().fill("#live-text", text);
        author.page().click("#publish");
        assertThat(author.page().locator("#publish-status")).hasText("Published version " + seq + ".");
    }
}
