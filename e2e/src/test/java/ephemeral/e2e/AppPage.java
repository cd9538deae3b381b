package ephemeral.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.FilePayload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * One peer: the app in its own browser context, driven through its UI (ids from index.html).
 * Records every dialog the page opens (none should ever open).
 */
public final class AppPage {
    /** Generous enough for Firefox on a 2-core machine running two browsers. */
    public static final double TIMEOUT_MS = 20_000;
    /** A script for {@code evaluate(script, hash)}: the bytes of a page in the tab's OPFS {@code partial/} folder, or -1. */
    public static final String PARTIAL_SIZE = "async (hash) => {"
            + " const root = await navigator.storage.getDirectory();"
            + " try { const dir = await root.getDirectoryHandle('partial');"
            + "   return (await (await dir.getFileHandle(hash)).getFile()).size; } catch (e) { return -1; } }";

    private final Browsers.Kind kind;
    private final BrowserContext context;
    private final Page page;
    private final List<String> dialogs = Collections.synchronizedList(new ArrayList<>());

    private AppPage(Browsers.Kind kind, BrowserContext context) {
        this.kind = kind;
        this.context = context;
        this.page = context.newPage();
        page.setDefaultTimeout(TIMEOUT_MS);
        page.onDialog(d -> {
            dialogs.add(d.type() + ": " + d.message());
            d.dismiss();
        });
    }

    /**
     * @param browsers the harness
     * @param kind which browser
     * @return a new peer in a fresh context, on no page yet
     */
    public static AppPage in(Browsers browsers, Browsers.Kind kind) {
        return new AppPage(kind, browsers.newContext(kind));
    }

    /**
     * @param browsers the harness
     * @param kind which browser
     * @param options e.g. a phone-sized viewport
     * @return a new peer in a fresh context with those options
     */
    public static AppPage in(Browsers browsers, Browsers.Kind kind, Browser.NewContextOptions options) {
        return new AppPage(kind, browsers.newContext(kind, options));
    }

    /** @return the browser this peer runs in */
    public Browsers.Kind kind() {
        return kind;
    }

    /** @return the Playwright page */
    public Page page() {
        return page;
    }

    /** @return dialogs opened so far (alert, confirm, …) */
    public List<String> dialogs() {
        return List.copyOf(dialogs);
    }

    /**
     * Opens a URL and waits until the app is connected to the signaling server.
     *
     * @param url the home page or a page link
     * @return this
     */
    public AppPage open(String url) {
        page.navigate(url);
        waitConnected();
        return this;
    }

    /** Waits until the app shows it is connected to the signaling server. */
    public void waitConnected() {
        assertThat(page.locator("#conn")).hasAttribute("data-state", "open", attr());
    }

    /**
     * On the home page: writes text, shares it, and waits for the page view at its address.
     *
     * @param text the page
     * @return the page's URL
     */
    public String shareText(String text) {
        page.fill("#text", text);
        page.click("#share");
        page.waitForURL(Pattern.compile(".*/" + sha256Hex(text.getBytes(StandardCharsets.UTF_8)) + "$"));
        waitState("shown");
        return page.url();
    }

    /**
     * On the home page: picks a file, shares it, and waits for the page view.
     *
     * @param name file name
     * @param mime media type
     * @param bytes content
     * @return the page's URL (with the name and type in its fragment)
     */
    public String shareFile(String name, String mime, byte[] bytes) {
        page.setInputFiles("#file", new FilePayload(name, mime, bytes));
        return clickShareFile(sha256Hex(bytes));
    }

    /**
     * On the home page: picks a file from disk (Playwright refuses in-memory payloads over 50 MB),
     * shares it, and waits for the page view.
     *
     * @param file the file
     * @param sha256 its SHA-256 as lowercase hex
     * @return the page's URL (with the name in its fragment)
     */
    public String shareFile(Path file, String sha256) {
        page.setInputFiles("#file", file);
        return clickShareFile(sha256);
    }

    private String clickShareFile(String sha256) {
        page.click("#share");
        page.waitForURL(Pattern.compile(".*/" + sha256 + "#.*"), new Page.WaitForURLOptions().setTimeout(60_000));
        waitState("shown");
        return page.url();
    }

    /**
     * Waits for the page view's state: "waiting", "nobody", "receiving" or "shown".
     *
     * @param state expected state
     */
    public void waitState(String state) {
        waitState(state, TIMEOUT_MS);
    }

    /**
     * @param state expected state
     * @param timeoutMs how long to wait
     */
    public void waitState(String state, double timeoutMs) {
        assertThat(page.locator("#page-view")).hasAttribute("data-state", state,
                new LocatorAssertions.HasAttributeOptions().setTimeout(timeoutMs));
    }

    /**
     * Waits until the counts shown are exactly these.
     *
     * @param holders expected holders
     * @param wanters expected waiting visitors
     */
    public void waitCounts(int holders, int wanters) {
        assertThat(page.locator("#holders")).hasText(String.valueOf(holders), text());
        assertThat(page.locator("#wanters")).hasText(String.valueOf(wanters), text());
    }

    /** @return the text content shown (the page as text) */
    public String content() {
        return page.locator("#content").textContent();
    }

    /** @return the status line */
    public String status() {
        return page.locator("#status").textContent();
    }

    /**
     * Clicks the download button and hashes the downloaded file in Java, so a test can check that what
     * a visitor holds is exactly what was shared (independently of the app's own verification).
     * Chromium only.
     *
     * @return SHA-256 of the downloaded bytes, lowercase hex
     */
    public String downloadedSha256() {
        if (kind == Browsers.Kind.FIREFOX) {
            // Playwright 1.62 reports no downloads from Firefox over BiDi, and the CSP (connect-src)
            // keeps a script from fetching the blob: URL; check the bytes from a Chromium peer instead
            throw new UnsupportedOperationException("downloads can only be checked in Chromium");
        }
        Download download = page.waitForDownload(() -> page.click("#download"));
        try {
            return sha256Hex(Files.readAllBytes(download.path()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            download.delete();
        }
    }

    /** Closes this peer's browser context (the tab and everything it held). */
    public void close() {
        context.close();
    }

    /**
     * @param bytes data
     * @return SHA-256 as lowercase hex
     */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static LocatorAssertions.HasAttributeOptions attr() {
        return new LocatorAssertions.HasAttributeOptions().setTimeout(TIMEOUT_MS);
    }

    private static LocatorAssertions.HasTextOptions text() {
        return new LocatorAssertions.HasTextOptions().setTimeout(TIMEOUT_MS);
    }
}
