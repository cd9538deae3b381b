package ephemeral.e2e.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Small helpers for measuring other processes. */
final class Procs {
    private Procs() {
    }

    /** VmRSS of a process, in bytes. */
    static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    /** CPU time (user + system) a process has used so far, in nanoseconds. */
    static long cpuNanos(long pid) throws IOException {
        return cpuNanos(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** CPU time (user + system) from a {@code /proc/<pid>/stat} or {@code /proc/<pid>/task/<tid>/stat} file. */
    static long cpuNanos(Path statFile) throws IOException {
        String stat = Files.readString(statFile);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    }

    static String run(String... command) throws IOException, InterruptedException {
        return run(60, command);
    }

    static String run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static final java.util.regex.Pattern LISTENING = java.util.regex.Pattern.compile("listening on [^ ]+:(\\d+)");

    /**
     * Waits until a server process prints {@code listening on <host>:<port>} and returns the port; every
     * other line of its output goes to {@code otherLines}. Destroys the process if it does not come up.
     */
    static int awaitListening(Process p, String name, long timeoutSeconds,
                              java.util.function.Consumer<String> otherLines) throws IOException {
        java.util.concurrent.CompletableFuture<Integer> port = new java.util.concurrent.CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (java.io.BufferedReader r = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    java.util.regex.Matcher m = LISTENING.matcher(line);
                    if (!port.isDone() && m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    } else {
                        otherLines.accept(line);
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
            port.completeExceptionally(new IOException(name + " exited before listening"));
        }, name + "-log");
        reader.setDaemon(true);
        reader.start();
        try {
            return port.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException(name + " did not start: " + e.getMessage(), e);
        }
    }
}
