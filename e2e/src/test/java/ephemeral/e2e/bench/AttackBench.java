package ephemeral.e2e.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Issue #10's server-side attacks, each against a fresh server process with its shipped defaults, while
 * innocent browser-like peers route their own pages (want → content_request, open loop): the innocents'
 * p50/p99 during the attack, and the attack's own effect. With {@code -Dbench.beforeJar=<signaling.jar>} each
 * row also runs against that build (the server before the hostile-peers work), in the same run, for a
 * before/after figure. Figures are {@code attacks.<row>.<build>.<what>}; docs/security.md reads them.
 */
final class AttackBench {
    /** What one row does to a server, and what it measured of the attack's own effect. */
    interface Attack {
        List<Figure> run(AttackServer server, AttackScale s, String prefix, Innocents innocents) throws Exception;
    }

    /** The innocents' routing p99 the issue asks for during every attack. */
    static final double P99_TARGET_MS = 50;

    private AttackBench() {
    }

    static List<Figure> attacks(Scale scale) throws Exception {
        AttackScale s = AttackScale.of(scale);
        Map<String, Path> builds = new LinkedHashMap<>();
        String before = System.getProperty("bench.beforeJar", "");
        if (!before.isBlank()) {
            builds.put("before", Path.of(before));
        }
        String after = System.getProperty("bench.afterJar", ""); // e.g. a copy, while others rebuild the tree
        builds.put("after", after.isBlank() ? ServerProcess.Paths.repoFile("signaling/target/signaling.jar") : Path.of(after));
        Map<String, Attack> rows = new LinkedHashMap<>();
        rows.put("poison", ProtocolAttacks::poison);
        rows.put("flood", ProtocolAttacks::flood);
        rows.put("roster", ProtocolAttacks::roster);
        rows.put("partial_frame", (server, sc, prefix, inn) -> WireAttacks.partialFrames(server, sc, prefix, inn, 1L << 20));
        if (s != AttackScale.SMOKE) { // the worst a frame within the bound can do: for the record, not for the suite
            rows.put("partial_frame_at_limit", (server, sc, prefix, inn) -> WireAttacks.partialFrames(server, sc, prefix, inn, 262_143));
        }
        rows.put("one_address", WireAttacks::oneAddress);
        rows.put("fuzz", WireAttacks::fuzz);
        // -Dbench.attackRows=roster,poison runs only those rows (e.g. to re-measure a fix)
        List<String> only = List.of(System.getProperty("bench.attackRows", "").split(",")).stream()
                .filter(r -> !r.isBlank()).toList();
        rows.keySet().removeIf(r -> !only.isEmpty() && !only.contains(r));
        List<Figure> figures = new ArrayList<>();
        for (Map.Entry<String, Attack> row : rows.entrySet()) {
            // the heaps of issue #10's rows: 512 MB for the roster, 256 MB for partial frames
            String heap = row.getKey().startsWith("partial_frame") ? "256m" : "512m";
            for (Map.Entry<String, Path> build : builds.entrySet()) {
                figures.addAll(row(row.getKey(), heap, build.getKey(), build.getValue(), s, row.getValue()));
            }
        }
        return figures;
    }

    private static List<Figure> row(String row, String heap, String build, Path jar, AttackScale s, Attack attack) {
        String prefix = "attacks." + row + "." + build + ".";
        System.out.println("-- " + prefix + " (server -Xmx" + heap + ", load " + Machine.load() + ")");
        List<Figure> figures = new ArrayList<>();
        long t0 = System.nanoTime();
        try (AttackServer server = AttackServer.start(jar, heap);
             Innocents innocents = Innocents.start(server, s.holders(), s.wanters(), s.wantsPerSecond())) {
            Thread.sleep(s.warmupSeconds() * 1_000L);
            innocents.begin();
            List<Figure> effect;
            try {
                effect = attack.run(server, s, prefix, innocents);
            } catch (Exception e) {
                effect = List.of(Figure.info(prefix + "attack_failed", 1, "").withNote(e.toString()));
            }
            Innocents.Run run = innocents.end();
            boolean healthy = server.healthy();
            String refusals = innocents.refusals.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                    .collect(Collectors.joining(", "));
            String setup = s.holders() + " holders + " + s.wanters() + " wanters of their own pages, " + (int) s.wantsPerSecond()
                    + " wants/s; server -Xmx" + heap;
            figures.add(Figure.info(prefix + "innocent.p50", run.p50(), "ms").withNote(setup));
            Figure p99 = "after".equals(build)
                    ? Figure.atMost(prefix + "innocent.p99", run.p99(), "ms", P99_TARGET_MS)
                    : Figure.info(prefix + "innocent.p99", run.p99(), "ms");
            figures.add(p99.withNote("want sent → content_request received, during the attack; a want unrouted 2 s after "
                    + "the window counts with its age then"));
            figures.add(Figure.info(prefix + "innocent.unrouted", run.unrouted(), "of " + run.sent())
                    .withNote(refusals.isEmpty() ? "no innocent want refused" : "innocent wants refused: " + refusals));
            figures.add(Figure.info(prefix + "innocent.connections_dropped", innocents.dropped(), "connections"));
            figures.addAll(effect);
            figures.add(Figure.info(prefix + "server_healthy", healthy ? 1 : 0, "")
                    .withNote("1: /healthz answered within 5 s after the attack"
                            + (server.outOfMemory.get() > 0 ? "; the server logged OutOfMemoryError " + server.outOfMemory.get() + " times" : "")));
        } catch (Exception e) {
            figures.add(Figure.info(prefix + "run_failed", 1, "").withNote(e.toString()));
        }
        System.out.printf(java.util.Locale.ROOT, "   %s took %.1f s%n", prefix, (System.nanoTime() - t0) / 1e9);
        return figures;
    }
}
