package ephemeral.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import ephemeral.e2e.Browsers.Kind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a browser holder answers on a {@code page} channel (docs/protocol.md §2) to requests it cannot
 * serve: one {@code error} with the right code, always delivered before the channel closes (a close too
 * soon after the send loses the error in Chromium). The holder is the real app in Chromium; the wanter is
 * a bare script in a same-origin page that speaks signaling through the product's {@code signaling.js}
 * and {@code peers.js} but writes whatever it likes on the channel, and never closes a refused channel
 * itself: the close it sees is the holder's.
 *
 * <p>Each round is a new wanter (a new peer id, so a new peer connection): one valid {@code get} over the
 * new connection, whose channel stays open, then every refusal at once over the reused connection, where
 * Chromium may hand the holder the request before its own {@code open} event. The wanter writes on none
 * of those channels before all are open, so none closes before all are open: Chromium gives a new channel
 * the stream id of one closed a moment ago, before the other side has finished closing it, and messages
 * on it are then lost (the product's pause before a retry stays clear of that).
 * Each channel of a round is asked for by wanting a different page (the server paces the routes of one
 * wanter's wants of one page); what the wanter then sends on it names whichever page it likes.
 */
class HolderRepliesE2ETest extends BrowserE2E {
    private static final int ROUNDS = 8;
    /** Rounds redone because the browser lost a channel (see lostInTheBrowser): more fails the test. */
    private static final int MAX_LOST = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyRefusalIsAnErrorWithItsCodeBeforeTheClose() throws Exception {
        String text = "holder replies " + secret("replies");
        String hash = AppPage.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
        String unheld = AppPage.sha256Hex("nobody holds this".getBytes(StandardCharsets.UTF_8));
        int size = text.getBytes(StandardCharsets.UTF_8).length;

        AppPage holder = AppPage.in(browsers, Kind.CHROMIUM).open(server.baseUrl() + "/");
        holder.shareText(text);
        BrowserContext wanterContext = browsers.newContext(Kind.CHROMIUM);
        Page wanter = wanterContext.newPage();
        wanter.navigate(server.baseUrl() + "/healthz");
        wanter.evaluate(WANTER);

        // first message on a channel -> the code the holder must answer with (null: a binary message)
        List<String> firsts = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        refusal(firsts, codes, "{\"type\":\"get\",\"hash\":\"" + hash + "\"}", "bad_request"); // offset is required
        refusal(firsts, codes, "{\"type\":\"get\",\"hash\":\"" + hash + "\",\"offset\":" + (size + 1) + "}", "bad_offset");
        refusal(firsts, codes, "{\"type\":\"get\",\"hash\":\"" + unheld + "\",\"offset\":0}", "not_found");
        refusal(firsts, codes, "{\"type\":\"get\",\"hash\":\"" + hash.toUpperCase() + "\",\"offset\":0}", "bad_request");
        refusal(firsts, codes, "{\"type\":\"want\",\"hash\":\"" + hash + "\",\"offset\":0}", "bad_request");
        refusal(firsts, codes, null, "bad_request");
        // unknown fields in a get are ignored, and so are messages after the get: the page is served
        String get = "{\"type\":\"get\",\"hash\":\"" + hash + "\",\"offset\":0,\"future\":[1]}";
        // one page per channel of a round: the first is served, the others carry the refusals
        List<String> pages = new ArrayList<>(List.of(hash));
        for (int i = 0; i < firsts.size(); i++) {
            holder.page().click("#new-page");
            String url = holder.shareText("channel " + i + " " + secret("channel"));
            pages.add(url.substring(url.lastIndexOf('/') + 1));
        }

        int lost = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Map<String, Object> result = round(wanter, pages, get, firsts);
            while (lostInTheBrowser(result)) {
                assertTrue(++lost <= MAX_LOST, "round " + round + ", lost again: " + result);
                System.out.println("round " + round + " redone, a channel was lost in the browser: " + result);
                result = round(wanter, pages, get, firsts);
            }
            List<String> served = strings(result.get("served"));
            assertEquals(3, served.size(), "round " + round + ": " + served);
            JsonNode header = JSON.readTree(served.get(0));
            assertEquals("header", header.path("type").asText(), served.toString());
            assertEquals(size, header.path("size").asInt());
            assertEquals(List.of("bytes:" + size, "done"), served.subList(1, 3));

            List<?> refused = (List<?>) result.get("refused");
            for (int i = 0; i < firsts.size(); i++) {
                List<String> events = strings(refused.get(i));
                String what = "round " + round + ", sent " + firsts.get(i) + ": " + events;
                assertEquals(2, events.size(), what);
                JsonNode reply = JSON.readTree(events.get(0));
                assertEquals("error", reply.path("type").asText(), what);
                assertEquals(codes.get(i), reply.path("code").asText(), what);
                assertTrue(reply.path("message").isTextual(), what);
                assertEquals("close", events.get(1), what);
            }
        }
        wanterContext.close();
        holder.close();
    }

    /**
     * Whether Chromium lost one of the round's channels: nothing at all came back on it (one side's
     * {@code open} or the first message never arrived, with every listener in place from the start), or
     * the holder answered the message sent after the {@code get} (it never saw the {@code get} first).
     * Measured on Chromium 156: about one round in 40, on new connections and on reused ones alike. The
     * product's wanter gets over it with its clocks and another holder; here the round is redone.
     */
    private static boolean lostInTheBrowser(Map<String, Object> result) {
        List<String> served = strings(result.get("served"));
        boolean servedAnError = !served.isEmpty() && served.get(0).contains("\"type\":\"error\"");
        return nothingCame(served) || servedAnError
                || ((List<?>) result.get("refused")).stream().anyMatch(events -> nothingCame(strings(events)));
    }

    private static boolean nothingCame(List<String> events) {
        return !events.isEmpty() && events.get(0).equals("timed out");
    }

    private static void refusal(List<String> firsts, List<String> codes, String first, String code) {
        firsts.add(first);
        codes.add(code);
    }

    /**
     * One round from a new wanter. For each channel it records what came back: text messages as they
     * are, binary ones as the running byte count, then "close" (the holder closed it), "done" (the whole
     * page arrived; left open) or "timed out".
     *
     * @return {@code served}: the events of the valid get; {@code refused}: those of each of {@code firsts}
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> round(Page wanter, List<String> pages, String get, List<String> firsts) {
        Map<String, Object> arg = new HashMap<>();
        arg.put("pages", pages);
        arg.put("get", get);
        arg.put("firsts", firsts);
        return (Map<String, Object>) wanter.evaluate("a => window.round(a.pages, a.get, a.firsts)", arg);
    }

    private static List<String> strings(Object list) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) list) out.add(String.valueOf(o));
        return out;
    }

    /** The bare wanter: signaling and the WebRTC handshake from the product, the channels by hand. */
    private static final String WANTER = "() => {"
            + " window.round = async (pages, get, firsts) => {"
            + "   const { SignalingClient } = await import('/static/js/signaling.js');"
            + "   const { PeerManager } = await import('/static/js/peers.js');"
            + "   const sig = new SignalingClient('ws://' + location.host + '/ws');"
            + "   const arrived = []; const takers = [];"
            + "   const peers = new PeerManager({ send: (m) => sig.send(m), rtcConfig: () => ({ iceServers: [] }),"
            + "     onChannel: (ch) => { if (takers.length) takers.shift()(ch); else arrived.push(ch); } });"
            + "   sig.onMessage = (m) => { if (m.type === 'signal') peers.handleSignal(m); };"
            + "   await new Promise((resolve) => { sig.onWelcome = resolve; sig.start(); });"
            + "   const channel = (hash) => {"
            + "     const got = arrived.length ? Promise.resolve(arrived.shift()) : new Promise((r) => takers.push(r));"
            + "     sig.send({ type: 'want', hash });"
            + "     return got; };"
            + "   const talk = (ch, first, after) => new Promise((resolve) => {"
            + "     const events = []; let bytes = 0; let size = -1;"
            + "     const end = (what) => { clearTimeout(deadline); events.push(what); resolve(events); };"
            + "     const deadline = setTimeout(() => end('timed out'), 10000);"
            + "     ch.binaryType = 'arraybuffer';"
            + "     ch.onclose = () => end('close');"
            + "     ch.onmessage = (ev) => {"
            + "       if (typeof ev.data === 'string') {"
            + "         events.push(ev.data);"
            + "         const m = JSON.parse(ev.data); if (m.type === 'header') size = m.size;"
            + "       } else { bytes += ev.data.byteLength; events.push('bytes:' + bytes); }"
            + "       if (size >= 0 && bytes === size) { ch.onclose = null; end('done'); }"
            + "     };"
            + "     const send = () => { ch.send(first == null ? new ArrayBuffer(8) : first); after.forEach((m) => ch.send(m)); };"
            + "     if (ch.readyState === 'open') send(); else ch.onopen = send;"
            + "   });"
            + "   const inTime = (p) => Promise.race([p, new Promise((r) => setTimeout(() => r(null), 10000))]);"
            + "   try {"
            + "     const first = await inTime(channel(pages[0]));"
            + "     if (!first) return { served: ['no channel'], refused: [] };"
            + "     const served = await talk(first, get, ['{\"type\":\"get\",\"hash\":\"junk\"}']);"
            + "     const chans = await Promise.all(firsts.map((f, i) => inTime(channel(pages[i + 1]))));"
            + "     const refused = await Promise.all(chans.map((ch, i) => ch ? talk(ch, firsts[i], []) : ['no channel']));"
            + "     return { served, refused };"
            + "   } finally { sig.stop(); peers.closeAll(); }"
            + " };"
            + "}";
}
