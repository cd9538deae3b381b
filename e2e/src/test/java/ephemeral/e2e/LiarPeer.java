package ephemeral.e2e;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;

import java.util.Map;

/**
 * A dishonest holder built from the product's own modules, with no test hook in the product: in a
 * same-origin page ({@code /healthz}) it imports {@code /static/js/node.js} and runs a Node whose store
 * answers every request for {@code hash} with other bytes. The product's code serves them faithfully.
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
        page.evaluate("async ({hash, lie}) => {"
                + " const { Node } = await import('/static/js/node.js');"
                + " const blob = new Blob([new TextEncoder().encode(lie)]);"
                + " window.served = 0;"
                + " const store = {"
                + "   get: (h) => { if (h !== hash) return undefined; window.served++; return { hash, blob }; },"
                + "   has: (h) => h === hash, hashes: () => [hash], put: () => {} };"
                + " const node = new Node({ store });"
                + " await new Promise((resolve) => {"
                + "   node.addEventListener('change', () => { if (node.connection === 'open') resolve(); });"
                + "   node.start(); });"
                + " window.liar = node; }", Map.of("hash", hash, "lie", lie));
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
