package ephemeral.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import ephemeral.e2e.Browsers.Kind;
import ephemeral.protocol.Sha256;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A browser fetches a big page from several holders at once (docs/protocol.md "Several holders at once").
 * The holders are tabs of the other browser running the product's Node over a store that reads 1 MiB per
 * 100 ms, so a page takes seconds from one holder and the visitor has time to bring in the other two.
 * <ul>
 *   <li>three honest holders: each sends a range, together about the page once, and it verifies;</li>
 *   <li>one of three lies about every byte: the page does not verify, another holder's digests locate the
 *   liar's ranges, only those come again, and the visitor names the liar (and only it);</li>
 *   <li>one of three stops sending half-way through its range: the rest of its range goes to the others,
 *   and the page verifies from what all three sent;</li>
 *   <li>a reload while three holders send: the page's file has holes, and the new tab resumes from how far it
 *   is whole from its first byte (kept in localStorage), then verifies.</li>
 * </ul>
 */
class SeveralHoldersE2ETest extends BrowserE2E {
    private static final int SIZE = 16 << 20;
    private static final int MIB = 1 << 20;

    private static byte[] pattern() {
        byte[] b = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            b[i] = (byte) (i * 31 + (i >>> 13));
        }
        return b;
    }

    private enum Third { HONEST, LIES, STALLS }

    @Test
    void threeHoldersEachSendARange() {
        run(Kind.FIREFOX, Third.HONEST);
    }

    @Test
    void aLiarAmongThreeCostsOnlyItsRanges() {
        run(Kind.CHROMIUM, Third.LIES);
    }

    @Test
    void aHolderThatStallsLeavesItsRangeToTheOthers() {
        run(Kind.CHROMIUM, Third.STALLS);
    }

    private void run(Kind visitorKind, Third third) {
        boolean oneLies = third == Third.LIES;
        String hash = Sha256.of(pattern());
        BrowserContext context = browsers.newContext(visitorKind.other());
        AppPage visitor = AppPage.in(browsers, visitorKind);
        try {
            List<Page> holders = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                holders.add(holder(context, hash, i < 2 ? Third.HONEST : third, 100));
            }
            List<String> ids = holders.stream().map(h -> (String) h.evaluate("() => window.holder.signaling.peerId")).toList();
            visitor.open(server.baseUrl() + "/" + hash + "#name=big.bin&n=" + SIZE);
            visitor.waitState("shown");
            Page page = visitor.page();
            Set<String> sources = words(page.locator("#page-view").getAttribute("data-sources"));
            Set<String> named = words(page.locator("#page-view").getAttribute("data-named"));
            long[] read = holders.stream().mapToLong(h -> ((Number) h.evaluate("() => window.bytesRead")).longValue()).toArray();
            String figures = "sources " + sources + ", named " + named + ", read by each holder " + Arrays.toString(read);
            System.out.println("several holders (third " + third + "): " + figures);
            if (visitorKind == Kind.CHROMIUM) {
                assertEquals(hash, visitor.downloadedSha256());
            }
            long total = Arrays.stream(read).sum();
            if (oneLies) {
                assertEquals(Set.of(ids.get(2)), named, "the liar, and only it, is named: " + figures);
                assertTrue(!sources.contains(ids.get(2)), "none of the liar's bytes are in the page: " + figures);
                // its ranges come again from the others, read once more by whoever gave the digests
                assertTrue(total <= 2L * SIZE + read[2] + 4L * MIB, figures);
            } else if (third == Third.STALLS) {
                assertTrue(sources.contains(ids.get(2)), "what the staller sent before it stopped is kept: " + figures);
                assertTrue(sources.containsAll(ids.subList(0, 2)), figures);
                assertEquals(Set.of(), named, "stalling is no lie: " + figures);
            } else {
                assertEquals(new TreeSet<>(ids), sources, "every holder sent a range: " + figures);
                // a holder whose range was cut sends on past the cut until the visitor closes its channel there:
                // what its queue and the visitor's receive window hold (a few MiB per cut, whatever the page's
                // size); three whole copies would be 3 × the page
                assertTrue(total <= SIZE + SIZE * 3 / 4, figures);
                assertEquals(Set.of(), named, figures);
            }
        } finally {
            visitor.close();
            context.close();
        }
    }

    @Test
    void aReloadWhileThreeHoldersSendResumesFromTheWholeFront() {
        String hash = Sha256.of(pattern());
        BrowserContext context = browsers.newContext(Kind.FIREFOX);
        AppPage visitor = AppPage.in(browsers, Kind.CHROMIUM);
        try {
            for (int i = 0; i < 3; i++) {
                holder(context, hash, Third.HONEST, 400); // ~2.5 MiB/s each: seconds to reload in
            }
            visitor.open(server.baseUrl() + "/" + hash + "#name=big.bin&n=" + SIZE);
            Page page = visitor.page();
            String front = "() => Number(localStorage.getItem('ephemeral-partial-front-" + hash + "') ?? -1)";
            Waits.until("the page has holes and a whole front of 2 MiB", java.time.Duration.ofSeconds(30),
                    () -> ((Number) page.evaluate(front)).longValue() >= 2 * MIB);
            page.reload();
            visitor.waitConnected();
            // "Resuming at …" until bytes flow, then "… · resumed at …"
            assertThat(page.locator("#progress-text")).containsText(java.util.regex.Pattern.compile("(Resuming|resumed) at [0-9.]+ MB"),
                    new LocatorAssertions.ContainsTextOptions().setTimeout(15_000));
            visitor.waitState("shown", 60_000);
            assertEquals(hash, visitor.downloadedSha256());
            assertEquals(-1L, ((Number) page.evaluate(front)).longValue(), "the record goes with the partial page");
        } finally {
            visitor.close();
            context.close();
        }
    }

    /**
     * A holder tab whose store reads the page at 1 MiB per {@code msPerMiB}: as it is, with every byte
     * inverted ({@code LIES}), or never again once it read 2 MiB ({@code STALLS}: its sender waits forever).
     */
    private Page holder(BrowserContext context, String hash, Third kind, int msPerMiB) {
        Page holder = context.newPage();
        holder.navigate(server.baseUrl() + "/healthz");
        ScriptedHolder.start(holder, ScriptedHolder.onePage("(() => {"
                + " const bytes = new Uint8Array(args.size);"
                + " for (let i = 0; i < bytes.length; i++) bytes[i] = ((i * 31 + (i >>> 13)) & 255) ^ (args.lies ? 255 : 0);"
                + " const real = new Blob([bytes]); window.bytesRead = 0;"
                + " return { size: real.size, slice: (a, b) => ({ arrayBuffer: () => new Promise((resolve) => {"
                + "   if (args.stalls && window.bytesRead >= 2 * 1048576) return;"
                + "   window.bytesRead += b - a;"
                + "   setTimeout(() => resolve(real.slice(a, b).arrayBuffer()), args.ms * (b - a) / 1048576); }) }) }; })()"),
                Map.of("hash", hash, "size", SIZE, "lies", kind == Third.LIES, "stalls", kind == Third.STALLS, "ms", msPerMiB), "");
        return holder;
    }

    private static Set<String> words(String attr) {
        Set<String> out = new TreeSet<>();
        for (String w : (attr == null ? "" : attr).split(" ")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }
}
