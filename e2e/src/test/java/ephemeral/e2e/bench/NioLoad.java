package ephemeral.e2e.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntFunction;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A load generator of many WebSocket clients on one thread and one selector, speaking just enough of
 * RFC 6455 for signaling protocols (text frames, fragments, pongs) and of RFC 7692 (per-message deflate).
 * A general-purpose client spends more CPU per message than the server it measures; on a shared 2-core
 * machine that would measure the generator. Frame callbacks run on the selector thread, so a callback that
 * sends (a closed loop) costs no hand-off.
 *
 * <p>{@link Handshake#BROWSER} (the default) opens connections the way browsers do: it sends {@code Origin}
 * and offers {@code permessage-deflate; client_max_window_bits}. If the server accepts deflate, frames are
 * compressed and inflated as a browser would (RSV1, sync flush, the {@code 00 00 ff ff} tail stripped and
 * restored), keeping or resetting the zlib state between messages as negotiated. {@link Handshake#BARE}
 * sends neither header, for comparison.
 *
 * <p>The zlib state is allocated lazily, only when deflate was negotiated. Where the server negotiated no
 * context takeover for a direction, the state carries nothing from one message to the next, so this one
 * thread shares one {@link Deflater} (or {@link Inflater}) among its connections and resets it after every
 * message: the bytes on the wire are the same as with one per connection, and ten thousand deflating
 * clients do not need 2.6 GB of zlib windows in the generator. Where context is kept, each connection gets
 * its own.
 */
final class NioLoad implements AutoCloseable {
    private static final byte[] MASK = new byte[4]; // a zero mask leaves the payload as it is: allowed, and free
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff}; // RFC 7692 §7.2.1
    static final String BROWSER_OFFER = "permessage-deflate; client_max_window_bits";

    /** How a connection opens. */
    enum Handshake {
        /** {@code Origin} of the server's own origin, and the deflate offer every browser makes. */
        BROWSER,
        /** Neither: what a non-browser client without compression sends. */
        BARE
    }

    private final Handshake handshake;
    private final Selector selector;
    private final Thread loop;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Client> clients = new ArrayList<>();
    private volatile boolean running = true;
    /** The loopback source address of client {@code i} (null: the system's choice, 127.0.0.1). */
    private volatile IntFunction<String> sources;

    // zlib state shared by the connections without context takeover (selector thread only), allocated lazily
    private Deflater sharedDeflater;
    private Inflater sharedInflater;
    private byte[] zbuf = new byte[4096];
    private volatile int deflated;
    private final java.util.concurrent.atomic.AtomicInteger dropped = new java.util.concurrent.atomic.AtomicInteger();

    NioLoad() throws IOException {
        this(Handshake.BROWSER);
    }

    NioLoad(Handshake handshake) throws IOException {
        this.handshake = handshake;
        selector = Selector.open();
        loop = new Thread(this::run, "nio-load");
        loop.setDaemon(true);
        loop.start();
    }

    /**
     * Connects later clients from other loopback addresses ({@code 127.x.y.z} is all this machine), so the
     * server sees them as other hosts: client {@code i} of a {@link #connect} call from {@code sources.apply(i)};
     * null: from 127.0.0.1 again.
     */
    NioLoad from(IntFunction<String> sources) {
        this.sources = sources;
        return this;
    }

    /** Runs a task on the generator's thread (at once if called from it). */
    void execute(Runnable task) {
        if (Thread.currentThread() == loop) {
            task.run();
        } else {
            tasks.add(task);
            selector.wakeup();
        }
    }

    /** CPU time the generator's one thread has used so far, in nanoseconds. */
    long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getThreadCpuTime(loop.getId());
    }

    /** How many connections the server closed, or that failed, while this generator had them open. */
    int dropped() {
        return dropped.get();
    }

    /** How many connections negotiated per-message deflate. */
    int deflating() {
        return deflated;
    }

    /** Receives every server frame as text, on the selector thread. */
    interface FrameHandler {
        void frame(Client client, String text);
    }

    /** One connection. */
    final class Client {
        private final SocketChannel channel;
        private final FrameHandler handler;
        private final boolean greeted;
        private ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        private ByteBuffer out = ByteBuffer.allocate(1024);
        private boolean upgraded;
        private SelectionKey key;
        final CompletableFuture<Client> welcome = new CompletableFuture<>();
        volatile String peerId;

        // per-message deflate, as negotiated (all false/null unless the server accepted it)
        private boolean deflate;
        private boolean clientNoContextTakeover;
        private boolean serverNoContextTakeover;
        private Deflater deflater; // only with client context takeover
        private Inflater inflater; // only with server context takeover

        // a fragmented message being received
        private ByteArrayOutputStream fragments;
        private boolean fragmentsCompressed;

        private Client(SocketChannel channel, FrameHandler handler, boolean greeted) {
            this.channel = channel;
            this.handler = handler;
            this.greeted = greeted;
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

        /** Whether this connection negotiated per-message deflate. */
        boolean deflating() {
            return deflate;
        }

        private void write(String text) {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            if (deflate) {
                frame(0xC1, compress(payload)); // FIN, RSV1 (compressed), text
            } else {
                frame(0x81, payload);
            }
        }

        private void frame(int opcode, byte[] payload) {
            int header = payload.length < 126 ? 6 : payload.length <= 0xffff ? 8 : 14;
            ensureOut(header + payload.length);
            out.put((byte) opcode);
            if (payload.length < 126) {
                out.put((byte) (0x80 | payload.length));
            } else if (payload.length <= 0xffff) {
                out.put((byte) (0x80 | 126)).putShort((short) payload.length);
            } else {
                out.put((byte) (0x80 | 127)).putLong(payload.length);
            }
            out.put(MASK).put(payload);
            flush();
        }

        private byte[] compress(byte[] data) {
            Deflater d;
            if (clientNoContextTakeover) {
                if (sharedDeflater == null) {
                    sharedDeflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
                }
                d = sharedDeflater;
            } else {
                if (deflater == null) {
                    deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
                }
                d = deflater;
            }
            d.setInput(data);
            int n = 0;
            while (true) {
                n += d.deflate(zbuf, n, zbuf.length - n, Deflater.SYNC_FLUSH);
                if (n < zbuf.length) {
                    break;
                }
                zbuf = Arrays.copyOf(zbuf, zbuf.length * 2);
            }
            if (n >= 4 && zbuf[n - 4] == 0 && zbuf[n - 3] == 0 && zbuf[n - 2] == (byte) 0xff && zbuf[n - 1] == (byte) 0xff) {
                n -= 4;
            }
            if (clientNoContextTakeover) {
                d.reset();
            }
            return Arrays.copyOf(zbuf, n);
        }

        private byte[] decompress(byte[] data) throws IOException {
            Inflater inf;
            if (serverNoContextTakeover) {
                if (sharedInflater == null) {
                    sharedInflater = new Inflater(true);
                }
                inf = sharedInflater;
            } else {
                if (inflater == null) {
                    inflater = new Inflater(true);
                }
                inf = inflater;
            }
            byte[] input = Arrays.copyOf(data, data.length + 4);
            System.arraycopy(TAIL, 0, input, data.length, 4);
            inf.setInput(input);
            int n = 0;
            try {
                while (true) {
                    int got = inf.inflate(zbuf, n, zbuf.length - n);
                    n += got;
                    if (n == zbuf.length) {
                        zbuf = Arrays.copyOf(zbuf, zbuf.length * 2);
                    } else if (got == 0 || inf.needsInput() || inf.finished()) {
                        break;
                    }
                }
            } catch (DataFormatException e) {
                throw new IOException("bad compressed frame: " + e.getMessage(), e);
            }
            if (serverNoContextTakeover || inf.finished()) {
                inf.reset();
            }
            return Arrays.copyOf(zbuf, n);
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

        /** Reads the 101 answer's extension header; fails on a deflate setting this client cannot honour. */
        private void negotiated(String head) throws IOException {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon < 0 || !line.substring(0, colon).trim().equalsIgnoreCase("sec-websocket-extensions")) {
                    continue;
                }
                for (String extension : line.substring(colon + 1).split(",")) {
                    String[] params = extension.split(";");
                    if (!params[0].trim().equalsIgnoreCase("permessage-deflate")) {
                        throw new IOException("server accepted an extension that was not offered: " + extension.trim());
                    }
                    if (handshake != Handshake.BROWSER) {
                        throw new IOException("server accepted deflate, which was not offered");
                    }
                    deflate = true;
                    for (int i = 1; i < params.length; i++) {
                        String p = params[i].trim().toLowerCase(Locale.ROOT);
                        if (p.equals("client_no_context_takeover")) {
                            clientNoContextTakeover = true;
                        } else if (p.equals("server_no_context_takeover")) {
                            serverNoContextTakeover = true;
                        } else if (p.startsWith("client_max_window_bits") && p.contains("=") && !p.endsWith("15")) {
                            // java.util.zip always compresses with a 32 KiB window
                            throw new IOException("cannot honour " + p);
                        } else if (!p.startsWith("server_max_window_bits") && !p.startsWith("client_max_window_bits")) {
                            throw new IOException("unknown deflate parameter " + p);
                        }
                        // server_max_window_bits: an Inflater with a 32 KiB window inflates any smaller one
                    }
                }
            }
            if (deflate) {
                deflated++;
            }
        }

        private void readable() throws IOException {
            if (channel.read(in) < 0) {
                dropped.incrementAndGet();
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
                try {
                    negotiated(head.substring(0, end));
                } catch (IOException e) {
                    welcome.completeExceptionally(e);
                    close();
                    return;
                }
                upgraded = true;
                in.position(end + 4);
                if (!greeted) {
                    welcome.complete(this);
                }
            }
            while (in.remaining() >= 2) {
                in.mark();
                int b0 = in.get() & 0xff;
                boolean fin = (b0 & 0x80) != 0;
                boolean rsv1 = (b0 & 0x40) != 0;
                int opcode = b0 & 0x0f;
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
                    if (length > (1 << 24)) {
                        throw new IOException("frame of " + length + " bytes is larger than this client reads");
                    }
                    if (length + 14 > in.capacity()) { // a rare large frame: make room for it
                        ByteBuffer bigger = ByteBuffer.allocate((int) length + 14);
                        bigger.put(in);
                        in = bigger;
                        return;
                    }
                    break;
                }
                byte[] payload = new byte[(int) length];
                in.get(payload);
                if (rsv1 && (!deflate || opcode == 0 || opcode >= 0x8)) {
                    throw new IOException("RSV1 set on a frame that may not be compressed");
                }
                if (opcode == 0x1 || opcode == 0x2) {
                    if (fin) {
                        message(payload, rsv1);
                    } else {
                        fragments = new ByteArrayOutputStream();
                        fragments.write(payload);
                        fragmentsCompressed = rsv1;
                    }
                } else if (opcode == 0x0) {
                    if (fragments == null) {
                        throw new IOException("continuation frame without a first frame");
                    }
                    fragments.write(payload);
                    if (fin) {
                        byte[] whole = fragments.toByteArray();
                        fragments = null;
                        message(whole, fragmentsCompressed);
                    }
                } else if (opcode == 0x9) {
                    frame(0x8A, payload); // pong
                } else if (opcode == 0x8) {
                    dropped.incrementAndGet();
                    close();
                    return;
                }
            }
            in.compact();
        }

        private void message(byte[] payload, boolean compressed) throws IOException {
            String text = new String(compressed ? decompress(payload) : payload, StandardCharsets.UTF_8);
            if (greeted && !welcome.isDone()) {
                peerId = Frames.field(text, "peerId");
                welcome.complete(this);
            } else {
                handler.frame(this, text);
            }
        }

        void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            welcome.completeExceptionally(new IOException("closed"));
            if (deflater != null) {
                deflater.end();
                deflater = null;
            }
            if (inflater != null) {
                inflater.end();
                inflater = null;
            }
        }
    }

    /** Connects {@code n} clients to one endpoint and waits for each one's first frame (a greeting). */
    List<Client> connect(URI ws, int n, IntFunction<FrameHandler> handlers) throws Exception {
        return connect(i -> ws, n, handlers, true);
    }

    /**
     * Connects {@code n} clients, client {@code i} to {@code uris.apply(i)} (path and query are sent as
     * given). With {@code greeted}, waits for each one's first frame (our {@code welcome}, PeerJS's
     * {@code OPEN}), which the handler does not see; without, only for the upgrade (a tracker says nothing
     * until asked).
     */
    List<Client> connect(IntFunction<URI> uris, int n, IntFunction<FrameHandler> handlers, boolean greeted) throws Exception {
        List<Client> result = new ArrayList<>(n);
        for (int start = 0; start < n; start += 500) {
            List<Client> batch = new ArrayList<>();
            for (int i = start; i < Math.min(n, start + 500); i++) {
                URI ws = uris.apply(i);
                if (!ws.getHost().equals("127.0.0.1")) {
                    throw new IllegalArgumentException("benchmarks use loopback only: " + ws);
                }
                SocketChannel ch = SocketChannel.open();
                IntFunction<String> from = sources;
                if (from != null) {
                    ch.bind(new InetSocketAddress(from.apply(i), 0));
                }
                ch.connect(new InetSocketAddress(ws.getHost(), ws.getPort()));
                ch.configureBlocking(false);
                ch.socket().setTcpNoDelay(true);
                Client c = new Client(ch, handlers.apply(i), greeted);
                batch.add(c);
                String target = ws.getRawPath() + (ws.getRawQuery() == null ? "" : "?" + ws.getRawQuery());
                String hostPort = ws.getHost() + ":" + ws.getPort();
                String request = "GET " + target + " HTTP/1.1\r\nHost: " + hostPort
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: bG9hZC1nZW5lcmF0b3IhIQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n"
                        + (handshake == Handshake.BROWSER
                                ? "Origin: http://" + hostPort + "\r\nSec-WebSocket-Extensions: " + BROWSER_OFFER + "\r\n"
                                : "")
                        + "\r\n";
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
                        if (c.channel.isOpen()) {
                            dropped.incrementAndGet();
                            System.err.println("nio-load: connection failed: " + e);
                        }
                        c.welcome.completeExceptionally(e);
                        c.close();
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            loop.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clients.forEach(Client::close);
        selector.close();
        if (sharedDeflater != null) {
            sharedDeflater.end();
        }
        if (sharedInflater != null) {
            sharedInflater.end();
        }
    }
}
