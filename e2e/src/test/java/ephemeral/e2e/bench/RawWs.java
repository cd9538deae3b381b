package ephemeral.e2e.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * An attacker's WebSocket connection: bytes as the attacker chooses them (partial, oversized, malformed
 * frames), from a chosen loopback source address. Every {@code 127.x.y.z} is this machine, so one machine
 * plays attackers at addresses of their own, apart from the innocents' {@code 127.0.0.1}, and the server's
 * per-address limit sees them as it would see other hosts.
 */
final class RawWs implements AutoCloseable {
    private static final byte[] ZERO_MASK = new byte[4]; // a zero mask leaves the payload as it is

    final SocketChannel channel;

    private RawWs(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Connects from {@code source} and asks for the upgrade the way a browser does; returns the connection if
     * the server answered 101, else closes it and throws {@link Refused} with the status.
     */
    static RawWs open(String source, int port) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.bind(new InetSocketAddress(source, 0));
            ch.socket().connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            ch.socket().setSoTimeout(10_000);
            ch.socket().setTcpNoDelay(true);
            String hostPort = "127.0.0.1:" + port;
            ch.write(ByteBuffer.wrap(("GET /ws HTTP/1.1\r\nHost: " + hostPort + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: YXR0YWNrZXIgYXR0YWNrIQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Origin: http://" + hostPort + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)));
            int status = status(ch.socket().getInputStream());
            if (status != 101) {
                throw new Refused(status);
            }
            return new RawWs(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The status of an HTTP answer, read up to the end of its head (the rest is left unread). */
    private static int status(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 8192 && (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n"))) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake after: " + head);
            }
            head.append((char) b);
        }
        String[] first = head.toString().split(" ", 3);
        return first.length > 1 ? Integer.parseInt(first[1]) : -1;
    }

    /** An upgrade the server answered with another status than 101. */
    static final class Refused extends IOException {
        final int status;

        Refused(int status) {
            super("upgrade answered " + status);
            this.status = status;
        }
    }

    /** A client frame's header (zero mask included) for a payload of {@code length} bytes. */
    static byte[] header(int firstByte, long length) {
        ByteBuffer b = ByteBuffer.allocate(14);
        b.put((byte) firstByte);
        if (length < 126) {
            b.put((byte) (0x80 | length));
        } else if (length <= 0xffff) {
            b.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            b.put((byte) (0x80 | 127)).putLong(length);
        }
        b.put(ZERO_MASK);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /** A whole client frame: {@code firstByte} is FIN/RSV/opcode, e.g. 0x81 for a final text frame. */
    static byte[] frame(int firstByte, byte[] payload) {
        byte[] h = header(firstByte, payload.length);
        byte[] out = new byte[h.length + payload.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(payload, 0, out, h.length, payload.length);
        return out;
    }

    static byte[] text(String s) {
        return frame(0x81, s.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes all of {@code bytes} (blocking mode). */
    void write(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /**
     * Reads one server frame's header and skips its payload (blocking, within the socket timeout); returns
     * the payload length, FIN bit and opcode as {@code length << 5 | fin << 4 | opcode}, or -1 at end of stream.
     */
    long readFrame() throws IOException {
        InputStream in = channel.socket().getInputStream();
        int b0 = in.read();
        int b1 = in.read();
        if (b0 < 0 || b1 < 0) {
            return -1;
        }
        long length = b1 & 0x7f;
        int extra = length == 126 ? 2 : length == 127 ? 8 : 0;
        if (extra > 0) {
            length = 0;
            for (int i = 0; i < extra; i++) {
                int b = in.read();
                if (b < 0) {
                    return -1;
                }
                length = length << 8 | b;
            }
        }
        long skipped = 0;
        while (skipped < length) {
            long n = in.skip(length - skipped);
            if (n <= 0) {
                if (in.read() < 0) {
                    return -1;
                }
                n = 1;
            }
            skipped += n;
        }
        return length << 5 | (b0 & 0x80) >> 3 | (b0 & 0x0f);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
