package ephemeral.signaling;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A WebSocket client on a bare socket that does the handshake, can send text frames, and then simply stops
 * reading: no pongs, no close replies. What a frozen tab or a dead NAT mapping looks like to the server.
 */
final class StalledClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;

    StalledClient(int port) throws IOException {
        this(port, InetAddress.getLoopbackAddress());
    }

    /** @param from the local address to connect from: any 127.x.y.z is this machine's loopback too */
    StalledClient(int port, InetAddress from) throws IOException {
        socket = new Socket(InetAddress.getByName("127.0.0.1"), port, from, 0);
        socket.setReceiveBufferSize(4096);
        out = socket.getOutputStream();
        String key = Base64.getEncoder().encodeToString("stalled-client-k".getBytes(StandardCharsets.US_ASCII));
        out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during handshake: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + head);
        }
    }

    /** One masked text frame (clients must mask; the mask is zero, which is allowed). */
    void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        out.write(0x81);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else {
            out.write(0x80 | 126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xff);
        }
        out.write(new byte[4]);
        out.write(payload);
        out.flush();
    }

    /** One masked frame as given: {@code firstByte} is FIN and the opcode (0x81 a whole text frame, 0x01 a first fragment...). */
    void sendFrame(int firstByte, byte[] payload) throws IOException {
        if (payload.length > 125) {
            throw new IllegalArgumentException("short frames only");
        }
        out.write(firstByte);
        out.write(0x80 | payload.length);
        out.write(new byte[4]);
        out.write(payload);
        out.flush();
    }

    /** A frame the server sent: its opcode and payload. */
    record Received(int opcode, byte[] payload) {
        /** The status code of a close frame. */
        int closeStatus() {
            return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }
    }

    /** Reads the next frame the server sent, waiting at most {@code timeoutMillis}. */
    Received readFrame(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
        int first = in.readUnsignedByte();
        long length = in.readUnsignedByte() & 0x7f; // the server does not mask
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Received(first & 0x0f, payload);
    }

    /** The header of a masked text frame of {@code length} bytes (a 64-bit length); its payload is up to the caller. */
    void startText(long length) throws IOException {
        out.write(0x81);
        out.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (length >>> shift) & 0xff);
        }
        out.write(new byte[4]);
    }

    /** Bytes as they are, e.g. the payload after {@link #startText}; blocks while the server does not read. */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
