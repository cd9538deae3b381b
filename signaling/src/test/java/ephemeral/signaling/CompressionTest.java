package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * Browsers offer per-message deflate on every WebSocket. The server declines it by default (it costs more
 * than it saves on signaling frames), and with {@code --permessage-deflate} accepts it without context
 * takeover. Checked with the handshake a browser sends, over a raw socket.
 */
class CompressionTest extends ServerTest {
    static final String BROWSER_OFFER = "permessage-deflate; client_max_window_bits";

    @Test
    void aBrowserHandshakeIsAnsweredWithoutCompression() throws IOException {
        try (Socket s = handshake(server.port())) {
            String head = head(s.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            assertFalse(head.toLowerCase().contains("sec-websocket-extensions"), head);
            byte[] frame = frame(s.getInputStream());
            assertEquals(0x81, frame[0] & 0xff, "an uncompressed, final text frame");
        }
    }

    @Test
    void whenTurnedOnCompressionIsBoundedAndWorks() throws IOException, DataFormatException {
        SignalingServer deflating = SignalingServer.create(config().withPermessageDeflate(true)).start();
        try (Socket s = handshake(deflating.port())) {
            String head = head(s.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            String ext = head.lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-extensions:"))
                    .findFirst().orElse("");
            assertTrue(ext.contains("permessage-deflate") && ext.contains("server_no_context_takeover")
                    && ext.contains("client_no_context_takeover"), head);
            byte[] frame = frame(s.getInputStream());
            assertEquals(0x40, frame[0] & 0x40, "the welcome is compressed (RSV1)");
            String welcome = inflate(payload(frame));
            assertTrue(welcome.startsWith("{\"type\":\"welcome\""), welcome);
        } finally {
            deflating.stop();
        }
    }

    private static Socket handshake(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Origin: http://127.0.0.1:" + port + "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: " + BROWSER_OFFER + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return s;
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed during the handshake: " + b);
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** One unmasked server frame, header included. */
    private static byte[] frame(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        int len = b1 & 0x7f;
        int extra = len == 126 ? 2 : 0;
        if (len == 126) {
            len = in.readUnsignedShort();
        }
        byte[] frame = new byte[2 + extra + len];
        frame[0] = (byte) b0;
        frame[1] = (byte) b1;
        in.readFully(frame, 2 + extra, len);
        return frame;
    }

    private static byte[] payload(byte[] frame) {
        int offset = (frame[1] & 0x7f) == 126 ? 4 : 2;
        byte[] p = new byte[frame.length - offset];
        System.arraycopy(frame, offset, p, 0, p.length);
        return p;
    }

    private static String inflate(byte[] compressed) throws DataFormatException {
        Inflater inflater = new Inflater(true);
        byte[] tail = {0, 0, (byte) 0xff, (byte) 0xff}; // RFC 7692: the sender strips this, the receiver adds it
        byte[] input = new byte[compressed.length + 4];
        System.arraycopy(compressed, 0, input, 0, compressed.length);
        System.arraycopy(tail, 0, input, compressed.length, 4);
        inflater.setInput(input);
        byte[] out = new byte[64 * 1024];
        int n = inflater.inflate(out);
        inflater.end();
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
