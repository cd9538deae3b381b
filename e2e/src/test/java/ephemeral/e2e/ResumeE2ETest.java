package ephemeral.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.assertions.LocatorAssertions;
import ephemeral.e2e.Browsers.Kind;
import ephemeral.peer.PeerConfig;
import ephemeral.peer.PeerNode;
import ephemeral.peer.store.Body;
import ephemeral.peer.store.ForwardingStore;
import ephemeral.peer.store.MemoryStore;
import ephemeral.peer.store.Page;
import ephemeral.protocol.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Big pages in the browser. A big page survives a reload half-way: a holder sends the first half of a 24 MiB page and closes; the
 * visitor reloads the tab; its new page finds the half in OPFS ({@code partial/<hash>}), says "Resuming at
 * …", and takes only the rest from an honest holder, then verifies the whole. The partial file is gone
 * once the page is verified.
 */
class ResumeE2ETest extends BrowserE2E {
    private static final int SIZE = 24 << 20;


    @AfterAll
    void freeNative() {
        PeerNode.disposeNative();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aReloadedTabResumesWhereItStopped(Kind kind) throws Exception {
        byte[] bytes = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 13));
        }
        String hash = Sha256.of(bytes);
        Path half = Files.createTempFile("half", ".bin");
        Files.write(half, Arrays.copyOf(bytes, SIZE / 2));
        PeerConfig config = PeerConfig.defaults().withServer(server.baseUrl());
        AppPage visitor = AppPage.in(browsers, kind);
        try (PeerNode quitter = PeerNode.start(config, new HalfStore(half, SIZE))) {
            quitter.share(bytes);
            visitor.open(server.baseUrl() + "/" + hash + "#name=big.bin&n=" + SIZE);
            Waits.until("a good part of the page is stored", Duration.ofSeconds(20),
                    () -> ((Number) visitor.page().evaluate(AppPage.PARTIAL_SIZE, hash)).longValue() >= SIZE / 4);
        } finally {
            Files.deleteIfExists(half);
        }
        Waits.until("the quitter left", Duration.ofSeconds(10), () -> server.stats().holders() == 0);

        visitor.page().reload();
        visitor.waitConnected();
        long kept = ((Number) visitor.page().evaluate(AppPage.PARTIAL_SIZE, hash)).longValue();
        assertTrue(kept >= SIZE / 4 && kept <= SIZE / 2, "kept " + kept);
        assertThat(visitor.page().locator("#progress-text")).containsText(Pattern.compile("Resuming at [0-9.]+ MB of 25 MB"),
                new LocatorAssertions.ContainsTextOptions().setTimeout(15_000));

        try (PeerNode honest = PeerNode.start(config)) {
            honest.share(bytes);
            visitor.waitState("shown");
            long served = honest.stats().bytesServed();
            assertEquals(SIZE - kept, served, "the honest holder sent only what the reloaded tab lacked");
            assertEquals(-1L, ((Number) visitor.page().evaluate(AppPage.PARTIAL_SIZE, hash)).longValue(),
                    "the partial file moved to the tab's folder once verified");
            if (kind == Kind.CHROMIUM) {
                assertEquals(hash, visitor.downloadedSha256());
            }
        } finally {
            visitor.close();
        }
    }

    /**
     * The receiving worker hashes behind the channel: here its digest is held back 4 s, and the Java holder
     * closes its channel 2 s (twice its stall timeout) after its last byte. The closed channel is no failure
     * once every byte is in: the page is verified from that one holder, asked once. (A stall timeout of 1 s,
     * not less: a loaded machine can leave a browser's queue unread for a few hundred ms, and a holder that
     * gives up then is rightly asked again for the rest.)
     */
    @Test
    void aHolderClosingWhileTheLastBytesAreHashedIsNoFailure() throws Exception {
        byte[] bytes = new byte[9 << 20];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7 + (i >>> 11));
        }
        String hash = Sha256.of(bytes);
        PeerConfig config = PeerConfig.defaults().withServer(server.baseUrl()).withStallTimeout(Duration.ofSeconds(1));
        com.microsoft.playwright.BrowserContext context = browsers.newContext(Kind.CHROMIUM);
        context.addInitScript("(() => { const W = window.Worker; window.Worker = class extends W {"
                + " postMessage(m, t) { if (m && m.op === 'digest') setTimeout(() => super.postMessage(m, t), 4000);"
                + " else super.postMessage(m, t); } }; })()");
        try (PeerNode holder = PeerNode.start(config)) {
            holder.share(bytes);
            com.microsoft.playwright.Page page = context.newPage();
            page.navigate(server.baseUrl() + "/" + hash + "#n=" + bytes.length);
            assertThat(page.locator("#page-view")).hasAttribute("data-state", "shown",
                    new LocatorAssertions.HasAttributeOptions().setTimeout(30_000));
            var stats = holder.stats();
            assertEquals(1, stats.transfersServed() + stats.servesFailed(),
                    "asked once (" + stats.transfersServed() + " served, " + stats.servesFailed() + " failed)");
        } finally {
            context.close();
        }
    }

    /** A holder whose store has only the first half of the page on disk: it announces the whole and stops half-way. */
    private static final class HalfStore extends ForwardingStore {
        private final Path half;
        private final long size;

        HalfStore(Path half, long size) {
            super(new MemoryStore(Long.MAX_VALUE));
            this.half = half;
            this.size = size;
        }

        @Override
        public Optional<Page> get(String hash) {
            return inner.get(hash).map(p -> new Page(hash, new Body.File(half, size, false), p.name(), p.mime()));
        }
    }
}
