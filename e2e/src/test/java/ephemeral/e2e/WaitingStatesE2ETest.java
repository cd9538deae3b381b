package ephemeral.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import ephemeral.e2e.Browsers.Kind;
import ephemeral.protocol.Sha256;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every state a visitor waits in says what it waits for, never a bare spinner: nobody online, a holder
 * asked and not answering yet, a holder given up on and why; and {@code ?debug} lists each attempt with its
 * holder, outcome and times. Screenshots of them go to target/screenshots/.
 */
class WaitingStatesE2ETest extends BrowserE2E {
    private static final double WAIT_MS = 10_000;

    @Test
    void nobodyOnlineSaysSo() {
        String hash = Sha256.of(secret("nobody").getBytes(StandardCharsets.UTF_8));
        AppPage visitor = AppPage.in(browsers, Kind.CHROMIUM).open(server.baseUrl() + "/" + hash);
        try {
            visitor.waitState("nobody");
            assertTrue(visitor.status().startsWith("No one holds this page right now (0 online)."), visitor.status());
            Screenshots.save(visitor.page(), "waiting-nobody-online");
        } finally {
            visitor.close();
        }
    }

    /** A "holder" that announces the page and never answers: each step of the wait is named. */
    @Test
    void aSilentHolderIsNamedThenGivenUpOnAndTheDebugPanelListsTheAttempts() throws Exception {
        String hash = Sha256.of(secret("silent").getBytes(StandardCharsets.UTF_8));
        WebSocket silent = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Origin", server.baseUrl())
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        ws.request(1); // reads everything, answers nothing
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        AppPage visitor = AppPage.in(browsers, Kind.CHROMIUM);
        try {
            silent.sendText("{\"type\":\"have\",\"hashes\":[\"" + hash + "\"]}", true).get(10, TimeUnit.SECONDS);
            Waits.until("the silent holder to be on the roster", java.time.Duration.ofSeconds(10),
                    () -> server.stats().holders() >= 1);
            visitor.open(server.baseUrl() + "/" + hash + "?debug");
            assertThat(visitor.page().locator("#status")).hasText(Pattern.compile("^Asked holder \\S{6}…, no answer yet…$"),
                    new LocatorAssertions.HasTextOptions().setTimeout(WAIT_MS));
            Screenshots.save(visitor.page(), "waiting-asked-holder");
            assertThat(visitor.page().locator("#status")).hasText(
                    Pattern.compile("^Holder \\S{6}… did not answer within 2 s; (asking another|asked it again, no answer yet)…$"),
                    new LocatorAssertions.HasTextOptions().setTimeout(WAIT_MS));
            assertThat(visitor.page().locator("#attempts")).hasAttribute("open", "",
                    new LocatorAssertions.HasAttributeOptions().setTimeout(WAIT_MS));
            assertThat(visitor.page().locator("#attempts-list li").first()).hasText(
                    Pattern.compile("^holder \\S{6}…: did not answer within 2 s \\(at \\d+\\.\\d\\d s, took \\d+ ms\\)$"));
            Screenshots.save(visitor.page(), "waiting-holder-gave-no-answer-debug");
        } finally {
            visitor.close();
            silent.abort();
        }
    }

    /**
     * A holder no path leads to (here: a tab told to use relayed candidates only, on a server that offers no
     * relay, so its offers carry no address at all), on a server without TURN: the visitor is told there is
     * no direct path and no relay to go around it.
     */
    @Test
    void anUnreachableHolderOnAServerWithoutRelayIsExplained() {
        String text = secret("unreachable");
        String hash = Sha256.of(text.getBytes(StandardCharsets.UTF_8));
        BrowserContext holderContext = browsers.newContext(Kind.CHROMIUM);
        AppPage visitor = AppPage.in(browsers, Kind.CHROMIUM);
        try {
            Page holder = holderContext.newPage();
            holder.navigate(server.baseUrl() + "/healthz");
            // its offers carry no address: relay-only candidates on a server that offers no relay
            ScriptedHolder.start(holder, ScriptedHolder.onePage("new Blob([new TextEncoder().encode(args.text)])"),
                    Map.of("hash", hash, "text", text), "node.rtcConfig = { iceServers: [], iceTransportPolicy: 'relay' };");
            visitor.open(server.baseUrl() + "/" + hash + "?debug");
            assertThat(visitor.page().locator("#status")).hasText(Pattern.compile("^Holder \\S{6}… could not be reached within 5 s: "
                    + "no direct network path to it, and this server offers no relay \\(TURN\\) to go around a NAT or firewall; .*"),
                    new LocatorAssertions.HasTextOptions().setTimeout(15_000));
            Screenshots.save(visitor.page(), "waiting-unreachable-no-relay");
        } finally {
            visitor.close();
            holderContext.close();
        }
    }
}
