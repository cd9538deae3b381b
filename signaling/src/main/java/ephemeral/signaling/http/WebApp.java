package ephemeral.signaling.http;

import ephemeral.protocol.Ids;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Serves the browser client: the same app page at {@code /} and at {@code /<hash>} (the page decides what to
 * show from its URL), with headers that keep page content from ever running as code.
 */
public final class WebApp {
    /** Everything the app needs is its own files; peers' content is only ever text or a download. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self' ws: wss:; img-src 'self' blob: data:; media-src 'self' blob:; "
            + "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final byte[] indexHtml;

    private WebApp(byte[] indexHtml) {
        this.indexHtml = indexHtml;
    }

    public static WebApp fromClasspath() {
        try (InputStream in = WebApp.class.getResourceAsStream("/web/index.html")) {
            if (in == null) {
                throw new IllegalStateException("the web client is missing from the classpath (/web/index.html)");
            }
            return new WebApp(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void secureHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        // the hash in the URL is the key to the page: don't hand it to other sites
        ctx.header("Referrer-Policy", "no-referrer");
    }

    public void home(Context ctx) {
        serve(ctx);
    }

    public void page(Context ctx) {
        if (!Ids.isHash(ctx.pathParam("hash"))) {
            throw new NotFoundResponse("not a page address: a page is /<64 lowercase hex characters>");
        }
        serve(ctx);
    }

    private void serve(Context ctx) {
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType("text/html; charset=utf-8").result(indexHtml);
    }
}
