package ephemeral.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.assertions.LocatorAssertions;
import ephemeral.e2e.Browsers.Kind;
import ephemeral.signaling.SignalingConfig;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A network that drops silently (no close, no RST) between a tab and the server: the tab notices by its own
 * {@code ping}s going unanswered (the old socket stays open for ever), greys its counts while it cannot
 * reconnect, and once the network is back comes back with a new connection that announces its page again.
 */
class ServerSilenceE2ETest extends BrowserE2E {

    @Override
    protected UnaryOperator<SignalingConfig> configure() {
        return c -> c.withHeartbeat(1, 3); // welcome says idleSeconds 3: the tab pings after 1 s of quiet
    }

    @Test
    void aSilentlyDroppedConnectionIsNoticedAndReplaced() throws Exception {
        try (Blackhole net = new Blackhole(server.port())) {
            AppPage author = AppPage.in(browsers, Kind.CHROMIUM);
            try {
                String text = "still held after the network came back\n" + secret("silence");
                String url = author.open("http://127.0.0.1:" + net.port() + "/").shareText(text);
                author.waitCounts(1, 0);
                net.drop();
                assertThat(author.page().locator("#conn")).not().hasText("connected",
                        new LocatorAssertions.HasTextOptions().setTimeout(10_000));
                assertThat(author.page().locator("#page-view")).not().hasAttribute("data-connection", "open");
                Screenshots.save(author.page(), "reconnecting-greyed-counts");
                net.restore();
                assertThat(author.page().locator("#conn")).hasText("connected",
                        new LocatorAssertions.HasTextOptions().setTimeout(15_000));
                Waits.until("the page announced again on the new connection", java.time.Duration.ofSeconds(10),
                        () -> server.stats().holders() == 1 && server.stats().connections() == 1);
                assertEquals(url, author.page().url(), "the tab stayed on its page");
            } finally {
                author.close();
            }
        }
    }
}
