package ephemeral.e2e.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A one-line description of the machine a run happened on. */
final class Machine {
    private Machine() {
    }

    /** The 1-minute load average: how busy the machine was with other work when a benchmark started. */
    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static String describe() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        long memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                .filter(l -> l.startsWith("MemTotal")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), "
                + Math.round(memKb / 1048576.0) + " GiB, Java " + System.getProperty("java.version")
                + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", " + damon();
    }

    /**
     * Whether the kernel's DAMON monitor is sampling memory (a VM host's setting): on this project's
     * machines it stalls processes every half second, which shows in every latency tail
     * (docs/benchmarks.md, "The latency tail").
     */
    static String damon() {
        Path admin = Path.of("/sys/kernel/mm/damon/admin/kdamonds");
        try (var kdamonds = Files.list(admin)) {
            List<String> on = new ArrayList<>();
            for (Path k : kdamonds.sorted().toList()) {
                Path state = k.resolve("state");
                if (Files.isRegularFile(state) && Files.readString(state).trim().equals("on")) {
                    Path sample = k.resolve("contexts/0/monitoring_attrs/intervals/sample_us");
                    on.add(Files.isRegularFile(sample)
                            ? "sampling every " + Long.parseLong(Files.readString(sample).trim()) / 1000 + " ms" : "on");
                }
            }
            return on.isEmpty() ? "kernel DAMON off" : "kernel DAMON on (" + String.join(", ", on) + ")";
        } catch (IOException | RuntimeException e) {
            return "no kernel DAMON";
        }
    }
}
