package ephemeral.e2e.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntFunction;

/**
 * A load generator of many WebSocket clients on one thread and one selector, speaking just enough of
 * RFC 6455 for the signaling protocol (text frames, pongs). A general-purpose client spends more CPU per
 * message than the server it measures; on a shared 2-core machine that would measure the generator.
 * Frame callbacks run on the selector thread, so a callback that sends (a closed loop) costs no hand-off.
 */
final class NioLoad implements AutoCloseable {
    private static final byte[] MASK = new byte[4]; // a zero mask leaves the payload as it is: allowed, and free

    private final Selector selector;
    private final Thread loop;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Client> clients = new ArrayList<>();
    private volatile boolean running = true;

    NioLoad() throws IOException {
        selector = Selector.open();
        loop = new Thread(this::run, "nio-load");
        loop.setDaemon(true);
        loop.start();
    }

    /** Receives every server frame as text, on the selector thread. */
    interface FrameHandler {
        void frame(Client client, String text);
    }

    /** One connection. */
    final class Client {
        private final SocketChannel channel;
        private final FrameHandler handler;
        private final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        private ByteBuffer out = ByteBuffer.allocate(1024);
        private boolean upgraded;
        private SelectionKey key;
        final CompletableFuture<Client> welcome = new CompletableFuture<>();
        volatile String peerId;

        private Client(SocketChannel channel, FrameHandler handler) {
            this.channel = channel;
            this.handler = handler;
        }

        /** Sends a text frame; from any thread. */
        void send(String text) {
            if (Thread.currentThread() == loop) {
                write(text);
            } else {
                tasks.add(() -> write(text));
                selector.wakeup();
            }
        }

        void have(String hash) {
            send("{\"type\":\"have\",\"hash\":\"" + hash + "\"}");
        }

        void want(String hash) {
            send("{\"type\":\"want\",\"hash\":\"" + hash + "\"}");
        }

        private void write(String text) {
            frame(0x81, text.getBytes(StandardCharsets.UTF_8));
        }

        private void frame(int opcode, byte[] payload) {
            int header = payload.length < 126 ? 6 : 8;
            ensureOut(header + payload.length);
            out.put((byte) opcode);
            if (payload.length < 126) {
                out.put((byte) (0x80 | payload.length));
            } else {
                out.put((byte) (0x80 | 126)).putShort((short) payload.length);
            }
            out.put(MASK).put(payload);
            flush();
        }

        private void ensureOut(int more) {
            if (out.remaining() < more) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + more));
                out.flip();
                bigger.put(out);
                out = bigger;
            }
        }

        private void flush() {
            try {
                out.flip();
                channel.write(out);
                out.compact();
                if (key != null && key.isValid()) {
                    key.interestOps(out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
                }
            } catch (IOException e) {
                close();
            }
        }

        private void readable() throws IOException {
            if (channel.read(in) < 0) {
                close();
                return;
            }
            in.flip();
            if (!upgraded) {
                String head = StandardCharsets.ISO_8859_1.decode(in.duplicate()).toString();
                int end = head.indexOf("\r\n\r\n");
                if (end < 0) {
                    in.compact();
                    return;
                }
                if (!head.startsWith("HTTP/1.1 101")) {
                    welcome.completeExceptionally(new IOException("upgrade refused: " + head.lines().findFirst().orElse("")));
                    close();
                    return;
                }
                upgraded = true;
                in.position(end + 4);
            }
            while (in.remaining() >= 2) {
                in.mark();
                int opcode = in.get() & 0x0f;
                long length = in.get() & 0x7f;
                if (length == 126) {
                    if (in.remaining() < 2) {
                        in.reset();
                        break;
                    }
                    length = in.getShort() & 0xffff;
                } else if (length == 127) {
                    if (in.remaining() < 8) {
                        in.reset();
                        break;
                    }
                    length = in.getLong();
                }
                if (in.remaining() < length) {
                    in.reset();
                    if (length > in.capacity()) {
                        throw new IOException("frame of " + length + " bytes is larger than this client reads");
                    }
                    break;
                }
                byte[] payload = new byte[(int) length];
                in.get(payload);
                if (opcode == 0x1) {
                    String text = new String(payload, StandardCharsets.UTF_8);
                    if (!welcome.isDone()) {
                        peerId = Frames.field(text, "peerId");
                        welcome.complete(this);
                    } else {
                        handler.frame(this, text);
                    }
                } else if (opcode == 0x9) {
                    frame(0x8A, payload); // pong
                } else if (opcode == 0x8) {
                    close();
                    return;
                }
            }
            in.compact();
        }

        void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            welcome.completeExceptionally(new IOException("closed"));
        }
    }

    /** Connects {@code n} clients and waits for each one's welcome. */
    List<Client> connect(URI ws, int n, IntFunction<FrameHandler> handlers) throws Exception {
        List<Client> result = new ArrayList<>(n);
        for (int start = 0; start < n; start += 500) {
            List<Client> batch = new ArrayList<>();
            for (int i = start; i < Math.min(n, start + 500); i++) {
                SocketChannel ch = SocketChannel.open(new InetSocketAddress(ws.getHost(), ws.getPort()));
                ch.configureBlocking(false);
                ch.socket().setTcpNoDelay(true);
                Client c = new Client(ch, handlers.apply(i));
                batch.add(c);
                String request = "GET " + ws.getPath() + " HTTP/1.1\r\nHost: " + ws.getHost() + ":" + ws.getPort()
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: bG9hZC1nZW5lcmF0b3IhIQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n";
                tasks.add(() -> {
                    try {
                        c.key = ch.register(selector, SelectionKey.OP_READ, c);
                        c.ensureOut(request.length());
                        c.out.put(request.getBytes(StandardCharsets.ISO_8859_1));
                        c.flush();
                    } catch (IOException e) {
                        c.welcome.completeExceptionally(e);
                    }
                });
            }
            selector.wakeup();
            for (Client c : batch) {
                c.welcome.get();
            }
            result.addAll(batch);
        }
        clients.addAll(result);
        return result;
    }

    private void run() {
        while (running) {
            try {
                selector.select();
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Client c = (Client) key.attachment();
                    try {
                        if (key.isValid() && key.isWritable()) {
                            c.flush();
                        }
                        if (key.isValid() && key.isReadable()) {
                            c.readable();
                        }
                    } catch (IOException | RuntimeException e) {
                        c.close();
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        clients.forEach(Client::close);
        selector.close();
    }
}
