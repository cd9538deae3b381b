package ephemeral.e2e.interop;

import com.microsoft.playwright.assertions.LocatorAssertions;
import ephemeral.e2e.AppPage;
import ephemeral.e2e.BrowserE2E;
import ephemeral.e2e.Browsers.Kind;
import ephemeral.e2e.Payloads;
import ephemeral.e2e.Waits;
import ephemeral.peer.PeerConfig;
import ephemeral.peer.PeerNode;
import ephemeral.peer.store.CorruptingStore;
import ephemeral.peer.store.Page;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two kinds of peers talk to each other: headless Java peers ({@link PeerNode}, webrtc-java) and the
 * browser client in Chromium and Firefox, against the real signaling server, over real WebRTC.
 *
 * <ul>
 *   <li>a browser opens pages (text, and a binary file) that only a Java seed holds;</li>
 *   <li>a Java {@code get} fetches pages (text, and a file) that only a browser holds;</li>
 *   <li>a lying Java holder is caught by the browser, which gets the real page from an honest Java seed;</li>
 *   <li>a page outlives its creator's tab because a Java seed pinned it.</li>
 * </ul>
 *
 * Each browser is launched once for the class; every peer gets its own context; every test starts and
 * closes its own Java nodes. At the end: no frame the server received or sent held any page content.
 */
class JavaBrowserInteropE2ETest extends BrowserE2E {
    private static final int FILE_SIZE = 3 * 1024 * 1024;
    private static final Duration GET_TIMEOUT = Duration.ofSeconds(30);
    private static final double SLOW_MS = 60_000;

    private final List<PeerNode> nodes = new ArrayList<>();
    private final List<AppPage> pages = new ArrayList<>();

    @AfterEach
    void closePeers() {
        for (AppPage p : pages) {
            try {
                p.close();
            } catch (RuntimeException e) {
                // already closed by the test
            }
        }
        pages.clear();
        for (PeerNode n : nodes) n.close();
        nodes.clear();
    }

    @AfterAll
    void freeNative() {
        PeerNode.disposeNative(); // every node of this class is closed (@AfterEach); runs before the servers stop
    }

    private PeerNode javaPeer() throws Exception {
        PeerNode node = PeerNode.start(PeerConfig.defaults().withServer(server.baseUrl()));
        nodes.add(node);
        return node;
    }

    private PeerNode lyingJavaPeer() throws Exception {
        PeerNode node = PeerNode.start(PeerConfig.defaults().withServer(server.baseUrl()), new CorruptingStore());
        nodes.add(node);
        return node;
    }

    private AppPage browser(Kind kind, String url) {
        AppPage p = AppPage.in(browsers, kind);
        pages.add(p);
        return p.open(url);
    }

