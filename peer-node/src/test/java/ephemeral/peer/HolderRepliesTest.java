package ephemeral.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.protocol.Sha256;
import ephemeral.testing.TestServer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Java holder answers every request the way docs/protocol.md §2 says, with the same codes as the
 * browser holder, and its {@code error} always arrives before it closes the channel.
 */
class HolderRepliesTest {
    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    @Test
    void eachBadRequestGetsItsCodeBeforeTheClose() throws Exception {
        try (PeerNode holder = TestPeers.start(server);
             RawWanter wanter = new RawWanter(server)) {
            String unheld = Sha256.of(new byte[] {1});
            // one page per request: each want is a first want, so no retry rate slows the test down
            for (int round = 0; round < 2; round++) {
                for (int c = 0; c < 10; c++) {
                    byte[] page = ("a page for holder replies " + round + "/" + c).getBytes(StandardCharsets.UTF_8);
                    String h = holder.share(page);
                    String[][] cases = {
                        {"{\"type\":\"get\",\"hash\":\"" + h + "\"}", "bad_request"},
                        {"{\"type\":\"get\",\"hash\":\"" + h + "\",\"offset\":" + (page.length + 1) + "}", "bad_offset"},
                        {"{\"type\":\"get\",\"hash\":\"" + unheld + "\",\"offset\":0}", "not_found"},
                        {"{\"type\":\"hello\"}", "bad_request"},
                        {"not json", "bad_request"},
                        {"{\"type\":\"get\",\"hash\":\"" + h + "\",\"offset\":3,\"end\":3}", "bad_request"},
                        {"{\"type\":\"get\",\"hash\":\"" + h + "\",\"offset\":0,\"end\":" + (page.length + 1) + "}", "bad_offset"},
                        {"{\"type\":\"get_digests\",\"hash\":\"" + h + "\",\"ranges\":[]}", "bad_request"},
                        {"{\"type\":\"get_digests\",\"hash\":\"" + h + "\",\"ranges\":[[0," + (page.length + 1) + "]]}", "bad_offset"},
                        {"{\"type\":\"get_digests\",\"hash\":\"" + unheld + "\",\"ranges\":[[0,1]]}", "not_found"},
                    };
                    RawWanter.RawChannel ch = wanter.want(h);
                    ch.channel().sendText(cases[c][0]);
                    String reply = ch.next();
                    assertTrue(reply.startsWith("text:{\"type\":\"error\",\"code\":\"" + cases[c][1] + "\""),
                            cases[c][0] + " got " + reply);
                    assertEquals("closed", ch.next(), "the holder closes the channel after its error");
                }
            }
            // a field this version does not know is ignored: the page is served
            byte[] page = "a page served despite an unknown field".getBytes(StandardCharsets.UTF_8);
            String h = holder.share(page);
            RawWanter.RawChannel ok = wanter.want(h);
            ok.channel().sendText("{\"type\":\"get\",\"hash\":\"" + h + "\",\"offset\":5,\"priority\":1}");
            assertTrue(ok.next().startsWith("text:{\"type\":\"header\""));
            assertEquals("binary:" + (page.length - 5), ok.next());
            // a range: the header echoes its end, and only [offset, end) comes
            RawWanter.RawChannel range = wanter.want(holder.share("a page served in part".getBytes(StandardCharsets.UTF_8)));
            String ranged = Sha256.of("a page served in part".getBytes(StandardCharsets.UTF_8));
            range.channel().sendText("{\"type\":\"get\",\"hash\":\"" + ranged + "\",\"offset\":2,\"end\":9}");
            assertEquals("text:{\"type\":\"header\",\"hash\":\"" + ranged + "\",\"size\":21,\"offset\":2,\"end\":9}", range.next());
            assertEquals("binary:7", range.next());
            // digests of ranges, and no bytes
            byte[] whole = "a page whose ranges are hashed".getBytes(StandardCharsets.UTF_8);
            String hashed = holder.share(whole);
            RawWanter.RawChannel digests = wanter.want(hashed);
            digests.channel().sendText("{\"type\":\"get_digests\",\"hash\":\"" + hashed + "\",\"ranges\":[[2,9],[0,"
                    + whole.length + "]]}");
            assertEquals("text:{\"type\":\"digests\",\"hash\":\"" + hashed + "\",\"sha256\":[\""
                    + Sha256.of(java.util.Arrays.copyOfRange(whole, 2, 9)) + "\",\"" + hashed + "\"]}", digests.next());
        }
    }
}
