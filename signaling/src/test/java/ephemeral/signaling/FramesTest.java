package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Frames as a client on another WebSocket stack may send them: fragments, control frames, bad UTF-8. */
class FramesTest extends ServerTest {
    private static final int TEXT = 0x1;
    private static final int CONTINUATION = 0x0;
    private static final int FIN = 0x80;

    @Test
    void aMessageInFragmentsIsOneMessageEvenWithACharacterCutInTwo() throws Exception {
        try (StalledClient c = new StalledClient(server.port())) {
            assertEquals(TEXT, c.readFrame(5_000).opcode()); // welcome
            byte[] message = "{\"type\":\"pingé\"}".getBytes(StandardCharsets.UTF_8);
            int cut = message.length - 3; // between the two bytes of é
            c.sendFrame(TEXT, java.util.Arrays.copyOfRange(message, 0, cut));
            c.sendFrame(FIN | CONTINUATION, java.util.Arrays.copyOfRange(message, cut, message.length));
            String error = new String(c.readFrame(5_000).payload(), StandardCharsets.UTF_8);
            assertTrue(error.contains("\"unknown_type\"") && error.contains("pingé"), error);
            c.sendFrame(FIN | TEXT, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
            assertTrue(new String(c.readFrame(5_000).payload(), StandardCharsets.UTF_8).contains("\"pong\""));
        }
    }

    @Test
    void textThatIsNotUtf8ClosesThatConnectionOnly() throws Exception {
        TestClient bystander = client();
        try (StalledClient c = new StalledClient(server.port())) {
            c.readFrame(5_000); // welcome
            ByteArrayOutputStream bad = new ByteArrayOutputStream();
            bad.writeBytes("{\"type\":\"".getBytes(StandardCharsets.UTF_8));
            bad.write(0xC3); // a lead byte...
            bad.write(0x28); // ...and no continuation byte
            bad.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
            c.sendFrame(FIN | TEXT, bad.toByteArray());
            StalledClient.Received close = c.readFrame(5_000);
            assertEquals(0x8, close.opcode());
            assertEquals(1007, close.closeStatus());
        }
        bystander.send("{\"type\":\"ping\"}");
        bystander.await("pong");
    }

    @Test
    void aPingIsAnsweredWithItsPayload() throws Exception {
        try (StalledClient c = new StalledClient(server.port())) {
            c.readFrame(5_000); // welcome
            c.sendFrame(FIN | 0x9, new byte[] {1, 2, 3});
            StalledClient.Received pong = c.readFrame(5_000);
            assertEquals(0xA, pong.opcode());
            assertArrayEquals(new byte[] {1, 2, 3}, pong.payload());
        }
    }
}
