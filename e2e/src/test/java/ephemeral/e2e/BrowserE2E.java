package ephemeral.e2e;

import ephemeral.signaling.SignalingConfig;
import ephemeral.testing.TestServer;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * What every browser test class shares: one real server and one set of browsers for the class, and the
 * check (scenario 9), after each test, that no frame the server received or sent held any page's content
 * in any encoding and that every frame a client sent was a protocol message. Tests register what they share
 * through {@link #secret} (text) or {@link #payload} (bytes).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BrowserE2E {
    protected Browsers browsers;
    protected TestServer server;

    @BeforeAll
    void startServerAndBrowsers() {
        server = TestServer.start("127.0.0.1", configure());
        browsers = Browsers.create();
    }

    /** Changes a test class makes to the server's default configuration (e.g. TURN); none by default. */
    protected UnaryOperator<SignalingConfig> configure() {
        return UnaryOperator.identity();
    }

    @AfterEach
    void nothingReachedTheServer() {
        server.assertClean();
    }

    @AfterAll
    void stopServerAndBrowsers() {
        try {
            server.assertClean();
        } finally {
            try {
                browsers.close();
            } finally {
                server.close();
            }
        }
    }

    /** A distinctive string for page content; the server must never see it. */
    protected String secret(String what) {
        String secret = "e2e-" + what + "-" + UUID.randomUUID();
        server.guard().register(secret);
        return secret;
    }

    /** Random bytes with a {@link #secret} in front, all of them registered with the content guard. */
    protected byte[] payload(int size, String what, long seed) {
        byte[] bytes = Payloads.random(size, secret(what), seed);
        server.guard().register(bytes);
        return bytes;
    }

    /**
     * The {@code have}s for {@code hash} the server received in this test so far: "did not hold" checked at
     * the server, where a wrong announcement would land, rather than by counts that are already right before it.
     */
    protected long havesOf(String hash) {
        return server.frames().stream()
                .filter(f -> f.inbound() && f.text().contains("\"have\"") && f.text().contains(hash))
                .count();
    }
}
