package ephemeral.e2e;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import ephemeral.e2e.Browsers.Kind;
import ephemeral.peer.PeerConfig;
import ephemeral.peer.PeerNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser against hostile peers (issue "Hostile peers"), in Chromium with small pages:
 * <ul>
 *   <li>a Java holder that announces the wrong size (and serves that many bytes) cannot keep a visitor
 *       from the page: with the size in the link its header alone gives it away, without it its bytes do;
 *       either way the visitor has the page within 10 s of an honest holder being online;</li>
 *   <li>a holder that announces more than a tab takes from a link without a size is refused at its
 *       header, and the visitor is told (and offered to accept that size);</li>
 *   <li>a browser holder flooded by wanters that never answer keeps its peer connections within its cap,
 *       stays connected, and an honest visitor still gets the page within 10 s;</li>
 *   <li>download names from untrusted hints are sanitised (checked on the module, in the browser).</li>
 * </ul>
 */
class HostilePeersE2ETest extends BrowserE2E {
    private static final double TEN_SECONDS = 10_000;
    /** peers.js MAX_CONNECTIONS */
    private static final int MAX_CONNECTIONS = 64;

    private final List<PeerNode> nodes = new ArrayList<>();
    private final List<AutoCloseable> others = new ArrayList<>();

    @AfterEach
    void closePeers() throws Exception {
        for (AutoCloseable c : others) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // already closed by the test
            }
        }
        others.clear();
        for (PeerNode n : nodes) n.close();
        nodes.clear();
    }

    @AfterAll
    void freeNative() {
        PeerNode.disposeNative(); // every node is closed (@AfterEach); runs before the server stops
    }

    private PeerNode javaPeer(ephemeral.peer.store.PageStore store) throws Exception {
        PeerConfig config = PeerConfig.defaults().withServer(server.baseUrl());
        PeerNode node = store == null ? PeerNode.start(config) : PeerNode.start(config, store);
        nodes.add(node);
        return node;
    }

    private AppPage chromium(String url) {
        AppPage p = AppPage.in(browsers, Kind.CHROMIUM);
        others.add(p::close);
        return p.open(url);
    }

    /**
     * A lying Java holder (it announces half the size and sends half the bytes) is online alone when two
     * visitors open the page, one with the size in the link and one with the bare link: both catch it
     * and wait. An honest holder comes online: both have the page within 10 s, and so does a third
     * visitor who comes while the liar and the honest holder are both online.
     */
    @Test
    void lyingHolderAboutTheSizeDoesNotKeepThePageAway() throws Exception {
        String truth = ("the true page " + secret("size-liar") + "\n").repeat(200);
        byte[] bytes = truth.getBytes(StandardCharsets.UTF_8);
        TruncatingStore lies = new TruncatingStore();
        PeerNode liar = javaPeer(lies);
        String hash = liar.share(bytes);
        String bare = server.baseUrl() + "/" + hash;
        String sized = bare + "#n=" + bytes.length;

        AppPage withSize = chromium(sized);
        AppPage withoutSize = chromium(bare);
        Waits.until("both visitors to have asked the liar", Duration.ofSeconds(10), () -> lies.served() >= 2);
        // the size in the link unmasks the liar by its header; without it, its bytes do not match
        assertThat(withSize.page().locator("#notice")).containsText("the link says", noticeWait());
        assertThat(withoutSize.page().locator("#notice")).containsText("do not match", noticeWait());
        for (AppPage v : List.of(withSize, withoutSize)) {
            assertNotEquals("shown", v.page().locator("#page-view").getAttribute("data-state"));
        }

        PeerNode honest = javaPeer(null);
        assertEquals(hash, honest.share(bytes));
        withSize.waitState("shown", TEN_SECONDS);
        withoutSize.waitState("shown", TEN_SECONDS);
        assertEquals(truth, withSize.content());
        assertEquals(truth, withoutSize.content());

        AppPage third = chromium(sized);
        third.waitState("shown", TEN_SECONDS);
        assertEquals(truth, third.content());
        assertTrue(liar.held().contains(hash), "the liar left: the test proves nothing");
    }

    /**
     * A holder announces 300 MiB for a page whose link gives no size: more than a tab takes from such a
     * link (256 MiB). The visitor refuses it at the header (no byte taken), says why, and offers to
     * accept that size.
     */
    @Test
    void aHugeAnnouncedSizeIsRefusedAtTheHeader() {
        String hash = AppPage.sha256Hex(("never sent " + secret("huge")).getBytes(StandardCharsets.UTF_8));
        int huge = 300 * 1024 * 1024;
        BrowserContext context = browsers.newContext(Kind.CHROMIUM);
        others.add(context::close);
        Page liar = context.newPage();
        liar.navigate(server.baseUrl() + "/healthz");
        // a Node of the product whose store answers with a "blob" of 300 MiB that reads as junk
        ScriptedHolder.start(liar, ScriptedHolder.onePage("{ size: args.huge, slice: (a, b) =>"
                + " new Blob([new Uint8Array(Math.max(0, Math.min(b, args.huge) - a))]) }"),
                Map.of("hash", hash, "huge", huge), "");

        AppPage visitor = chromium(server.baseUrl() + "/" + hash);
        assertThat(visitor.page().locator("#notice")).containsText("Without its size in the link", noticeWait());
        assertThat(visitor.page().locator("#accept-size")).hasText("Accept 315 MB");
        assertThat(visitor.page().locator("#progress-box")).isHidden();
        assertNotEquals("shown", visitor.page().locator("#page-view").getAttribute("data-state"));
    }

    /**
     * A Chromium holder is the target of 80 wanters that never answer (bare signaling clients, re-wanting
     * every 1.1 s with the other holder excluded, so the server routes them all at it, up to its 50
     * requests per second). Its live RTCPeerConnections (counted by wrapping the constructor before the
     * app loads) never exceed the cap, it stays connected to the server, and an honest visitor gets the
     * page within 10 s (from it, or from the second honest holder, a Java seed).
     */
    @Test
    void floodedHolderStaysWithinItsConnectionCapAndTheVisitorGetsThePage() throws Exception {
        String text = "flooded " + secret("flood");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        AppPage victim = AppPage.in(browsers, Kind.CHROMIUM);
        others.add(victim::close);
        victim.page().addInitScript(COUNT_PEER_CONNECTIONS);
        String url = victim.open(server.baseUrl() + "/").shareText(text);
        String hash = AppPage.sha256Hex(bytes);
        PeerNode seed = javaPeer(null);
        seed.share(bytes);
        victim.waitCounts(2, 0);

        FloodWanters flood = FloodWanters.start(server.port(), hash, 80, List.of(seed.peerId()));
        others.add(flood);
        Waits.until("the flood to reach the holder", Duration.ofSeconds(10), () -> !flood.holders().isEmpty());
        assertEquals(1, flood.holders().size(), "the flood was not aimed at one holder: " + flood.holders());
        String victimId = flood.holders().iterator().next();
        // well past the cap: a few seconds of requests at the server's 50 per second for one holder
        victim.page().waitForCondition(() -> flood.routedTo(victimId) >= 3 * MAX_CONNECTIONS,
                new Page.WaitForConditionOptions().setTimeout(15_000));
        Map<String, Object> pcs = peerConnections(victim);
        assertTrue(((Number) pcs.get("max")).intValue() >= MAX_CONNECTIONS / 2, "the flood never loaded the holder: " + pcs);

        AppPage visitor = chromium(url);
        visitor.waitState("shown", TEN_SECONDS);
        assertEquals(text, visitor.content());

        pcs = peerConnections(victim);
        assertTrue(((Number) pcs.get("max")).intValue() <= MAX_CONNECTIONS, "over the cap: " + pcs);
        assertTrue(((Number) pcs.get("live")).intValue() <= MAX_CONNECTIONS, "over the cap: " + pcs);
        assertTrue(flood.routedTo(victimId) > ((Number) pcs.get("created")).intValue(),
                "every request got a connection: " + flood.routedTo(victimId) + " requests, " + pcs);
        victim.waitConnected(); // not closed by the server for flooding it back
        assertEquals("open", victim.page().locator("#conn").getAttribute("data-state"));
    }

    /**
     * File-name hints from peers and links are untrusted: the sanitiser (filename.js), run in the
     * browser, on names that hide or fake an extension, reach out of the download folder, name Windows
     * devices, or are too long.
     */
    @Test
    void downloadNamesAreSanitised() {
        String hash = "0123abcd".repeat(8);
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("report\u202Efdp.exe", "reportfdp.exe"); // right-to-left override: "reportexe.pdf" on screen
        cases.put("a\u061Cb\u200E\u200Fc\u202A\u202B\u202C\u202Dd\u2066\u2067\u2068\u2069.txt", "abcd.txt"); // bidi controls
        cases.put("zero\u200Bwidth\u200C\u200D.txt", "zerowidth.txt");
        cases.put("\uFEFFbom.txt", "bom.txt");
        cases.put("line\u2028para\u2029.txt", "line para .txt");
        cases.put("c0\u0000\u0001\u001b\u007fc1\u0080\u009f.txt", "c0c1.txt");
        cases.put("tab\there\r\nx.txt", "tab here x.txt");
        cases.put("../../etc/passwd", "_.._etc_passwd");
        cases.put("C:\\Windows\\system32\\evil.bat", "C__Windows_system32_evil.bat");
        cases.put("a<b>c:d\"e|f?g*h.txt", "a_b_c_d_e_f_g_h.txt");
        cases.put("invoice.pdf" + " ".repeat(120) + "\u3000\u00A0\u2003.exe", "invoice.pdf .exe"); // extension out of view
        cases.put("notes.txt. . .  ", "notes.txt");
        cases.put("  ...hidden", "hidden");
        cases.put("CON", "_CON");
        cases.put("con.txt", "_con.txt");
        cases.put("Nul.tar.gz", "_Nul.tar.gz");
        cases.put("aux ", "_aux");
        cases.put("COM1.log", "_COM1.log");
        cases.put("lpt9", "_lpt9");
        cases.put("COM10.txt", "COM10.txt"); // not a device
        cases.put("x".repeat(300) + ".jpeg", "x".repeat(195) + ".jpeg");
        cases.put("日本語".repeat(100) + ".txt", "日本語".repeat(21) + "日本.txt"); // 200 bytes of UTF-8 at most
        cases.put("\u200B\u200E\u202E", "page-0123abcd");
        cases.put("...", "page-0123abcd");
        cases.put("", "page-0123abcd.txt"); // a text page has no name
        cases.put("photo 2024 (1).jpg", "photo 2024 (1).jpg");
        cases.put("ünïcødé 🙂.png", "ünïcødé 🙂.png");

        AppPage p = chromium(server.baseUrl() + "/");
        @SuppressWarnings("unchecked")
        List<String> got = (List<String>) p.page().evaluate("async ({names, hash}) => {"
                + " const { downloadName } = await import('/static/js/filename.js');"
                + " return names.map((n) => downloadName(n, hash)); }",
                Map.of("names", new ArrayList<>(cases.keySet()), "hash", hash));
        List<String> expected = new ArrayList<>(cases.values());
        List<String> names = new ArrayList<>(cases.keySet());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), got.get(i), "for " + escape(names.get(i)));
        }
        assertTrue(got.stream().allMatch(n -> n.getBytes(StandardCharsets.UTF_8).length <= 200));
        assertEquals(Set.of(), Set.copyOf(p.dialogs()));
    }

    private static Map<String, Object> peerConnections(AppPage p) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) p.page().evaluate("() => ({ ...window.peerConnections })");
        return m;
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04X", (int) c));
            else b.append(c);
        }
        return b.length() > 80 ? b.substring(0, 80) + "…" : b.toString();
    }

    private static LocatorAssertions.ContainsTextOptions noticeWait() {
        return new LocatorAssertions.ContainsTextOptions().setTimeout(TEN_SECONDS);
    }

    /** Counts the page's RTCPeerConnections: created, live (not closed) now, and the most live at once. */
    private static final String COUNT_PEER_CONNECTIONS = "(() => {"
            + " const Native = window.RTCPeerConnection;"
            + " if (!Native) return;"
            + " const stats = { created: 0, live: 0, max: 0 };"
            + " window.peerConnections = stats;"
            + " class Counted extends Native {"
            + "   constructor(...args) { super(...args); this.counted = true;"
            + "     stats.created++; stats.live++; stats.max = Math.max(stats.max, stats.live); }"
            + "   close() { if (this.counted) { this.counted = false; stats.live--; } return super.close(); }"
            + " }"
            + " window.RTCPeerConnection = Counted;"
            + "})()";
}
