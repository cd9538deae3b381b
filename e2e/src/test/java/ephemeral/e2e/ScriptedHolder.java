package ephemeral.e2e;

import com.microsoft.playwright.Page;
import java.util.Map;

/**
 * A holder built from the product's own modules, with no test hook in the product: in a same-origin page
 * (e.g. {@code /healthz}) it imports {@code /static/js/node.js} and runs a Node whose store the test writes
 * (an honest one, a lying one, one whose page reads as junk…), started and connected.
 */
public final class ScriptedHolder {
    private ScriptedHolder() {
    }

    /**
     * @param page    a page already on the server's origin
     * @param storeJs a JavaScript expression for the Node's store, with the test's values in {@code args}
     * @param args    values for {@code storeJs} and {@code afterJs}
     * @param afterJs statements run once the Node is connected ({@code node} in scope), or ""
     */
    public static void start(Page page, String storeJs, Map<String, Object> args, String afterJs) {
        page.evaluate("async (args) => {"
                + " const { Node } = await import('/static/js/node.js');"
                + " const store = " + storeJs + ";"
                + " const node = new Node({ store });"
                + " await new Promise((resolve) => {"
                + "   node.addEventListener('change', () => { if (node.connection === 'open') resolve(); });"
                + "   node.start(); });"
                + " " + afterJs
                + " window.holder = node; }", args);
    }

    /** A store holding one page, {@code args.hash}, whose bytes are the Blob {@code blobJs} makes (counted in {@code window.served}). */
    public static String onePage(String blobJs) {
        return "(() => { const blob = " + blobJs + "; window.served = 0;"
                + " return { get: (h) => { if (h !== args.hash) return undefined; window.served++; return { hash: args.hash, blob }; },"
                + "   has: (h) => h === args.hash, hashes: () => [args.hash], put: () => {} }; })()";
    }
}
