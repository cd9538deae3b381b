package ephemeral.testing;

import static org.junit.jupiter.api.Assertions.fail;

import ephemeral.signaling.SignalingConfig;
import ephemeral.signaling.SignalingServer;
import ephemeral.signaling.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real signaling server, in-process on a free port, with a tap that records every WebSocket text
 * frame it receives or sends, so that a test can prove that page content never reaches the server.
 * {@link #restart()} replaces it by a fresh server on the same port (peers must reconnect).
 *
 * <p>Either started at once ({@link #start()}), or one per test class as a JUnit extension:
 * {@code @RegisterExtension static final TestServer server = TestServer.perClass();}
 */
public final class TestServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    /** One recorded frame. */
    public record Frame(String peerId, boolean inbound, String text) {
    }

    private final String host;
    private final Queue<Frame> frames = new ConcurrentLinkedQueue<>();
    private SignalingServer server;
    private boolean running;
    private int port;

    private TestServer(String host) {
        this.host = host;
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
        TestServer s = new TestServer(host);
        s.launch(0);
        return s;
    }

    private void launch(int wantedPort) {
        server = SignalingServer.create(SignalingConfig.defaults().withHost(host).withPort(wantedPort));
        server.setFrameTap((peerId, inbound, text) -> frames.add(new Frame(peerId, inbound, text)));
        server.start();
        running = true;
        port = server.port();
    }

    /** @return an unstarted server that starts before a test class's tests and stops after them */
    public static TestServer perClass() {
        return new TestServer("127.0.0.1");
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

    /**
     * Fails if any frame the server received or sent contains any of the given strings.
     *
     * @param secrets distinctive parts of page contents
     */
    public void assertNoFrameContains(List<String> secrets) {
        List<Frame> seen = frames();
        if (seen.isEmpty()) fail("the frame tap recorded nothing: is it installed?");
        for (Frame f : seen) {
            for (String secret : secrets) {
                if (f.text().contains(secret)) {
                    fail("page content reached the server in a frame " + (f.inbound() ? "from " : "to ")
                            + f.peerId() + ": " + abbreviate(f.text()));
                }
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    @Override
    public void close() {
        stop();
    }
}
