package ephemeral.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import ephemeral.e2e.Browsers.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Locale;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Saves screenshots of the home page, of a page view and of a live page's author view at desktop and phone widths under
 * target/screenshots/ (see {@link Screenshots}), for people to look at, and checks that the phone layout
 * does not scroll sideways.
 */
class ScreenshotsE2ETest extends BrowserE2E {

    @ParameterizedTest
    @EnumSource(Kind.class)
    void homeAndPageView(Kind kind) {
        String text = "Meeting notes — " + kind + "\n\n"
                + "* Pages are addressed by the SHA-256 of their bytes.\n"
                + "* Whoever opens the link gets the bytes from a browser that holds them, checks them, and holds them too.\n"
                + "* <b>Markup</b> shows as text.\n";
        AppPage holder = AppPage.in(browsers, kind).open(server.baseUrl() + "/");
        String url = holder.shareText(text);
        for (boolean phone : new boolean[] {false, true}) {
            String size = phone ? "phone" : "desktop";
            Browser.NewContextOptions options = new Browser.NewContextOptions()
                    .setViewportSize(phone ? 390 : 1280, phone ? 844 : 800);
            if (phone && kind == Kind.CHROMIUM) options.setIsMobile(true).setDeviceScaleFactor(2).setHasTouch(true);
            AppPage p = AppPage.in(browsers, kind, options).open(server.baseUrl() + "/");
            p.page().fill("#text", "Write your page here…");
            shot(p.page(), kind, size, "home");
            p.page().navigate(url);
            p.waitConnected();
            p.waitState("shown");
            p.waitCounts(2, 0);
            shot(p.page(), kind, size, "page");
            boolean noSideScroll = (Boolean) p.page().evaluate(
                    "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth");
            assertTrue(noSideScroll, size + " layout scrolls sideways");
            // a live page, as its author sees it: the version line, the page, the editor
            p.page().navigate(server.baseUrl() + "/");
            p.waitConnected();
            p.page().click("#new-live");
            p.page().waitForURL(Pattern.compile(".*/live/[A-Za-z0-9_-]{43}$"));
            p.page().fill("#live-text", "# Today's menu\n\nSoup, then whatever the author publishes next.");
            p.page().click("#publish");
            p.waitState("shown");
            shot(p.page(), kind, size, "live");
            assertTrue((Boolean) p.page().evaluate(
                    "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
                    size + " live page layout scrolls sideways");
            p.close();
        }
        holder.close();
    }

    private static void shot(Page page, Kind kind, String size, String view) {
        Screenshots.save(page, view + "-" + size + "-" + kind.name().toLowerCase(Locale.ROOT));
    }
}
