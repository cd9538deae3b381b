package ephemeral.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ephemeral.protocol.signaling.ServerMessage;
import ephemeral.protocol.signaling.SignalData;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written frames are, character for character, what Jackson writes for the same record. */
class HotFramesTest {
    private static final String H = "ab".repeat(32);

    @Test
    void routingFramesMatchJackson() {
        String p = Ids.newPeerId();
        for (Object m : List.of(new ServerMessage.ContentRequest(H, p), new ServerMessage.Routed(H, p),
                new ServerMessage.Peers(H, 0, 0), new ServerMessage.Peers(H, 2_000_000_000, 17))) {
            assertEquals(Codec.jackson(m), HotFrames.encode(m));
        }
    }

    @Test
    void signalDataMatchesJackson() {
        List<SignalData> samples = List.of(
                SignalData.of(new SignalData.Sdp("offer", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=x:\"q\" \\ /\r\n")),
                SignalData.of(new SignalData.Sdp("answer", "v=0\na=last line without a break")),
                SignalData.of(new SignalData.Candidate("candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host", "0", 0, "a1b2")),
                SignalData.of(new SignalData.Candidate("candidate:\"quoted\" \\ back", "m\"id\\", 255, null)),
                SignalData.of(new SignalData.Candidate("", null, null, null)));
        for (SignalData d : samples) {
            assertEquals(Codec.jackson(d), HotFrames.encode(d));
        }
    }

    @Test
    void everyCharacterIsEscapedAsJacksonEscapesIt() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x300; c++) {
            all.append(c);
        }
        all.append("\u2028\u2029\uD83D\uDE00\uFFFF");
        String s = all.toString();
        assertEquals(Codec.jackson(s), HotFrames.string(new StringBuilder(), s).toString());
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            char[] chars = new char[random.nextInt(40)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = (char) random.nextInt(0x80);
            }
            String r = new String(chars);
            assertEquals(Codec.jackson(r), HotFrames.string(new StringBuilder(), r).toString());
        }
    }

    @Test
    void otherMessagesAreLeftToJackson() {
        assertNull(HotFrames.encode(new ServerMessage.Pong()));
        assertEquals(Codec.jackson(new ServerMessage.Pong()), Codec.encode(new ServerMessage.Pong()));
    }
}
