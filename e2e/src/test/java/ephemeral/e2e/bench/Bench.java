package ephemeral.e2e.bench;

import ephemeral.peer.PeerNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark runner: {@code Bench [--scale full|smoke] [--only name,…] [--out FILE]}. Prints every figure as
 * {@code name value unit (target …)} and writes them, with the machine they ran on, to a Markdown report.
 * Exits non-zero only when a benchmark fails to run, never for a missed target.
 */
public final class Bench {

    /** One benchmark: a name and what it measures at a given scale. */
    interface Run {
        List<Figure> measure(Scale scale) throws Exception;
    }

    static Map<String, Run> benchmarks() {
        Map<String, Run> all = new LinkedHashMap<>();
        all.put("routing", SignalingBench::routing);
        all.put("relay", SignalingBench::relay);
        all.put("connections", SignalingBench::connections);
        all.put("storm", SignalingBench::joinStorm);
        all.put("cluster", ClusterBench::cluster);
        all.put("compare", CompareBench::compare);
        all.put("ttc", BrowserBench::timeToContent);
        all.put("throughput", BrowserBench::throughput);
        all.put("seed", SeedBench::seed);
        all.put("bigpages", BigPageBench::bigPages);
        all.put("attacks", AttackBench::attacks);
        all.put("live", LiveBench::live);
        return all;
    }

    /**
     * Benchmarks the smoke run (the test suite, CI) leaves out unless named in {@code --only}: the
     * side-by-side comparison needs node and npm, and installs packages from npm.
     */
    static final Set<String> SMOKE_OPT_IN = Set.of("compare");

    /** The benchmarks a run at this scale with this {@code --only} list runs, in order. */
    static List<String> selected(Scale scale, List<String> only) {
        List<String> names = new ArrayList<>();
        for (String name : benchmarks().keySet()) {
            if (only.isEmpty() ? !(scale == Scale.SMOKE && SMOKE_OPT_IN.contains(name)) : only.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    public static void main(String[] args) throws Exception {
        Scale scale = Scale.FULL;
        List<String> only = new ArrayList<>();
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--scale" -> scale = "smoke".equals(args[++i]) ? Scale.SMOKE : Scale.FULL;
                case "--only" -> Arrays.stream(args[++i].split(",")).filter(n -> !n.isBlank()).forEach(only::add);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: Bench [--scale full|smoke] [--only " + String.join(",", benchmarks().keySet()) + "] [--out FILE]");
                    System.exit(2);
                }
            }
        }
        try {
            Result result = run(scale, only);
            if (out != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
                Files.writeString(out, result.markdown(scale) + keptNotes(out), StandardCharsets.UTF_8);
                System.out.println("wrote " + out);
            }
            System.exit(result.failures.isEmpty() ? 0 : 1);
        } finally {
            PeerNode.disposeNative(); // the JVM cannot exit while the native factory lives
        }
    }

    /** Marks where the generated figures end and the people's analysis (kept across runs) begins. */
    static final String NOTES_MARKER = "<!-- notes: everything below is written by people and kept by the runner -->";

    /** The hand-written part of an existing report, from the marker on, or nothing. */
    static String keptNotes(Path out) throws IOException {
        if (!Files.exists(out)) {
            return "";
        }
        String old = Files.readString(out, StandardCharsets.UTF_8);
        int at = old.indexOf(NOTES_MARKER);
        return at < 0 ? "" : "\n" + old.substring(at);
    }

    /** What a run produced: figures, and the benchmarks that could not run (with why). */
    record Result(List<Figure> figures, Map<String, String> failures, Map<String, String> loads) {
        String markdown(Scale scale) throws IOException {
            StringBuilder md = new StringBuilder();
            md.append("# Benchmarks\n\n");
            md.append("Latest run: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(", scale `")
                    .append(scale.name()).append("`, on ").append(Machine.describe()).append(".\n");
            md.append("Regenerate with the command in the README (section *Benchmarks*). Load generator, server and ")
                    .append("peers share this one machine, so every figure includes the cost of generating its load.\n");
            if (!loads.isEmpty()) {
                md.append("1-minute load average when each benchmark started (other work on the machine): ");
                md.append(String.join(", ", loads.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()));
                md.append(".\n");
            }
            md.append('\n');
            md.append("| figure | value | target | |\n|---|---|---|---|\n");
            for (Figure f : figures) {
                md.append("| `").append(f.name()).append("` | ").append(Figure.number(f.value())).append(' ').append(f.unit())
                        .append(" | ").append(f.targetText()).append(" | ")
                        .append(f.hasTarget() ? (f.met() ? "met" : "**missed**") : "").append(" |\n");
            }
            md.append('\n');
            for (Figure f : figures) {
                if (!f.note().isEmpty()) {
                    md.append("- `").append(f.name()).append("`: ").append(f.note()).append('\n');
                }
            }
            failures.forEach((name, why) -> md.append("- **").append(name).append(" did not run**: ").append(why).append('\n'));
            return md.toString();
        }
    }

    static Result run(Scale scale, List<String> only) {
        List<Figure> figures = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        Map<String, String> loads = new LinkedHashMap<>();
        List<String> names = selected(scale, only);
        for (Map.Entry<String, Run> bench : benchmarks().entrySet()) {
            if (!names.contains(bench.getKey())) {
                if (only.isEmpty()) {
                    System.out.println("== " + bench.getKey() + " skipped at " + scale.name() + " scale (--only " + bench.getKey() + " runs it)");
                }
                continue;
            }
            String load = Machine.load();
            loads.put(bench.getKey(), load);
            System.out.println("== " + bench.getKey() + " (" + scale.name() + ", load " + load + ")");
            try {
                for (Figure f : bench.getValue().measure(scale)) {
                    System.out.println(f.line());
                    figures.add(f);
                }
            } catch (Exception | AssertionError | LinkageError e) { // Playwright's waits fail with AssertionError
                String why = e.getClass().getSimpleName() + ": " + e.getMessage();
                System.out.println(bench.getKey() + " FAILED: " + why);
                e.printStackTrace();
                failures.put(bench.getKey(), why);
            }
        }
        return new Result(figures, failures, loads);
    }
}
