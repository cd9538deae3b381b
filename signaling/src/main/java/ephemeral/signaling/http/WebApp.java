package ephemeral.signaling.http;

import ephemeral.protocol.Ids;
import ephemeral.protocol.ProtocolException;
import ephemeral.protocol.Sha256;
import ephemeral.protocol.live.LiveKey;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Serves the browser client: the same app page at {@code /} and at {@code /<hash>} (the page decides what to
 * show from its URL), with headers that keep page content from ever running as code.
 */
public final class WebApp {
    /**
     * Everything the app needs is its own files and its own server's WebSocket; peers' content is shown as
     * sanitised Markdown, text, or media and PDF from blob: URLs the app types itself (never as HTML). The {@code %s} are the app page's one inline script (by its hash) and the
     * WebSocket sources of the host the page was loaded from.
     */
    static final String CSP = "default-src 'self'; script-src 'self' %s; style-src 'self'; "
            + "connect-src 'self' %s; img-src 'self' blob: data:; media-src 'self' blob:; frame-src blob:; "
            + "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** The app uses none of these; a page of a peer's content can't ask for them either. */
    static final String PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
            + "display-capture=(), clipboard-read=()";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]{1,253}(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]{2,45}\\](:[0-9]{1,5})?");

    private static final String INLINE_OPEN = "<script>";
    private static final String INLINE_CLOSE = "</script>";
    private final byte[] indexHtml;
    /** {@code 'sha256-…'} of the app page's inline script. */
    private final String inlineScript;

    private WebApp(byte[] indexHtml) {
        this.indexHtml = indexHtml;
        this.inlineScript = inlineScriptHash(new String(indexHtml, StandardCharsets.UTF_8));
    }

    /**
     * The CSP source that allows the page's one inline script (index.html's early signaling) and nothing
     * else inline: {@code 'sha256-<base64>'} of the text between {@code <script>} and {@code </script>}.
     */
    static String inlineScriptHash(String html) {
        int open = html.indexOf(INLINE_OPEN);
        if (open < 0) {
            return "";
        }
        int from = open + INLINE_OPEN.length();
        int close = html.indexOf(INLINE_CLOSE, from);
        if (close < 0 || html.indexOf(INLINE_OPEN, close) >= 0) {
            throw new IllegalStateException("index.html: exactly one complete inline <script> is allowed");
        }
        byte[] script = html.substring(from, close).getBytes(StandardCharsets.UTF_8);
        return "'sha256-" + Base64.getEncoder().encodeToString(Sha256.digest().digest(script)) + "'";
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

    public void secureHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", String.format(CSP, inlineScript, webSocketSources(ctx.header("Host"))));
        ctx.header("Permissions-Policy", PERMISSIONS);
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("X-Content-Type-Options", "nosniff");
        // the hash in the URL is the key to the page: don't hand it to other sites
        ctx.header("Referrer-Policy", "no-referrer");
    }

    /** This host's own ws/wss origin (not any host, as {@code ws: wss:} would allow). */
    static String webSocketSources(String host) {
        if (host == null || !HOST.matcher(host).matches()) {
            return "";
        }
        return "ws://" + host + " wss://" + host;
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

    /** A live page, {@code /live/<key>}: the same app, which reads the key from the address. */
    public void live(Context ctx) {
        try {
            new LiveKey(ctx.pathParam("key"));
        } catch (ProtocolException e) {
            throw new NotFoundResponse("not a live page address: " + e.getMessage());
        }
        serve(ctx);
    }

    private void serve(Context ctx) {
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType("text/html; charset=utf-8").result(indexHtml);
    }
}
