package ephemeral.e2e;

import ephemeral.e2e.Browsers.Kind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Scenario 8: the signaling server restarts (a new server on the same port, empty rosters). Open tabs
 * reconnect with backoff and announce what they hold (and renew what they wait for); new visitors in
 * either browser still get the page.
 */
class RestartE2ETest extends BrowserE2E {

    @Test
    void pagesSurviveASignalingRestart() {
        String text = "survives restarts\n" + secret("restart");
        AppPage a = AppPage.in(browsers, Kind.CHROMIUM).open(server.baseUrl() + "/");
        String url = a.shareText(text);
        AppPage b = AppPage.in(browsers, Kind.FIREFOX).open(url);
        b.waitState("shown");
        a.waitCounts(2, 0);
        // a visitor waiting for a page nobody holds yet: its want must be renewed with the new server
        String later = "shared after the restart\n" + secret("restart-later");
        AppPage w = AppPage.in(browsers, Kind.FIREFOX)
                .open(server.baseUrl() + "/" + AppPage.sha256Hex(later.getBytes(StandardCharsets.UTF_8)));
        w.waitState("nobody");

        server.stop();
        assertThat(a.page().locator("#conn")).hasAttribute("data-state", "closed");
        server.restart();
        a.waitConnected();
        b.waitConnected();
        a.waitCounts(2, 0); // both re-announced to the new server
        b.waitCounts(2, 0);

        AppPage c = AppPage.in(browsers, Kind.FIREFOX).open(url);
        c.waitState("shown");
        assertEquals(text, c.content());
        AppPage d = AppPage.in(browsers, Kind.CHROMIUM).open(url);
        d.waitState("shown");
        assertEquals(text, d.content());
        d.waitCounts(4, 0);

        AppPage e = AppPage.in(browsers, Kind.CHROMIUM).open(server.baseUrl() + "/");
        e.shareText(later);
        w.waitState("shown");
        assertEquals(later, w.content());
        for (AppPage p : List.of(a, b, c, d, e, w)) p.close();
    }
}