    /** 1a. A text page only a Java seed holds is shown by the browser, which then holds it too. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void browserOpensTextPageHeldOnlyByJavaSeed(Kind kind) throws Exception {
        String text = "From a Java seed to " + kind + "\n" + secret("seed-text") + "\nünïcødé ✓ — 日本語";
        PeerNode seed = javaPeer();
        String hash = seed.share(text.getBytes(StandardCharsets.UTF_8));
        assertEquals(AppPage.sha256Hex(text.getBytes(StandardCharsets.UTF_8)), hash);
        assertEquals(server.baseUrl() + "/" + hash + "#n=" + text.getBytes(StandardCharsets.UTF_8).length, seed.link(hash));

        AppPage visitor = browser(kind, seed.link(hash));
        visitor.waitState("shown");
        assertEquals(text, visitor.content());
        visitor.waitCounts(2, 0);
        Waits.until("the seed to have served the page", Duration.ofSeconds(10),
                () -> seed.stats().transfersServed() >= 1);
        assertTrue(visitor.dialogs().isEmpty(), "a dialog opened: " + visitor.dialogs());
    }

    /**
     * 1b. A binary file of a few MB only a Java seed holds: the browser shows it as a download with the
     * seed's name hint, and holds exactly the seed's bytes (checked by a Chromium download, and in both
     * browsers by a second Java peer fetching the page back from the browser after the seed left).
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void browserOpensBinaryFileHeldOnlyByJavaSeed(Kind kind) throws Exception {
        byte[] bytes = payload(FILE_SIZE, "seed-file", 100 + kind.ordinal());
        String name = "seed-" + kind.name().toLowerCase() + ".bin";
        PeerNode seed = javaPeer();
        String hash = seed.share(bytes, name, "application/octet-stream");
        assertEquals(AppPage.sha256Hex(bytes), hash);

        AppPage visitor = browser(kind, server.baseUrl() + "/" + hash);
        visitor.waitState("shown", SLOW_MS);
        assertThat(visitor.page().locator("#file-title")).hasText(name);
        assertThat(visitor.page().locator("#download")).isVisible();
        assertThat(visitor.page().locator("#content")).isHidden();
        visitor.waitCounts(2, 0);
        if (kind == Kind.CHROMIUM) assertEquals(hash, visitor.downloadedSha256());

        // only the browser holds it now: a fresh Java peer gets it from the browser, bytes and hints intact
        seed.close();
        visitor.waitCounts(1, 0);
        PeerNode checker = javaPeer();
        Page back = checker.fetch(hash, false, GET_TIMEOUT).get(GET_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertArrayEquals(bytes, back.bytes());
        assertEquals(name, back.name());
    }

    /** 2a. A Java get fetches a text page only a browser holds: exactly its UTF-8 bytes. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void javaGetsTextPageHeldOnlyByBrowser(Kind kind) throws Exception {
        String text = "From " + kind + " to Java\n" + secret("browser-text") + "\nünïcødé ✓ — 日本語 🙂";
        AppPage creator = browser(kind, server.baseUrl() + "/");
        String url = creator.shareText(text);
        String hash = AppPage.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
        assertEquals(server.baseUrl() + "/" + hash, url);
        creator.waitCounts(1, 0);

        PeerNode getter = javaPeer();
        byte[] got = getter.get(hash, GET_TIMEOUT);
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), got);
        assertEquals(1, getter.stats().pagesFetched());
        assertEquals(0, getter.stats().verifyFailures());
        assertTrue(getter.held().isEmpty(), "get must not hold the page");
        creator.waitCounts(1, 0); // a get does not hold: still only the creator
        assertEquals(1, havesOf(hash), "a get announced the page");
    }

    /** 2b. A Java get fetches a file of a few MB only a browser holds. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void javaGetsFileHeldOnlyByBrowser(Kind kind) throws Exception {
        byte[] bytes = payload(FILE_SIZE, "browser-file", 200 + kind.ordinal());
        String name = "from-" + kind.name().toLowerCase() + ".bin";
        AppPage creator = browser(kind, server.baseUrl() + "/");
        String url = creator.shareFile(name, "application/octet-stream", bytes);
        String hash = AppPage.sha256Hex(bytes);
        assertTrue(url.startsWith(server.baseUrl() + "/" + hash + "#"), url);

        PeerNode getter = javaPeer();
        Page got = getter.fetch(hash, false, GET_TIMEOUT).get(GET_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        assertArrayEquals(bytes, got.bytes());
        assertEquals(name, got.name());
        assertEquals(0, getter.stats().verifyFailures());
    }

    /**
     * 3. A Java holder that serves wrong bytes (one byte flipped) is the only holder when the browser
     * opens the link: the browser discards them (never shows, never holds them), says so, and gets the
     * real page as soon as an honest Java seed shares it.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void lyingJavaHolderIsRejectedByBrowser(Kind kind) throws Exception {
        // CorruptingStore flips the middle byte with 0x5a: make that byte '3', so the lie has an 'i' there
        String left = "truth " + secret("truth") + " <";
        String right = "> " + "x".repeat(Math.max(0, left.length() - 2));
        String truth = left + "3" + right;
        byte[] truthBytes = truth.getBytes(StandardCharsets.US_ASCII);
        assertEquals('3', truthBytes[truthBytes.length / 2]);
        String lie = left + "i" + right;
        String hash = AppPage.sha256Hex(truthBytes);

        AppPage visitor = browser(kind, server.baseUrl() + "/" + hash);
        visitor.waitState("nobody");
        visitor.page().evaluate("lie => {"
                + " window.sawLie = false;"
                + " new MutationObserver(() => { if (document.body.textContent.includes(lie)) window.sawLie = true; })"
                + "   .observe(document.body, {subtree: true, childList: true, characterData: true}); }", lie);

        PeerNode liar = lyingJavaPeer();
        assertEquals(hash, liar.share(truthBytes));
        assertThat(visitor.page().locator("#notice")).containsText("do not match",
                new LocatorAssertions.ContainsTextOptions().setTimeout(AppPage.TIMEOUT_MS));
        assertNotEquals("shown", visitor.page().locator("#page-view").getAttribute("data-state"));
        visitor.waitCounts(1, 1); // the liar holds it; the visitor still waits and does not hold the lie
        // a sender counts its bytes once its queue has drained, which it may see after the visitor checked them
        Waits.until("the liar was asked", Duration.ofSeconds(10), () -> liar.stats().bytesServed() >= truthBytes.length);
        assertEquals(1, havesOf(hash), "only the liar announced the page: the visitor did not hold the lie");

        PeerNode honest = javaPeer();
        honest.share(truthBytes);
        visitor.waitState("shown");
        assertEquals(truth, visitor.content());
        assertEquals(Boolean.FALSE, visitor.page().evaluate("() => window.sawLie"));
        assertFalse(visitor.page().content().contains(lie));
        visitor.waitCounts(3, 0);
        Waits.until("the honest seed to have served the page", Duration.ofSeconds(10),
                () -> honest.stats().transfersServed() >= 1);
    }

    /**
     * 4. Browser A shares a page; a Java seed pins it (fetches it from A, then holds it); A's tab closes;
     * browser B (the other kind) opens the link and gets the page from the seed.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void pinnedPageOutlivesItsCreator(Kind creatorKind) throws Exception {
        String text = "pinned by a seed, created in " + creatorKind + "\n" + secret("pinned") + "\nünïcødé ✓";
        AppPage a = browser(creatorKind, server.baseUrl() + "/");
        String url = a.shareText(text);
        String hash = AppPage.sha256Hex(text.getBytes(StandardCharsets.UTF_8));

        PeerNode seed = javaPeer();
        seed.pin(hash, GET_TIMEOUT);
        assertTrue(seed.held().contains(hash));
        a.waitCounts(2, 0);

        a.close();
        AppPage b = browser(creatorKind.other(), url);
        b.waitState("shown");
        assertEquals(text, b.content());
        b.waitCounts(2, 0); // the seed and B
        Waits.until("the seed to have served the page", Duration.ofSeconds(10),
                () -> seed.stats().transfersServed() >= 1);
    }

    /**
     * 5. Connection reuse (docs/protocol.md §2 "Connection"), browser as wanter: a browser that got one
     * page from a Java seed opens another page of that seed in the same tab (an in-app navigation); the
     * seed serves it on a new channel over the live peer connection, and the browser takes it.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void browserGetsSecondPageOverReusedConnectionToJavaSeed(Kind kind) throws Exception {
        String first = "first page for " + kind + " " + secret("reuse-1");
        String second = "second page for " + kind + " " + secret("reuse-2");
        PeerNode seed = javaPeer();
        String h1 = seed.share(first.getBytes(StandardCharsets.UTF_8));
        String h2 = seed.share(second.getBytes(StandardCharsets.UTF_8));

        AppPage visitor = browser(kind, seed.link(h1));
        visitor.waitState("shown");
        assertEquals(first, visitor.content());
        // in-app navigation: the document (and its peer connections) stays
        visitor.page().evaluate("h => { history.pushState(null, '', '/' + h);"
                + " window.dispatchEvent(new PopStateEvent('popstate')); }", h2);
        assertThat(visitor.page().locator("#hash")).hasText(h2);
        visitor.waitState("shown");
        assertEquals(second, visitor.content());
        visitor.waitCounts(2, 0);
        Waits.until("the seed to have served both pages", Duration.ofSeconds(10),
                () -> seed.stats().transfersServed() >= 2);
        assertEquals(1, seed.stats().linksOpened(), "the seed opened a second peer connection instead of reusing");
    }

    /**
     * 6. Connection reuse, Java as wanter: one Java peer gets two pages in a row from the same browser;
     * the second arrives on a channel the browser opens on the live connection. (Chromium reuses the
     * SCTP stream id of the channel just closed, and the new channel can arrive already closing; the Java
     * wanter must notice at once and ask again, and must not exclude its only holder for good.)
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void javaGetsTwoPagesFromSameBrowser(Kind kind) throws Exception {
        String first = "first from " + kind + " " + secret("jreuse-1");
        String second = "second from " + kind + " " + secret("jreuse-2");
        AppPage creator = browser(kind, server.baseUrl() + "/");
        creator.shareText(first);
        creator.page().click("#new-page");
        creator.shareText(second);
        String h1 = AppPage.sha256Hex(first.getBytes(StandardCharsets.UTF_8));
        String h2 = AppPage.sha256Hex(second.getBytes(StandardCharsets.UTF_8));

        PeerNode getter = javaPeer();
        assertArrayEquals(first.getBytes(StandardCharsets.UTF_8), getter.get(h1, GET_TIMEOUT));
        assertArrayEquals(second.getBytes(StandardCharsets.UTF_8), getter.get(h2, GET_TIMEOUT));
        assertEquals(2, getter.stats().pagesFetched());
        assertEquals(1, getter.stats().linksOpened(), "the browser opened a second peer connection instead of reusing");
    }

    /**
     * 2c. A Java get fetches a page of 8 MiB or more from Chromium, Firefox and a Java peer at once, each
     * holder serving the range the wanter asks of it; the Chromium tab plays a client from before ranges (it
     * drops a {@code get}'s {@code end} and serves the rest of the page): the page verifies, nobody is blamed.
     * Whether a browser is asked for a range that stops before the page's end depends on who is fastest (it
     * is printed).
     */
    @org.junit.jupiter.api.Test
    void javaGetsABigPageInRangesFromBrowsersAndAnOlderClient(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        byte[] bytes = payload(24 << 20, "ranges", 300);
        String hash = AppPage.sha256Hex(bytes);
        List<AppPage> holders = browsersHolding(dir, bytes, true);
        javaPeer().share(bytes);
        PeerNode getter = javaPeer();
        Page got = getter.fetch(hash, false, GET_TIMEOUT).get(GET_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        assertArrayEquals(bytes, got.bytes());
        String gets = "gets read by Chromium " + gets(holders.get(0)) + ", by Firefox " + gets(holders.get(1));
        System.out.println(gets);
        assertEquals(0, getter.stats().verifyFailures(), gets);
        assertEquals(List.of(), getter.liarsFound(), gets);
        for (AppPage holder : holders) {
            assertThat(holder.page().locator("#net-served")).containsText(java.util.regex.Pattern.compile("^Served \\d+ times? to 1 peer"),
                    new LocatorAssertions.ContainsTextOptions().setTimeout(10_000));
        }
        // the older client sends past the end it was given until the wanter's close reaches it
        long fetched = getter.stats().bytesFetched();
        assertTrue(fetched <= bytes.length + (8L << 20), "bytes fetched: " + fetched + "; " + gets);
    }

    /**
     * 2d. Three holders of a big page, one of them a Java peer that lies about every byte: the Java wanter's
     * try from all three does not verify, the next holder it is paired with answers {@code get_digests} for
     * the others' ranges (a browser or the liar), only the liar's ranges are fetched again, and comparing
     * names the liar (and only it); the page that is kept is the true one.
     */
    @org.junit.jupiter.api.Test
    void aLyingJavaHolderAmongTwoBrowsersIsNamedByTheJavaWanter(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        byte[] bytes = payload(24 << 20, "liar-ranges", 301);
        String hash = AppPage.sha256Hex(bytes);
        browsersHolding(dir, bytes, false);
        PeerNode liar = PeerNode.start(PeerConfig.defaults().withServer(server.baseUrl()),
                new ephemeral.peer.store.InvertingStore());
        nodes.add(liar);
        liar.share(bytes);
        PeerNode getter = javaPeer();
        Page got = getter.fetch(hash, false, GET_TIMEOUT).get(GET_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        assertArrayEquals(bytes, got.bytes());
        assertEquals(List.of(liar.peerId()), getter.liarsFound(), "the liar, and only it, is named");
        // one holder's digests (a browser's, or the liar's disputing both browsers) locate the liar's ranges:
        // only those come again
        Waits.until("the liar counted what it sent", Duration.ofSeconds(10), () -> liar.stats().bytesServed() > 0);
        long lied = liar.stats().bytesServed();
        long fetched = getter.stats().bytesFetched();
        assertTrue(fetched <= bytes.length + lied + (3L << 20), "bytes fetched: " + fetched + ", by the liar: " + lied);
    }

    /**
     * Installed in a holder tab: every {@code get} it reads is recorded in {@code window.__gets} (its
     * {@code end}, or null); with {@code older}, the tab then forgets the {@code end}, as a client from before
     * ranges would (it serves the rest of the page, with a header without {@code end}).
     */
    private static String recordGets(boolean older) {
        return "window.__gets = []; { const parse = JSON.parse; JSON.parse = function (text, reviver) {"
                + " const v = parse.call(this, text, reviver);"
                + " if (v && v.type === 'get') { window.__gets.push(v.end ?? null);" + (older ? " delete v.end;" : "") + " }"
                + " return v; }; }";
    }

    /** A Chromium and a Firefox tab sharing {@code bytes} as a file; the Chromium one an older client if asked. */
    private List<AppPage> browsersHolding(java.nio.file.Path dir, byte[] bytes, boolean olderChromium) throws Exception {
        java.nio.file.Path file = dir.resolve("ranges.bin");
        java.nio.file.Files.write(file, bytes);
        List<AppPage> holders = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            AppPage holder = AppPage.in(browsers, kind);
            pages.add(holder);
            holder.page().context().addInitScript(recordGets(olderChromium && kind == Kind.CHROMIUM));
            holder.open(server.baseUrl() + "/");
            holder.shareFile(file, AppPage.sha256Hex(bytes));
            holders.add(holder);
        }
        return holders;
    }

    /** The {@code end}s of the {@code get}s a holder tab read (null: none). */
    private static List<?> gets(AppPage holder) {
        return (List<?>) holder.page().evaluate("() => window.__gets");
    }
}
