package ephemeral.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator on small swarms (50 peers, seconds): its model, its reproducibility, its reports. */
class SimulatorTest {
    static final SimOptions SMALL = SimOptions.defaults().withPeers(50, 5).withChurn(3, 8_000).withDuration(8_000)
            .withWantTimeout(6_000);

    @Test
    void theSameSeedGivesTheSameWorkloadAndTheSameModelRun() {
        assertEquals(Workload.of(SMALL).arrivals, Workload.of(SMALL).arrivals);
        assertNotEquals(Workload.of(SMALL).arrivals, Workload.of(SMALL.withSeed(2)).arrivals);
        Result a = Simulation.coinflip(SMALL);
        Result b = Simulation.coinflip(SMALL);
        assertEquals(Report.csv(a), Report.csv(b), "a seeded model run is reproducible to the message");
        assertEquals(a.recorder().timeToContentMs, b.recorder().timeToContentMs);
        assertTrue(a.fetched() > 0, "the model delivered pages");
    }

    @Test
    void theCoinFlipReachesNoHolderWithProbabilityOneMinusOneOverNToTheN() {
        SplittableRandom random = new SplittableRandom(3);
        for (int n : new int[] {1, 2, 10, 100}) {
            List<Integer> holders = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                holders.add(i);
            }
            int trials = 40_000;
            int none = 0;
            for (int t = 0; t < trials; t++) {
                none += CoinFlipNetwork.answering(holders, random).isEmpty() ? 1 : 0;
            }
            double expected = Math.pow(1 - 1.0 / n, n);
            // 4 standard deviations of a binomial share
            double tolerance = 4 * Math.sqrt(expected * (1 - expected) / trials) + 1e-9;
            assertEquals(expected, (double) none / trials, tolerance, "N = " + n);
        }
    }

    @Test
    void ourRuleSpreadsRequestsEvenlyOverTheHoldersAndReachesExactlyOne() throws Exception {
        // one page held by its 10 first peers, then 190 visitors within a second, (nearly) nobody leaving
        SimOptions o = SimOptions.defaults().withPeers(200, 1).withHoldersAtStart(10).withChurn(0, 600_000)
                .withDuration(3_000).withWantTimeout(8_000).withTransfers(64 << 10, 256 << 10, 5);
        Result r = Simulation.ours(o, null);
        String summary = Report.summary(List.of(r));
        assertEquals(0, r.failed(), "no visitor gave up: " + summary);
        assertEquals(190, r.fetched() + r.recorder().abandoned, "every visitor that stayed got the page: " + summary);
        assertEquals(0, r.recorder().reachedMany, "no request reached two holders");
        long[] first = new long[10];
        long total = 0;
        for (int i = 0; i < 10; i++) {
            first[i] = r.served()[i];
            total += first[i];
        }
        // chi-square over the ten first holders (they were eligible for the same requests), 9 degrees of freedom: p = 0.001 at 27.88
        double expected = total / 10.0;
        double chi2 = 0;
        for (long n : first) {
            chi2 += (n - expected) * (n - expected) / expected;
        }
        assertTrue(total >= 50, "the first holders served " + total);
        assertTrue(chi2 < 27.88, "load over the first holders is not even: " + java.util.Arrays.toString(first) + " chi2 " + chi2);
    }

    @Test
    void reportsAreWrittenAndTheGraphReadsBack(@TempDir Path dir) throws Exception {
        Result ours = Simulation.ours(SMALL, null);
        Result coinflip = Simulation.coinflip(SMALL);
        String summary = Report.write(dir, List.of(ours, coinflip));
        assertTrue(summary.contains("| | ours | coinflip |"), summary);
        for (String f : List.of("summary.md", "survival.png", "population.png", "ours/series.csv", "ours/served.tgf",
                "ours/served.dot", "ours/net_status.txt", "coinflip/series.csv")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        Graph graph = Graph.of(ours.recorder().edges, Long.MAX_VALUE);
        assertEquals(ours.fetched(), graph.edges().size());
        assertEquals(graph, Graph.parseTgf(Files.readString(dir.resolve("ours/served.tgf"))));
        assertTrue(ours.fetched() > 0 && ours.successRate() > 0.5, "ours delivered: " + summary);
    }
}
