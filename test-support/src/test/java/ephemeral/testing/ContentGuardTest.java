package ephemeral.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The guard itself must be able to fail: a deliberately leaking client puts a chunk from the middle of a
 * registered page into a binary frame, into base64 inside an SDP line, into hex and into JSON-escaped
 * text, and each is caught; an honest client's frames pass.
 */
class ContentGuardTest {
    static final String H = "ab".repeat(32);

    @Test
    void findsAnyStretchOfAPageInEveryEncoding() {
        byte[] page = random(100_000, 1);
        ContentGuard guard = new ContentGuard();
        guard.register(page);
        for (int offset : new int[] {0, 40_001, 77_777, 99_900}) {
            byte[] chunk = Arrays.copyOfRange(page, offset, offset + 96);
            for (String form : new String[] {
                new String(chunk, StandardCharsets.ISO_8859_1),
                HexFormat.of().formatHex(chunk),
                Base64.getEncoder().encodeToString(chunk),
                Base64.getUrlEncoder().withoutPadding().encodeToString(chunk)}) {
                assertTrue(guard.find("{\"x\":\"" + form + "\"}").isPresent(), "offset " + offset + ": " + form);
            }
        }
        assertTrue(guard.find("{\"type\":\"want\",\"hash\":\"" + H + "\"}").isEmpty());
        ContentGuard text = new ContentGuard();
        String textPage = "a page with \"quotes\", ünïcødé ✓ and\nline breaks. ".repeat(6);
        text.register(textPage);
        String stretch = textPage.substring(37, 160);
        String json = stretch.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        assertTrue(text.find("{\"note\":\"" + json + "\"}").isPresent(), "JSON-escaped as browsers write it");
        StringBuilder ascii = new StringBuilder();
        for (char c : json.toCharArray()) {
            ascii.append(c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        assertTrue(text.find("{\"note\":\"" + ascii + "\"}").isPresent(), "JSON-escaped down to ASCII");
    }

    /** A 3-byte page's base64 tail ("Aw") is in many random peer ids: too short to be evidence of anything. */
    @Test
    void aTinyPageDoesNotMatchRandomPeerIds() {
        ContentGuard guard = new ContentGuard();
        guard.register(new byte[] {1, 2, 3});
        assertTrue(guard.find("{\"type\":\"routed\",\"holder\":\"9X8op7UOUJW-3qMScG50Aw\"}").isEmpty());
        guard.register("a page of some length");
        assertTrue(guard.find("x a page of some length y").isPresent(), "a page of 21 characters is still found whole");
    }

    @Test
    void aLeakingClientIsCaughtAndAnHonestOneIsNot() throws Exception {
        TestServer server = TestServer.start();
        try {
            byte[] page = random(50_000, 2);
            server.guard().register(page);
            byte[] chunk = Arrays.copyOfRange(page, 30_001, 30_301);
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws"), new WebSocket.Listener() { })
                    .join();
            ws.sendText("{\"type\":\"want\",\"hash\":\"" + H + "\"}", true).join();
            awaitFrames(server, 2);
            server.assertClean(); // honest so far

            ws.sendBinary(ByteBuffer.wrap(chunk), true).join();
            awaitFrames(server, 2);
            assertThrows(AssertionFailedError.class, server::assertClean, "a chunk in a binary frame");

            ws.sendText("{\"type\":\"signal\",\"to\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"hash\":\"" + H + "\",\"data\":"
                    + "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\na=x-data:" + Base64.getEncoder().encodeToString(chunk)
                    + "\\r\\n\"}}}", true).join();
            awaitFrames(server, 2);
            assertThrows(AssertionFailedError.class, server::assertClean, "base64 inside an SDP");

            ws.sendText("{\"type\":\"want\",\"hash\":\"" + H + "\",\"note\":\"" + HexFormat.of().formatHex(chunk) + "\"}", true).join();
            awaitFrames(server, 2);
            assertThrows(AssertionFailedError.class, server::assertClean, "hex in a JSON field");

            ws.sendText("{\"type\":\"wnat\",\"hash\":\"" + H + "\"}", true).join();
            awaitFrames(server, 2);
            assertThrows(AssertionFailedError.class, server::assertClean, "not a protocol message");
            ws.abort();
        } finally {
            server.close();
        }
    }

    /** Waits until the server recorded at least {@code n} frames not yet checked (the frame and the answer). */
    private static void awaitFrames(TestServer server, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (server.frames().size() < n) {
            assertTrue(System.nanoTime() < deadline, "the server recorded " + server.frames().size() + " frames");
            Thread.sleep(5);
        }
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
