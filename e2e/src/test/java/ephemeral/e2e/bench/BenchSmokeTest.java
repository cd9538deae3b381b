package ephemeral.e2e.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every benchmark at smoke scale (seconds, small sizes), so the runner cannot rot. Asserts that each runs and
 * yields sane figures; targets are for the full run and are not asserted here. The side-by-side comparison
 * needs node and npm and is left out ({@code -Dbench.scale=smoke -Dbench.only=compare} runs it small).
 */
class BenchSmokeTest {

    @Test
    void everyBenchmarkRunsAndReportsFigures() throws Exception {
        Bench.Result result = Bench.run(Scale.SMOKE, List.of());
        assertEquals(java.util.Map.of(), result.failures(), "benchmarks that failed to run");
        assertFalse(result.figures().isEmpty());
        for (Figure f : result.figures()) {
            // finite, not necessarily positive: at smoke scale a memory delta can be below the noise
            assertTrue(Double.isFinite(f.value()), "bad figure " + f.line());
        }
        String md = result.markdown(Scale.SMOKE);
        assertFalse(Bench.selected(Scale.SMOKE, List.of()).contains("compare"), "the smoke run must not need node or npm");
        for (String name : Bench.selected(Scale.SMOKE, List.of())) {
            assertTrue(result.figures().stream().anyMatch(f -> f.name().startsWith(name)), "no figure from " + name);
        }
        // sane, not only present: each loop did its work
        assertTrue(figure(result, "routing.throughput") > 0, "nothing was routed");
        assertTrue(figure(result, "relay.throughput") > 0, "nothing was relayed");
        double perPeer = figure(result, "storm.peers_messages_per_peer");
        assertTrue(perPeer >= 1 && perPeer <= 10, perPeer + " peers messages per joining peer");
        assertTrue(figure(result, "ttc.navigation_to_content.p50") > 0, "no page was shown");
        // attacks on this build: every row ran; a flood steered with exclude reached its victim, at most at the
        // per-holder rate (50/s, burst 100 over the window); innocents kept routing meanwhile
        assertTrue(result.figures().stream().noneMatch(f -> f.name().matches("attacks\\..*\\.(run|attack)_failed")), "an attack did not run");
        double victim = figure(result, "attacks.flood.after.victim_requests_per_s");
        assertTrue(victim > 0 && victim <= 50 + 100.0 / AttackScale.SMOKE.windowSeconds(), victim + " requests/s reached the flooded holder");
        assertTrue(figure(result, "attacks.flood.after.innocent.p50") < 1_000, "innocents were not routed during the flood");
        Path out = Path.of("target", "benchmarks-smoke.md");
        Files.writeString(out, md);
        assertTrue(md.contains("| `routing.throughput` |"));
    }

    private static double figure(Bench.Result result, String name) {
        return result.figures().stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no figure " + name)).value();
    }
}
