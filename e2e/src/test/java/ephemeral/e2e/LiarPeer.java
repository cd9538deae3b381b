package ephemeral.e2e;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;

import java.util.Map;

/**
 * A dishonest holder ({@link ScriptedHolder}) whose store answers every request for {@code hash} with other
 * bytes. The product's code serves them faithfully.
 */
public final class LiarPeer implements AutoCloseable {
    private final BrowserContext context;
    private final Page page;

    private LiarPeer(BrowserContext context, Page page) {
        this.context = context;
        this.page = page;
    }

    /**
     * Starts the liar and waits until it has announced {@code hash}.
     *
     * @param browsers the harness
     * @param kind which browser it runs in
     * @param baseUrl the server's origin
     * @param hash the page it claims to hold
     * @param lie what it sends instead
     * @return the running liar
     */
    public static LiarPeer start(Browsers browsers, Browsers.Kind kind, String baseUrl, String hash, String lie) {
        BrowserContext context = browsers.newContext(kind);
        Page page = context.newPage();
        page.navigate(baseUrl + "/healthz");
        ScriptedHolder.start(page, ScriptedHolder.onePage("new Blob([new TextEncoder().encode(args.lie)])"),
                Map.of("hash", hash, "lie", lie), "");
        return new LiarPeer(context, page);
    }

    /** @return how many times it served its lie */
    public int served() {
        return ((Number) page.evaluate("() => window.served")).intValue();
    }

    @Override
    public void close() {
        context.close();
    }
}
