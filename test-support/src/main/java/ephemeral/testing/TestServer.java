package ephemeral.testing;

import static org.junit.jupiter.api.Assertions.fail;

import ephemeral.protocol.Codec;
import ephemeral.protocol.Limits;
import ephemeral.protocol.ProtocolException;
import ephemeral.signaling.FrameTap;
import ephemeral.signaling.SignalingConfig;
import ephemeral.signaling.SignalingServer;
import ephemeral.signaling.Stats;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real signaling server, in-process on a free port, with a tap that records every WebSocket frame it
 * receives or sends, so that each test can prove that page content never reaches the server
 * ({@link #assertClean()}, run after each test when used as an extension).
 * {@link #restart()} replaces it by a fresh server on the same port (peers must reconnect).
 *
 * <p>Either started at once ({@link #start()}), or one per test class as a JUnit extension:
 * {@code @RegisterExtension static final TestServer server = TestServer.perClass();}
 */
public final class TestServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback, AfterEachCallback {

    /** One recorded frame; a binary one's bytes as Latin-1 text. */
    public record Frame(String peerId, boolean inbound, boolean binary, String text) {
    }

    private final String host;
    private final UnaryOperator<SignalingConfig> configure;
    private final Queue<Frame> frames = new ConcurrentLinkedQueue<>();
    private final ContentGuard guard = new ContentGuard();
    private SignalingServer server;
    private boolean running;
    private int port;

    private TestServer(String host, UnaryOperator<SignalingConfig> configure) {
        this.host = host;
        this.configure = configure;
    }

    /** @return a started server on 127.0.0.1 and a free port */
    public static TestServer start() {
        return start("127.0.0.1");
    }

    /**
     * @param host the address to bind, e.g. "0.0.0.0" to be reachable on this machine's LAN address
     * @return a started server on a free port
     */
    public static TestServer start(String host) {
        return start(host, UnaryOperator.identity());
    }

    /**
     * @param host      the address to bind
     * @param configure changes to the default configuration, e.g. {@code c -> c.withIce(…)}
     * @return a started server on a free port
     */
    public static TestServer start(String host, UnaryOperator<SignalingConfig> configure) {
        TestServer s = new TestServer(host, configure);
        s.launch(0);
        return s;
    }

    private void launch(int wantedPort) {
        server = SignalingServer.create(configure.apply(SignalingConfig.defaults()).withHost(host).withPort(wantedPort));
        server.setFrameTap(new FrameTap() {
            @Override
            public void frame(String peerId, boolean inbound, String text) {
                frames.add(new Frame(peerId, inbound, false, text));
            }

            @Override
            public void binary(String peerId, byte[] bytes) {
                frames.add(new Frame(peerId, true, true, new String(bytes, StandardCharsets.ISO_8859_1)));
            }
        });
        server.start();
        running = true;
        port = server.port();
    }

    /** @return an unstarted server that starts before a test class's tests and stops after them */
    public static TestServer perClass() {
        return new TestServer("127.0.0.1", UnaryOperator.identity());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        launch(0);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** Stops the server and starts a new one on the same port (with empty rosters). */
    public void restart() {
        stop();
        launch(port);
    }

    /** Stops the server (peers see their WebSocket close). */
    public void stop() {
        if (running) server.stop();
        running = false;
    }

    /** @return the bound port */
    public int port() {
        return port;
    }

    /** @return e.g. "http://127.0.0.1:41234" */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * @param hostOrIp how the browser should reach the server
     * @return e.g. "http://192.0.2.2:41234"
     */
    public String baseUrl(String hostOrIp) {
        return "http://" + hostOrIp + ":" + port;
    }

    /** @return the server's counters now */
    public Stats stats() {
        return server.stats();
    }

    /** @return every frame seen so far, in arrival order */
    public List<Frame> frames() {
        return new ArrayList<>(frames);
    }

    /** What tests register the bytes they share with, so that {@link #assertClean()} can look for them. */
    public ContentGuard guard() {
        return guard;
    }

    /**
     * Fails if, since the last call, any frame the server received or sent held registered content in any
     * form {@link ContentGuard} knows, or a client sent anything but a well-formed protocol message.
     */
    public void assertClean() {
        for (Frame next = frames.poll(); next != null; next = frames.poll()) {
            Frame f = next;
            guard.find(f.text()).ifPresent(where -> fail("page content reached the server in a frame "
                    + (f.inbound() ? "from " : "to ") + f.peerId() + " " + where));
            if (f.inbound() && f.binary()) {
                fail("a client sent a binary frame (" + f.text().length() + " bytes): " + f.peerId());
            }
            if (f.inbound()) {
                try {
                    Codec.parseClient(f.text(), Limits.DEFAULTS);
                } catch (ProtocolException e) {
                    fail("a client sent a frame that is not a protocol message (" + e.getMessage() + "): "
                            + abbreviate(f.text()));
                }
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        assertClean();
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    @Override
    public void close() {
        stop();
    }
}
