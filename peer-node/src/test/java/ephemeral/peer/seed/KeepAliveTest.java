package ephemeral.peer.seed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.peer.Conditions;
import ephemeral.peer.KeepRefusedException;
import ephemeral.peer.PeerNode;
import ephemeral.peer.TestPeers;
import ephemeral.peer.store.CorruptingStore;
import ephemeral.protocol.ErrorCode;
import ephemeral.protocol.signaling.ServerMessage;
import ephemeral.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Volunteer seeds keep pages alive after their holders leave, on request, within their limits. */
class KeepAliveTest {
    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    @TempDir
    Path dir;

    private static Seed seed(SeedOptions options) throws Exception {
        return Seed.start(TestPeers.config(server), options);
    }

    private static ServerMessage.Kept keep(PeerNode holder, String hash, Duration wish) throws Exception {
        return holder.keep(hash, wish).get(30, TimeUnit.SECONDS);
    }

    @Test
    void aVolunteerKeepsAPageItsHolderLeaves() throws Exception {
        byte[] page = "kept alive by a volunteer".getBytes(StandardCharsets.UTF_8);
        try (Seed seed = seed(SeedOptions.of(dir, 1 << 20, Duration.ofDays(7)))) {
            String hash;
            try (PeerNode holder = TestPeers.start(server)) {
                hash = holder.share(page);
                Instant asked = Instant.now();
                ServerMessage.Kept kept = keep(holder, hash, null);
                assertEquals(seed.node().peerId(), kept.by());
                long days = Duration.between(asked, Instant.ofEpochSecond(kept.until())).toHours();
                assertTrue(days >= 7 * 24 - 1 && days <= 7 * 24, "kept for the seed's 7 days, not " + days + " h");
                assertTrue(seed.node().held().contains(hash));
                assertArrayEquals(page, Files.readAllBytes(dir.resolve(hash)), "stored on disk");
                assertEquals((1 << 20) - page.length, seed.free());
            }
            try (PeerNode visitor = TestPeers.start(server)) {
                assertArrayEquals(page, visitor.get(hash, Duration.ofSeconds(20)), "the holder left; the seed serves");
            }
        }
    }

    @Test
    void noVolunteerWhenNoneHasRoomOrTheOperatorDeniesThePage() throws Exception {
        byte[] big = new byte[4096];
        byte[] denied = "a page the operator will not keep".getBytes(StandardCharsets.UTF_8);
        Path denyFile = dir.resolve("deny.txt");
        try (PeerNode holder = TestPeers.start(server)) {
            String bigHash = holder.share(big);
            String deniedHash = holder.share(denied);
            Files.writeString(denyFile, "# not here\n" + server.baseUrl() + "/" + deniedHash + "\n");
            try (Seed seed = seed(SeedOptions.of(dir.resolve("store"), 1000, Duration.ofDays(1))
                    .withDenyFile(denyFile))) {
                KeepRefusedException full = refused(holder, bigHash);
                assertEquals(ErrorCode.NO_VOLUNTEER, full.code());
                assertTrue(full.getMessage().contains("room"), full.getMessage());
                KeepRefusedException deny = refused(holder, deniedHash);
                assertTrue(deny.getMessage().contains("operator"), deny.getMessage());
                assertTrue(seed.node().held().isEmpty());
            }
            Conditions.await("the seed left", Duration.ofSeconds(5), () -> server.stats().volunteers() == 0);
            String none = refused(holder, bigHash).getMessage();
            assertTrue(none.contains("no volunteer seed is connected"), none);
        }
    }

    @Test
    void aLyingHolderCannotMakeTheVolunteerKeepWrongBytes() throws Exception {
        byte[] page = "the volunteer checks what it keeps".getBytes(StandardCharsets.UTF_8);
        try (Seed seed = seed(SeedOptions.of(dir, 1 << 20, Duration.ofDays(1)).withFetchTimeout(Duration.ofSeconds(4)));
             PeerNode liar = PeerNode.start(TestPeers.config(server), TestPeers.guarded(server, new CorruptingStore()))) {
            String hash = liar.share(page);
            KeepRefusedException e = refused(liar, hash);
            assertEquals(ErrorCode.NO_VOLUNTEER, e.code());
            assertTrue(seed.node().stats().verifyFailures() >= 1, "the seed saw the wrong bytes");
            assertTrue(seed.node().held().isEmpty());
            assertFalse(Files.exists(dir.resolve(hash)));
        }
    }

