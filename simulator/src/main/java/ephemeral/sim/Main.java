package ephemeral.sim;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar simulator.jar [options]}: a swarm under churn, our rule and the coin-flip rule side by side. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Simulate a swarm of peers: each speaks the real signaling protocol to a real server over its own",
                "WebSocket (the server runs in this process unless --server is given); page transfers are modelled.",
                "The same workload also runs under ephemeral2's coin-flip rule (in-process model) for comparison."},
        footerHeading = "%nExample (docs/simulation.md):%n",
        footer = "  java -jar simulator/target/simulator.jar --peers 2000 --pages 200 --arrival-rate 8 --session 4m --duration 10m --out sim-out")
public final class Main implements Callable<Integer> {
    @Option(names = "--peers", defaultValue = "50", description = "Peers online at the start. Default: ${DEFAULT-VALUE}.")
    int peers;
    @Option(names = "--pages", defaultValue = "10", description = "Pages in the catalogue (each created by one peer at the start). Default: ${DEFAULT-VALUE}.")
    int pages;
    @Option(names = "--holders-at-start", defaultValue = "1", description = "Peers holding each page at the start. Default: ${DEFAULT-VALUE}.")
    int holdersAtStart;
    @Option(names = "--arrival-rate", defaultValue = "2", description = "New peers per second (Poisson). Default: ${DEFAULT-VALUE}.")
    double arrivalRate;
    @Option(names = "--session", defaultValue = "30s", converter = DurationArg.class, description = "Mean session length (exponential). Default: ${DEFAULT-VALUE}.")
    Duration session;
    @Option(names = "--sessions", defaultValue = "exponential",
            description = "Session lengths: exponential, or pareto (heavy-tailed, shape 1.5, same mean). Default: ${DEFAULT-VALUE}.")
    String sessions;
    @Option(names = "--zipf", defaultValue = "1.0", description = "Zipf exponent of page popularity (0 = uniform). Default: ${DEFAULT-VALUE}.")
    double zipf;
    @Option(names = "--page-size", defaultValue = "64", description = "Mean page size in KiB (exponential, at least 1). Default: ${DEFAULT-VALUE}.")
    long pageKib;
    @Option(names = "--upload", defaultValue = "1024", description = "Upload of each peer in KiB/s. Default: ${DEFAULT-VALUE}.")
    long uploadKib;
    @Option(names = "--latency", defaultValue = "25ms", converter = DurationArg.class, description = "One-way latency in the coin-flip model. Default: ${DEFAULT-VALUE}.")
    Duration latency;
    @Option(names = "--duration", defaultValue = "30s", converter = DurationArg.class, description = "How long peers arrive. Default: ${DEFAULT-VALUE}.")
    Duration duration;
    @Option(names = "--want-timeout", defaultValue = "20s", converter = DurationArg.class, description = "A visitor gives up after this. Default: ${DEFAULT-VALUE}.")
    Duration wantTimeout;
    @Option(names = "--seed", defaultValue = "1", description = "The workload's random seed. Default: ${DEFAULT-VALUE}.")
    long seed;
    @Option(names = "--server", paramLabel = "URL", description = "A running server's ws(s)://host:port/ws (it must allow this many connections from one address: --max-connections-per-address 0).")
    URI server;
    @Option(names = "--routing", defaultValue = "both", description = "ours, coinflip or both. Default: ${DEFAULT-VALUE}.")
    String routing;
    @Option(names = "--out", defaultValue = "sim-out", description = "Directory for the reports. Default: ${DEFAULT-VALUE}.")
    Path out;
    @Option(names = "--snapshot-every", defaultValue = "0s", converter = DurationArg.class, description = "Also write the served graph this often, for a time lapse (0: off).")
    Duration snapshotEvery;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!List.of("exponential", "pareto").contains(sessions)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--sessions must be exponential or pareto");
        }
        if (!List.of("ours", "coinflip", "both").contains(routing)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--routing must be ours, coinflip or both");
        }
        SimOptions o = new SimOptions(peers, arrivalRate, session.toMillis(), sessions.equals("pareto"), pages, holdersAtStart, zipf, pageKib * 1024, uploadKib * 1024,
                latency.toMillis(), duration.toMillis(), wantTimeout.toMillis(), seed, server, out, snapshotEvery.toMillis());
        List<Result> runs = new ArrayList<>();
        if (!routing.equals("coinflip")) {
            System.err.println("ours: " + o.peers() + " peers against " + (server == null ? "an in-process server" : server) + " for "
                    + (o.durationMs() + o.wantTimeoutMs()) / 1000 + " s…");
            runs.add(Simulation.ours(o, s -> System.err.printf(Locale.ROOT,
                    "  %4.0f s: %d online, %d pages alive, %d fetched, %d gave up%n",
                    s.tMs() / 1000.0, s.online(), s.pagesAlive(), s.fetched(), s.failed())));
        }
        if (!routing.equals("ours")) {
            runs.add(Simulation.coinflip(o));
        }
        System.out.print(Report.write(out, runs));
        System.err.println("reports in " + out.toAbsolutePath());
        return 0;
    }

    /** {@code 500ms}, {@code 30s}, {@code 4m}, {@code 1h}, or seconds. */
    static final class DurationArg implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            String s = v.trim().toLowerCase(Locale.ROOT);
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            double n = Double.parseDouble(s.replaceAll("[smh]$", ""));
            long unit = s.endsWith("h") ? 3_600_000 : s.endsWith("m") ? 60_000 : 1000;
            return Duration.ofMillis(Math.round(n * unit));
        }
    }
}
