package ephemeral.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.FilePayload;
import ephemeral.e2e.Browsers.Kind;
import ephemeral.peer.PeerConfig;
import ephemeral.peer.PeerNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The page people see (issue 17): private links, safe previews, the share panel and the ways in. Each state
 * is also saved as a screenshot under target/screenshots/.
 */
class PageExperienceE2ETest extends BrowserE2E {

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aPrivatePageIsReadOnlyWithTheWholeLink(Kind creatorKind) throws Exception {
        String text = "Door code 4711\n" + secret("private");
        AppPage creator = AppPage.in(browsers, creatorKind).open(server.baseUrl() + "/");
        creator.page().fill("#text", text);
        creator.page().check("#private");
        creator.page().click("#share");
        creator.page().waitForURL(Pattern.compile(".*/[0-9a-f]{64}#n=\\d+&k=[A-Za-z0-9_-]{43}$"));
        creator.waitState("shown");
        assertEquals(text, creator.content());
        String url = creator.page().url();
        String hash = url.replaceAll("^.*/([0-9a-f]{64})#.*$", "$1");
        assertNotEquals(AppPage.sha256Hex(text.getBytes(StandardCharsets.UTF_8)), hash, "the address is the ciphertext's");
        Screenshots.save(creator.page(), "private-created-" + name(creatorKind));

        AppPage visitor = AppPage.in(browsers, creatorKind.other()).open(url);
        visitor.waitState("shown");
        assertEquals(text, visitor.content(), "the whole link opens it");

        // what holders serve is ciphertext: a Java peer fetching by hash gets the sealed bytes
        try (PeerNode peer = PeerNode.start(PeerConfig.defaults().withServer(server.baseUrl()))) {
            byte[] served = peer.get(hash, Duration.ofSeconds(20));
            assertEquals("ephpriv1", new String(served, 0, 8, StandardCharsets.US_ASCII));
            assertFalse(new String(served, StandardCharsets.ISO_8859_1).contains("4711"));
        }

        AppPage keyless = AppPage.in(browsers, creatorKind).open(server.baseUrl() + "/" + hash);
        keyless.waitState("shown");
        assertThat(keyless.page().locator("#private-note")).hasText(Pattern.compile("private: its link is missing its key"), text());
        assertEquals("", keyless.content());
        Screenshots.save(keyless.page(), "private-without-key-" + name(creatorKind));
        for (AppPage p : List.of(creator, visitor, keyless)) {
            p.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void markdownRendersSafelyWithHighlightedCode(Kind kind) {
        String text = "# Meeting notes " + secret("markdown") + "\n\nSome **bold** words, a [link](https://example.org) and "
                + "[a trap](javascript:alert(1)).\n\n```js\nconst answer = 42;\n```\n\n"
                + "<script>alert(3)</script> <img src=x onerror=alert(4)> <b>raw</b>\n";
        AppPage creator = AppPage.in(browsers, kind).open(server.baseUrl() + "/");
        String url = creator.shareText(text);
        AppPage visitor = AppPage.in(browsers, kind.other()).open(url);
        visitor.waitState("shown");
        Page p = visitor.page();
        assertThat(p.locator("#rendered h1")).hasText(Pattern.compile("^Meeting notes "), text());
        assertThat(p.locator("#rendered strong")).hasCount(1);
        assertThat(p.locator("#rendered a[href='https://example.org/'], #rendered a[href='https://example.org']")).hasCount(1);
        assertEquals("noopener noreferrer", p.locator("#rendered a").first().getAttribute("rel"));
        assertThat(p.locator("#rendered a[href^='javascript']")).hasCount(0);
        assertThat(p.locator("#rendered code.hljs .hljs-keyword")).not().hasCount(0);
        assertThat(p.locator("main script, main img, #rendered b")).hasCount(0);
        assertTrue(p.locator("#rendered").textContent().contains("<script>alert(3)</script>"), "raw HTML is shown as text");
        assertEquals(text, visitor.content(), "the plain text is one click away");
        assertThat(p.locator("#title")).hasText(Pattern.compile("^Meeting notes "), text());
        assertTrue(p.title().startsWith("Meeting notes "), p.title());
        assertTrue(visitor.dialogs().isEmpty() && creator.dialogs().isEmpty(), "a dialog opened");
        p.click("#show-raw");
        assertThat(p.locator("#content")).isVisible();
        assertThat(p.locator("#rendered")).isHidden();
        Screenshots.save(creator.page(), "markdown-" + name(kind));
        creator.close();
        visitor.close();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void filesPreviewWithoutRunningAnything(Kind kind) throws Exception {
        AppPage creator = AppPage.in(browsers, kind).open(server.baseUrl() + "/");
        byte[] png = png(64, 48);
        server.guard().register(png);
        String imageUrl = creator.shareFile("photo.png", "image/png", png);
        assertThat(creator.page().locator("#media img")).hasCount(1);
        assertEquals(64, ((Number) creator.page().evaluate("document.querySelector('#media img').naturalWidth")).intValue());
        Screenshots.save(creator.page(), "image-preview-" + name(kind));

        creator.page().click("#new-page");
        String svg = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><script>window.pwned=1;alert(5)</script>"
                + "<rect width='10' height='10' fill='red'/><!--" + secret("svg") + "--></svg>";
        creator.shareFile("evil.svg", "image/svg+xml", svg.getBytes(StandardCharsets.UTF_8));
        assertThat(creator.page().locator("#media img")).hasCount(1);

        creator.page().click("#new-page");
        String html = "<html><body><script>window.pwned=2;alert(6)</script>" + secret("html") + "</body></html>";
        creator.shareFile("page.html", "text/html", html.getBytes(StandardCharsets.UTF_8));
        assertEquals(html, creator.content(), "HTML is shown as text");

        creator.page().click("#new-page");
        byte[] bomb = bombPng(20_000, 20_000);
        server.guard().register(bomb);
        creator.shareFile("bomb.png", "image/png", bomb);
        assertThat(creator.page().locator("#media")).hasText(Pattern.compile("too large to preview"), text());
        assertThat(creator.page().locator("#media img")).hasCount(0);
        assertEquals(2, ((Number) creator.page().evaluate("1 + 1")).intValue(), "the tab still answers");

        AppPage visitor = AppPage.in(browsers, kind.other()).open(imageUrl);
        visitor.waitState("shown");
        assertThat(visitor.page().locator("#media img")).hasCount(1);
        for (AppPage p : List.of(creator, visitor)) {
            assertEquals(null, p.page().evaluate("window.pwned"), "a script of a page ran");
            assertTrue(p.dialogs().isEmpty(), "a dialog opened: " + p.dialogs());
        }
        creator.close();
        visitor.close();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void sharePanelInputsAndLifetime(Kind kind) {
        AppPage a = AppPage.in(browsers, kind).open(server.baseUrl() + "/");
        Page p = a.page();
        assertThat(p.locator("#held-empty")).isVisible();
        Screenshots.save(p, "home-empty-" + name(kind));

        // paste anywhere puts the text into the page being written; Ctrl+Enter shares it
        String text = "Pasted note " + secret("paste");
        // (Firefox ignores clipboardData in a synthetic event's init: it is set on the event instead)
        p.evaluate("t => { const dt = new DataTransfer(); dt.setData('text/plain', t);"
                + " const ev = new ClipboardEvent('paste', { bubbles: true, cancelable: true });"
                + " Object.defineProperty(ev, 'clipboardData', { value: dt }); document.body.dispatchEvent(ev); }", text);
        assertThat(p.locator("#text")).hasValue(text);
        p.press("#text", "Control+Enter");
        p.waitForURL(Pattern.compile(".*/[0-9a-f]{64}$"));
        a.waitState("shown");
        String hash = p.url().substring(p.url().lastIndexOf('/') + 1);
        assertThat(p.locator("#link-field")).hasValue(server.baseUrl() + "/" + hash + "#n=" + text.length());
        assertThat(p.locator("#title")).hasText(text, text());
        assertThat(p.locator("#only-holder")).isVisible();
        p.click("#show-qr");
        assertThat(p.locator("#qr svg path")).hasCount(1);
        assertThat(p.locator("#copy-text")).isVisible();
        Screenshots.save(p, "share-panel-" + name(kind));

        // several files at once: one page each, listed with their names
        p.click("#new-page");
        p.setInputFiles("#file", new FilePayload[] {
            new FilePayload("one.txt", "text/plain", ("first " + secret("one")).getBytes(StandardCharsets.UTF_8)),
            new FilePayload("two.txt", "text/plain", ("second " + secret("two")).getBytes(StandardCharsets.UTF_8))});
        p.click("#share");
        assertThat(p.locator("#held li")).hasCount(3);
        assertThat(p.locator("#held li a", new Page.LocatorOptions().setHasText("two.txt"))).hasCount(1);
        assertThat(p.locator("#held li a", new Page.LocatorOptions().setHasText("Pasted note"))).hasCount(1);
        Screenshots.save(p, "held-list-" + name(kind));

        // anyone can stop holding a page
        p.locator("#held li", new Page.LocatorOptions().setHasText("one.txt")).locator("button.remove").click();
        assertThat(p.locator("#held li")).hasCount(2);
        a.close();
    }

    private static String name(Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static LocatorAssertions.HasTextOptions text() {
        return new LocatorAssertions.HasTextOptions().setTimeout(AppPage.TIMEOUT_MS);
    }

    private static byte[] png(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | 0x80);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** A valid 1-bit greyscale PNG of width × height zeros: a few tens of KB that decode to gigabytes. */
    private static byte[] bombPng(int width, int height) throws Exception {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat)) {
            byte[] row = new byte[1 + (width + 7) / 8];
            for (int y = 0; y < height; y++) {
                z.write(row);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 1).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
