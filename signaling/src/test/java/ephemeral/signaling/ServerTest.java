package ephemeral.signaling;

import ephemeral.protocol.Limits;
import ephemeral.signaling.roster.Fairness;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A real server on a free loopback port per test, and clients that are closed after it. */
abstract class ServerTest {
    SignalingServer server;
    private final List<TestClient> clients = new ArrayList<>();

    SignalingConfig config() {
        return SignalingConfig.defaults().withHost("127.0.0.1").withPort(0);
    }

    /** The default limits with the per-connection message rate opened, for tests that flood on purpose. */
    static Limits unthrottled() {
        Limits d = Limits.DEFAULTS;
        return new Limits(d.maxFrameBytes(), d.maxHashesPerMessage(), d.maxHashesPerConnection(),
                d.maxWantsPerConnection(), d.maxExclude(), d.maxSignalBytes(), 1_000_000, 1_000_000, d.pairingSeconds());
    }

    /** For tests of something else than fair routing: its rates opened so they never bite. */
    static Guards openRates() {
        return Guards.DEFAULTS.withFairness(new Fairness(1e6, 1e6, 1e6, 3, 60));
    }

    @BeforeEach
    void startServer() {
        server = SignalingServer.create(config()).start();
    }

    @AfterEach
    void stopServer() {
        clients.forEach(TestClient::close);
        server.stop();
    }

    TestClient client() {
        TestClient c = TestClient.connect(server);
        clients.add(c);
        return c;
    }

    /**
     * Sends a ping on both, after what {@code paced} already sent; returns the milliseconds since {@code t0}
     * until {@code other}, then {@code paced}, answered: what a pace holds back, and what it does not.
     */
    static long[] pongMillis(long t0, TestClient paced, TestClient other) {
        paced.send("{\"type\":\"ping\"}");
        other.send("{\"type\":\"ping\"}");
        other.await("pong");
        long otherMs = (System.nanoTime() - t0) / 1_000_000;
        paced.await("pong");
        return new long[] {otherMs, (System.nanoTime() - t0) / 1_000_000};
    }

    static String hash(String content) {
        return Hashes.of(content);
    }
}
