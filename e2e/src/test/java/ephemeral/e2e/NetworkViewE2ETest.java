package ephemeral.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.assertions.LocatorAssertions;
import ephemeral.e2e.Browsers.Kind;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The page's network view: this tab's own links (got from, served to) and the counts' sparkline. */
class NetworkViewE2ETest extends BrowserE2E {

    @Test
    void eachSideSeesItsOwnLinksAndTheCountsOverTime() {
        String text = "a page with a network view\n" + secret("network-view");
        AppPage holder = AppPage.in(browsers, Kind.CHROMIUM).open(server.baseUrl() + "/");
        String url = holder.shareText(text);
        AppPage visitor = AppPage.in(browsers, Kind.CHROMIUM).open(url);
        visitor.waitState("shown");

        assertThat(visitor.page().locator("#net-from")).hasText(Pattern.compile("^Got it from holder \\S+…"), text());
        assertThat(holder.page().locator("#net-from")).hasText("You created or shared this page here.", text());
        assertThat(holder.page().locator("#net-served")).hasText(Pattern.compile("^Served 1 time to 1 peer: \\S+…$"), text());
        holder.waitCounts(2, 0);
        // the holder's sparkline has seen 1 holder, then a visitor waiting, then 2 holders: a line of several points
        String points = holder.page().locator("#spark-holders").getAttribute("points");
        assertTrue(points.split(" ").length >= 3, "sparkline points: " + points);
        assertTrue(holder.page().locator("#network").isVisible());
        visitor.close();
        holder.close();
    }

    private static LocatorAssertions.HasTextOptions text() {
        return new LocatorAssertions.HasTextOptions().setTimeout(AppPage.TIMEOUT_MS);
    }
}
