package ephemeral.e2e;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import ephemeral.e2e.Browsers.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The life of a text page between Chromium and Firefox: create, open, hand over when the creator
 * leaves, vanish when everyone leaves, come back when someone shares it again; plus a lying holder and
 * hostile content. Each scenario runs twice, starting from either browser, so every hop goes both ways.
 * At the end: no frame the server received or sent held any page's content.
 */
class PagesE2ETest extends BrowserE2E {

    /** Scenarios 1–3: create/open, hand-over, nobody holds it, shared again. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void pageLivesAsLongAsSomeoneHoldsIt(Kind first) {
        Kind second = first.other();
        String text = "Hello from " + first + "\n" + secret("lifecycle") + "\nünïcødé ✓";

        // 1. A creates; the address is the SHA-256 of the text; B opens it and shows the same text
        AppPage a = AppPage.in(browsers, first).open(server.baseUrl() + "/");
        String url = a.shareText(text);
        String hash = AppPage.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
        assertEquals(server.baseUrl() + "/" + hash, url);
        assertEquals(text, a.content());

        AppPage b = AppPage.in(browsers, second).open(url);
        b.waitState("shown");
        assertEquals(text, b.content());
        a.waitCounts(2, 0);
        b.waitCounts(2, 0);

        // 2. A leaves; C gets the page from B; counts follow everywhere
        a.close();
        b.waitCounts(1, 0);
        AppPage c = AppPage.in(browsers, first).open(url);
        c.waitState("shown");
        assertEquals(text, c.content());
        b.waitCounts(2, 0);
        c.waitCounts(2, 0);

        // 3. everyone leaves; D sees that nobody holds it, and gets it as soon as E shares it again
        b.close();
        c.close();
        AppPage d = AppPage.in(browsers, second).open(url);
        d.waitState("nobody");
        assertTrue(d.status().contains("No one holds this page right now (0 online)"), d.status());
        d.waitCounts(0, 1);
        AppPage e = AppPage.in(browsers, first).open(server.baseUrl() + "/");
        e.shareText(text);
        d.waitState("shown");
        assertEquals(text, d.content());
        d.waitCounts(2, 0);
        e.waitCounts(2, 0);
        assertTrue(d.dialogs().isEmpty() && e.dialogs().isEmpty());
        d.close();
        e.close();
    }

    /**
     * A second page from the same holder soon after the first travels over the same peer connection:
     * the holder opens a new channel on it, the visitor accepts it, and no signaling happens for it.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void secondPageReusesTheConnection(Kind holderKind) {
        String first = "first page " + secret("reuse1");
        String second = "second page " + secret("reuse2");
        AppPage a = AppPage.in(browsers, holderKind).open(server.baseUrl() + "/");
        String url1 = a.shareText(first);
        a.page().click("#new-page");
        String url2 = a.shareText(second);
        String hash2 = url2.substring(url2.lastIndexOf('/') + 1);

        AppPage b = AppPage.in(browsers, holderKind.other()).open(url1);
        b.waitState("shown");
        // in-app navigation (a reload would drop the connection along with everything else)
        b.page().evaluate("path => { history.pushState(null, '', path);"
                + " dispatchEvent(new PopStateEvent('popstate')); }", "/" + hash2);
        b.waitState("shown");
        assertEquals(second, b.content());
        b.waitCounts(2, 0);
        boolean signalled = server.frames().stream()
                .anyMatch(f -> f.text().contains("\"signal\"") && f.text().contains(hash2));
        assertFalse(signalled, "the second page was signalled: the connection was not reused");
        a.close();
        b.close();
    }

    /** Closing the tab that holds the last copy asks first; once someone else holds it, it does not. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void warnsBeforeClosingTheLastCopy(Kind creator) {
        AppPage a = AppPage.in(browsers, creator).open(server.baseUrl() + "/");
        String url = a.shareText("only copy " + secret("unload"));
        a.waitCounts(1, 0);
        a.page().close(new Page.CloseOptions().setRunBeforeUnload(true));
        // waitForCondition, not a plain poll: Playwright delivers the dialog event only inside its calls
        a.page().waitForCondition(() -> a.dialogs().stream().anyMatch(d -> d.startsWith("beforeunload")));
        assertFalse(a.page().isClosed(), "the tab closed without asking");

        AppPage b = AppPage.in(browsers, creator.other()).open(url);
        b.waitState("shown");
        a.waitCounts(2, 0);
        int prompts = a.dialogs().size();
        a.page().waitForClose(() -> a.page().close(new Page.CloseOptions().setRunBeforeUnload(true)));
        assertEquals(prompts, a.dialogs().size());
        a.close();
        b.close();
    }

    /**
     * A holder that announces the page but never answers a request (no offer, nothing). The wanter is
     * not told whom the server chose, so it cannot exclude it; it asks again and gets the page from an
     * honest holder.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void silentHolderIsRoutedAround(Kind visitorKind) {
        String text = "silence " + secret("silent");
        String hash = AppPage.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
        String url = server.baseUrl() + "/" + hash;
        AppPage visitor = AppPage.in(browsers, visitorKind).open(url);
        visitor.waitState("nobody");

        Page silent = browsers.newContext(visitorKind.other()).newPage();
        silent.navigate(server.baseUrl() + "/healthz");
        silent.evaluate("hash => new Promise((resolve) => {"
                + " window.requests = 0;"
                + " const ws = new WebSocket('ws://' + location.host + '/ws');"
                + " ws.onmessage = (ev) => { const m = JSON.parse(ev.data);"
                + "   if (m.type === 'welcome') { ws.send(JSON.stringify({type: 'have', hash})); resolve(); }"
                + "   if (m.type === 'content_request') window.requests++; }; })", hash);
        silent.waitForFunction("() => window.requests >= 1");

        AppPage honest = AppPage.in(browsers, visitorKind.other()).open(server.baseUrl() + "/");
        honest.shareText(text);
        visitor.waitState("shown");
        assertEquals(text, visitor.content());
        visitor.waitCounts(3, 0);
        silent.context().close();
        visitor.close();
        honest.close();
    }

    /** Scenario 5: markup in a page is shown as text; nothing in it runs. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void markupIsShownAsText(Kind creator) {
        String text = "<img src=x onerror=alert(1)><script>alert(2)</script><b>" + secret("xss") + "</b>";
        AppPage a = AppPage.in(browsers, creator).open(server.baseUrl() + "/");
        String url = a.shareText(text);
        AppPage b = AppPage.in(browsers, creator.other()).open(url);
        b.waitState("shown");
        for (AppPage p : List.of(a, b)) {
            assertEquals(text, p.content());
            assertThat(p.page().locator("img")).hasCount(0);
            assertThat(p.page().locator("main script, main b")).hasCount(0);
            assertTrue(p.dialogs().isEmpty(), "a dialog opened: " + p.dialogs());
        }
        a.close();
        b.close();
    }

    /**
     * Scenario 4: a holder that serves wrong bytes for the address. The visitor discards them (never
     * shows them, never holds them), says so, and gets the real page from an honest holder.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void lyingHolderIsDetected(Kind visitorKind) {
        String truth = "the real page " + secret("truth");
        String hash = AppPage.sha256Hex(truth.getBytes(StandardCharsets.UTF_8));
        String lie = "LIE!" + truth.substring(4); // same length, different bytes
        String url = server.baseUrl() + "/" + hash;

        AppPage visitor = AppPage.in(browsers, visitorKind).open(url);
        visitor.waitState("nobody");
        visitor.page().evaluate("lie => {"
                + " window.sawLie = false;"
                + " new MutationObserver(() => { if (document.body.textContent.includes(lie)) window.sawLie = true; })"
                + "   .observe(document.body, {subtree: true, childList: true, characterData: true}); }", "LIE!");

        LiarPeer liar = LiarPeer.start(browsers, visitorKind.other(), server.baseUrl(), hash, lie);
        assertThat(visitor.page().locator("#notice")).containsText("do not match",
                new LocatorAssertions.ContainsTextOptions().setTimeout(AppPage.TIMEOUT_MS));
        assertFalse(visitor.page().locator("#page-view").getAttribute("data-state").equals("shown"));
        visitor.waitCounts(1, 1); // the liar holds it; the visitor still waits and does not hold the lie
        assertEquals(1, havesOf(hash), "only the liar announced the page: the visitor did not hold the lie");

        AppPage honest = AppPage.in(browsers, visitorKind.other()).open(server.baseUrl() + "/");
        honest.shareText(truth);
        visitor.waitState("shown");
        assertEquals(truth, visitor.content());
        assertEquals(Boolean.FALSE, visitor.page().evaluate("() => window.sawLie"));
        visitor.waitCounts(3, 0);
        assertTrue(liar.served() >= 1, "the liar was never asked");
        liar.close();
        visitor.close();
        honest.close();
    }
}