    @Test
    void aPageIsDroppedWhenItsTimeIsUpAndARestartedSeedServesTheRest() throws Exception {
        byte[] brief = "kept for two seconds".getBytes(StandardCharsets.UTF_8);
        byte[] lasting = "kept for the seed's whole time".getBytes(StandardCharsets.UTF_8);
        String briefHash;
        String lastingHash;
        Instant lastingUntil;
        try (PeerNode holder = TestPeers.start(server)) {
            briefHash = holder.share(brief);
            lastingHash = holder.share(lasting);
            try (Seed seed = seed(SeedOptions.of(dir, 1 << 20, Duration.ofHours(1)))) {
                keep(holder, briefHash, Duration.ofSeconds(2));
                lastingUntil = Instant.ofEpochSecond(keep(holder, lastingHash, null).until());
                Conditions.await("the brief page dropped", Duration.ofSeconds(10), () -> !seed.node().held().contains(briefHash));
                assertFalse(Files.exists(dir.resolve(briefHash)));
                assertTrue(seed.node().held().contains(lastingHash));
            }
        }
        // the holder and the first seed are gone: a restarted seed on the same store serves what it kept
        try (Seed again = seed(SeedOptions.of(dir, 1 << 20, Duration.ofHours(1)));
             PeerNode visitor = TestPeers.start(server)) {
            assertEquals(lastingUntil, again.keeps().until(lastingHash).orElseThrow(), "its time survived the restart");
            assertArrayEquals(lasting, visitor.get(lastingHash, Duration.ofSeconds(20)));
            assertEquals(Map.of(lastingHash, lastingUntil), again.keeps().all());
        }
    }

    @Test
    void keepRequestsSpreadUniformlyOverTwoVolunteers() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        int pages = 30;
        Map<String, Integer> perSeed = new HashMap<>();
        try (Seed first = seed(SeedOptions.of(a, 1 << 20, Duration.ofDays(1)));
             Seed second = seed(SeedOptions.of(b, 1 << 20, Duration.ofDays(1)));
             PeerNode holder = TestPeers.start(server)) {
            for (int i = 0; i < pages; i++) {
                String hash = holder.share(("small page " + i).getBytes(StandardCharsets.UTF_8));
                perSeed.merge(keep(holder, hash, null).by(), 1, Integer::sum);
            }
            assertEquals(pages, first.node().held().size() + second.node().held().size());
            assertEquals(first.node().held().size(), perSeed.getOrDefault(first.node().peerId(), 0));
        }
        // chi-square against uniform, 1 degree of freedom: p = 0.001 at 10.83
        double expected = pages / 2.0;
        double chi2 = perSeed.values().stream().mapToDouble(n -> (n - expected) * (n - expected) / expected).sum()
                + (perSeed.size() == 1 ? expected : 0);
        assertTrue(chi2 < 10.83, "spread " + perSeed + " is not uniform (chi2 = " + chi2 + ")");
    }

    @Test
    void aSeedThatAdoptsWeakPagesTakesOneDownToItsLastHolder() throws Exception {
        byte[] page = "two holders, then one".getBytes(StandardCharsets.UTF_8);
        try (Seed seed = seed(SeedOptions.of(dir, 1 << 20, Duration.ofDays(1)).withAdoptWeak(true));
             PeerNode last = TestPeers.start(server)) {
            String hash = last.share(page);
            try (PeerNode leaving = TestPeers.start(server)) {
                leaving.pin(hash, Duration.ofSeconds(20));
            }
            Conditions.await("the seed adopted the page", Duration.ofSeconds(20), () -> seed.node().held().contains(hash));
            assertTrue(seed.keeps().until(hash).isPresent());
        }
    }

    private static KeepRefusedException refused(PeerNode holder, String hash) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> holder.keep(hash, null).get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof KeepRefusedException, String.valueOf(e.getCause()));
        return (KeepRefusedException) e.getCause();
    }
}
