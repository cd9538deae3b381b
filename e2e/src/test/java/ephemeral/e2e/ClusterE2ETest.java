package ephemeral.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ephemeral.e2e.Browsers.Kind;
import ephemeral.peer.PeerConfig;
import ephemeral.peer.PeerNode;
import ephemeral.signaling.SignalingConfig;
import ephemeral.signaling.cluster.RedisServer;
import ephemeral.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three signaling nodes on one real Redis (docs/cluster.md) are one server to their peers: browsers on
 * different nodes exchange a page, and a Java seed on a third node serves a browser on the first. Node A is
 * the class's server; B and C are two more, each with its frames checked for content too.
 */
class ClusterE2ETest extends BrowserE2E {
    private RedisServer redis;
    private TestServer nodeB;
    private TestServer nodeC;

    @Override
    protected UnaryOperator<SignalingConfig> configure() {
        try {
            redis = RedisServer.start(Files.createTempDirectory("cluster-e2e"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return c -> c.withRedis(redis.url());
    }

    @BeforeAll
    void startOtherNodes() {
        nodeB = TestServer.start("127.0.0.1", c -> c.withRedis(redis.url()));
        nodeC = TestServer.start("127.0.0.1", c -> c.withRedis(redis.url()));
    }

    @AfterEach
    void otherNodesSawNoContent() {
        nodeB.assertClean();
        nodeC.assertClean();
    }

    @AfterAll
    void stopOtherNodes() {
        PeerNode.disposeNative();
        nodeB.close();
        nodeC.close();
        // node A stops after this (BrowserE2E); it leaves Redis without waiting when Redis is gone
        redis.close();
    }

    @Test
    void chromiumOnOneNodeAndFirefoxOnAnotherExchangeAPage() {
        String text = "clustered page " + secret("cluster-browsers");
        AppPage creator = AppPage.in(browsers, Kind.CHROMIUM).open(server.baseUrl() + "/");
        String url = creator.shareText(text);
        String hash = url.substring(url.lastIndexOf('/') + 1);

        AppPage visitor = AppPage.in(browsers, Kind.FIREFOX).open(nodeB.baseUrl() + "/" + hash);
        visitor.waitState("shown");
        assertEquals(text, visitor.content());
        creator.waitCounts(2, 0);
        visitor.waitCounts(2, 0);
        creator.close();
        visitor.waitCounts(1, 0);
        visitor.close();
    }

    @Test
    void aJavaSeedOnAThirdNodeServesABrowserOnTheFirst() throws Exception {
        String text = "seeded across nodes " + secret("cluster-seed");
        try (PeerNode seed = PeerNode.start(PeerConfig.defaults().withServer(nodeC.baseUrl()))) {
            String hash = seed.share(text.getBytes(StandardCharsets.UTF_8));
            AppPage visitor = AppPage.in(browsers, Kind.CHROMIUM).open(server.baseUrl() + "/" + hash);
            visitor.waitState("shown");
            assertEquals(text, visitor.content());
            visitor.waitCounts(2, 0);
            visitor.close();
        }
    }

    /**
     * While Redis is away a node refuses wants with {@code unavailable}; a Java wanter keeps asking after its
     * retry pause, and gets the page from a holder on another node once Redis is back (empty: the nodes
     * fill it again; nobody reconnects).
     */
    @Test
    void aWantDuringARedisOutageIsServedWhenRedisReturns() throws Exception {
        byte[] bytes = ("outage page " + secret("cluster-outage")).getBytes(StandardCharsets.UTF_8);
        try (PeerNode holder = PeerNode.start(PeerConfig.defaults().withServer(nodeB.baseUrl()));
             PeerNode wanter = PeerNode.start(PeerConfig.defaults().withServer(server.baseUrl()))) {
            String hash = holder.share(bytes);
            Waits.until("node A knows the holder on node B", Duration.ofSeconds(15), () -> server.stats().holders() >= 1);
            redis.stop();
            Waits.until("node A notices Redis is gone", Duration.ofSeconds(15), () -> server.stats().redisRoundTripMillis() < 0);
            CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
                try {
                    return wanter.get(hash, Duration.ofSeconds(40));
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            Waits.until("node A refuses the want (unavailable)", Duration.ofSeconds(15), () -> server.stats().errorsSent() > 0);
            redis.restart();
            assertArrayEquals(bytes, got.get(45, TimeUnit.SECONDS));
        }
    }
}
