package ephemeral.e2e.bench;

import ephemeral.peer.PeerConfig;
import ephemeral.peer.PeerNode;
import ephemeral.signaling.SignalingConfig;
import ephemeral.signaling.SignalingServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Figure 6: a seed — the shipped {@code peer-node.jar share}, on its default JVM settings, in its own
 * process — holding many small pages, and how its RSS grows with transfers served.
 */
final class SeedBench {
    private SeedBench() {
    }

    static List<Figure> seed(Scale scale) throws Exception {
        SignalingServer server = SignalingServer.create(SignalingConfig.defaults().withHost("127.0.0.1").withPort(0)).start();
        String base = "http://127.0.0.1:" + server.port();
        Path dir = Files.createTempDirectory("seed-bench");
        Process seed = null;
        try {
            List<String> command = new ArrayList<>(List.of(ServerProcess.Paths.java(), "-jar",
                    ServerProcess.Paths.repoFile("peer-node/target/peer-node.jar").toString(), "share", "--quiet",
                    "--server", base));
            Random random = new Random(6);
            for (int i = 0; i < scale.seedPages(); i++) {
                byte[] page = new byte[scale.seedPageBytes()];
                random.nextBytes(page);
                Path file = dir.resolve("page-" + i);
                Files.write(file, page);
                command.add(file.toString());
            }
            seed = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<String> hashes = new ArrayList<>();
            try (BufferedReader links = new BufferedReader(new InputStreamReader(seed.getInputStream(), StandardCharsets.UTF_8))) {
                while (hashes.size() < scale.seedPages()) {
                    String line = links.readLine();
                    if (line == null) {
                        throw new IllegalStateException("seed exited after " + hashes.size() + " links");
                    }
                    String link = line.split("\\s+")[0]; // '<link>  <file>'
                    String tail = link.substring(link.lastIndexOf('/') + 1); // <hash>, or <hash>#n=<size>
                    hashes.add(tail.contains("#") ? tail.substring(0, tail.indexOf('#')) : tail);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (server.stats().holders() < scale.seedPages() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(2_000); // let start-up garbage settle
            long holding = Procs.rss(seed.pid());

            // one visitor fetching page after page: the common case of a reader, and connection reuse
            PeerConfig visitorConfig = PeerConfig.defaults().withServer(base);
            int transfers = scale.seedTransfers();
            long t0 = System.nanoTime();
            try (PeerNode visitor = PeerNode.start(visitorConfig)) {
                for (int i = 0; i < transfers; i++) {
                    visitor.get(hashes.get(i % hashes.size()), Duration.ofSeconds(30));
                }
            }
            double reusedSeconds = (System.nanoTime() - t0) / 1e9;
            long afterReused = Procs.rss(seed.pid());

            // many first-time visitors: every transfer needs a new peer connection (the worst case)
            int fresh = Math.max(10, transfers / 5);
            for (int i = 0; i < fresh; i++) {
                try (PeerNode visitor = PeerNode.start(visitorConfig)) {
                    visitor.get(hashes.get(i % hashes.size()), Duration.ofSeconds(30));
                }
            }
            Thread.sleep(1_000);
            long afterFresh = Procs.rss(seed.pid());
            double perThousandReused = (afterReused - holding) / 1048576.0 * 1000 / transfers;
            double perThousandFresh = (afterFresh - afterReused) / 1048576.0 * 1000 / fresh;
            return List.of(
                    Figure.atMost("seed.rss_holding", holding / 1048576.0, "MB", 150)
                            .withNote(scale.seedPages() + " pages of " + scale.seedPageBytes() / 1024 + " KiB, `peer-node.jar share`, default JVM"),
                    Figure.atMost("seed.rss_growth_per_1000_transfers", perThousandReused, "MB", 100)
                            .withNote(transfers + " transfers to one visitor (its connection reused), "
                                    + Math.round(transfers / reusedSeconds) + " transfers/s"),
                    Figure.atMost("seed.rss_growth_per_1000_new_visitors", perThousandFresh, "MB", 100)
                            .withNote("measured over " + fresh + " first-time visitors, one new peer connection each; "
                                    + "libwebrtc keeps ~100 kB per closed connection"));
        } finally {
            if (seed != null) {
                seed.destroy();
                seed.waitFor(10, TimeUnit.SECONDS);
            }
            server.stop();
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }
}
