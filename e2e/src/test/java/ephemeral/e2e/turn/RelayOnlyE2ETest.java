package ephemeral.e2e.turn;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.assertions.LocatorAssertions;
import ephemeral.e2e.AppPage;
import ephemeral.e2e.BrowserE2E;
import ephemeral.e2e.Browsers.Kind;
import ephemeral.e2e.Screenshots;
import ephemeral.e2e.Waits;
import ephemeral.peer.PeerConfig;
import ephemeral.peer.PeerNode;
import ephemeral.protocol.IceTransportPolicy;
import ephemeral.signaling.SignalingConfig;
import ephemeral.signaling.ice.Ice;
import ephemeral.testing.Coturn;
import ephemeral.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every peer is told by the server ({@code --ice-transport-policy relay}, in {@code welcome}) to use relayed
 * candidates only, with credentials the server issued for a real coturn: browsers of both engines and a Java
 * peer still exchange pages, and coturn's own log shows it carried the bytes.
 */
class RelayOnlyE2ETest extends BrowserE2E {
    private Coturn turn;

    @Override
    protected UnaryOperator<SignalingConfig> configure() {
        try {
            turn = Coturn.start(Files.createTempDirectory("coturn"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return c -> c.withIce(Ice.NONE.withTurn(List.of(turn.url()), turn.secret(), Duration.ofMinutes(10))
                .withPolicy(IceTransportPolicy.RELAY));
    }

    @AfterAll
    void stopTurn() {
        PeerNode.disposeNative();
        turn.close();
    }

    @Test
    void chromiumToFirefoxThroughTheRelay() {
        browserToBrowser(Kind.CHROMIUM, Kind.FIREFOX, "relay-browsers");
    }

    @Test
    void firefoxToChromiumThroughTheRelay() {
        browserToBrowser(Kind.FIREFOX, Kind.CHROMIUM, "relay-browsers-back");
    }

    /** One browser shares a page, the other shows it, both relay-only: the route line and coturn's log agree. */
    private void browserToBrowser(Kind from, Kind to, String what) {
        String text = "relayed to " + to + "\n" + secret(what);
        long before = turn.relayedBytes();
        AppPage author = AppPage.in(browsers, from);
        AppPage visitor = AppPage.in(browsers, to);
        try {
            String url = author.open(server.baseUrl()).shareText(text);
            visitor.open(url).waitState("shown");
            assertEquals(text, visitor.content());
            assertThat(visitor.page().locator("#route")).containsText("relayed by TURN");
        } finally {
            visitor.close();
            author.close();
        }
        assertRelayed(before, text.length());
    }

    @Test
    void chromiumToAJavaGetThroughTheRelay() throws Exception {
        String text = "relayed to a Java get\n" + secret("relay-to-java");
        long before = turn.relayedBytes();
        AppPage author = AppPage.in(browsers, Kind.CHROMIUM);
        try (PeerNode wanter = PeerNode.start(PeerConfig.defaults().withServer(server.baseUrl()))) {
            String url = author.open(server.baseUrl()).shareText(text);
            String hash = url.substring(url.lastIndexOf('/') + 1, url.lastIndexOf('/') + 65);
            assertEquals(text, new String(wanter.get(hash, Duration.ofSeconds(20)), StandardCharsets.UTF_8));
        } finally {
            author.close();
        }
        assertRelayed(before, text.length());
    }

    @Test
    void javaSeedToChromiumThroughTheRelay() throws Exception {
        String text = "relayed from a Java seed\n" + secret("relay-java");
        long before = turn.relayedBytes();
        try (PeerNode seed = PeerNode.start(PeerConfig.defaults().withServer(server.baseUrl()))) {
            String hash = seed.share(text.getBytes(StandardCharsets.UTF_8));
            AppPage visitor = AppPage.in(browsers, Kind.CHROMIUM);
            try {
                visitor.open(seed.link(hash)).waitState("shown");
                assertEquals(text, visitor.content());
                assertThat(visitor.page().locator("#route")).containsText("relayed by TURN");
                Screenshots.save(visitor.page(), "relayed-by-turn");
            } finally {
                visitor.close();
            }
        }
        assertRelayed(before, text.length());
    }

    /** A server whose TURN secret is not coturn's: the visitor is told the relay refused its credentials. */
    @Test
    void credentialsTheRelayRefusesAreNamedInTheStatus() throws Exception {
        try (TestServer wrong = TestServer.start("127.0.0.1", c -> c.withIce(Ice.NONE
                .withTurn(List.of(turn.url()), "not-" + "coturns-secret", Duration.ofMinutes(10))
                .withPolicy(IceTransportPolicy.RELAY)));
             PeerNode seed = PeerNode.start(PeerConfig.defaults().withServer(wrong.baseUrl()))) {
            String hash = seed.share(secret("relay-refused").getBytes(StandardCharsets.UTF_8));
            AppPage visitor = AppPage.in(browsers, Kind.CHROMIUM);
            try {
                visitor.open(seed.link(hash) + "?debug");
                assertThat(visitor.page().locator("#status")).hasText(Pattern.compile(
                        "^Holder \\S{6}… could not be reached: the relay \\(TURN\\) server refused this tab's credentials .*; asking another…$"),
                        new LocatorAssertions.HasTextOptions().setTimeout(15_000));
                Screenshots.save(visitor.page(), "relay-refused-credentials");
            } finally {
                visitor.close();
            }
        }
    }

    /** coturn logs each session's bytes as it closes: both sides' sessions carried at least the page. */
    private void assertRelayed(long before, int pageBytes) {
        Waits.until("coturn to log the relayed sessions", Duration.ofSeconds(15),
                () -> turn.relayedBytes() - before >= 2L * pageBytes);
        assertTrue(turn.allocations() >= 2, "coturn granted no relayed addresses:\n" + turn.log());
    }
}
