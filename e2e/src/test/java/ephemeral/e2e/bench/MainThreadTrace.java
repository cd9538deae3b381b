package ephemeral.e2e.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chromium's own trace of the tabs' main threads over a stretch of time, to tell a long task's work from its
 * waiting: a {@code PerformanceObserver} long task is wall time, and on a machine whose cores are all busy
 * the operating system may deschedule a main thread in the middle of a task of a few milliseconds. The trace
 * gives each task's thread (CPU) time too. Each tab is told apart by a {@code performance.mark} it makes
 * once tracing runs.
 */
final class MainThreadTrace {
    /** The longest task of one tab's main thread: by wall time, and by the CPU time it used. */
    record Longest(double wallMs, double cpuMs) {
    }

    private final Browser browser;
    private final Path file;

    private MainThreadTrace(Browser browser, Path file) {
        this.browser = browser;
        this.file = file;
    }

    /** Starts tracing tasks (the {@code toplevel} category, and user timing for the marks). */
    static MainThreadTrace start(Browser browser, Path file) {
        browser.startTracing(null, new Browser.StartTracingOptions().setPath(file)
                .setCategories(List.of("toplevel", "blink.user_timing")));
        return new MainThreadTrace(browser, file);
    }

    /** Marks {@code page}'s renderer as {@code name}: its tasks from now on are the ones counted. */
    static void mark(Page page, String name) {
        page.evaluate("(n) => performance.mark(n)", name);
    }

    /**
     * Stops tracing and reads the trace (streamed: it can be hundreds of MB), then deletes it.
     *
     * @return per mark given, its renderer's longest main-thread task after it
     */
    Map<String, Longest> stop(List<String> marks) throws IOException {
        browser.stopTracing();
        Map<String, long[]> markAt = new HashMap<>(); // name -> {pid, ts}
        Map<Long, Long> mainThread = new HashMap<>(); // pid -> tid of CrRendererMain
        List<long[]> tasks = new ArrayList<>(); // {pid, tid, ts, dur, tdur}, µs, only those of 1 ms or more
        ObjectMapper json = new ObjectMapper();
        try (JsonParser p = new JsonFactory(json).createParser(file.toFile())) {
            // {"traceEvents": [ {...}, … ], …} or a bare array
            while (p.nextToken() != null && p.currentToken() != JsonToken.START_ARRAY) {
                // up to the events
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                JsonNode e = p.readValueAsTree();
                String name = e.path("name").asText();
                long pid = e.path("pid").asLong();
                if (marks.contains(name)) {
                    markAt.put(name, new long[] {pid, e.path("ts").asLong()});
                } else if ("thread_name".equals(name) && "CrRendererMain".equals(e.path("args").path("name").asText())) {
                    mainThread.put(pid, e.path("tid").asLong());
                } else if ("ThreadControllerImpl::RunTask".equals(name) && e.path("dur").asLong() >= 1_000) {
                    tasks.add(new long[] {pid, e.path("tid").asLong(), e.path("ts").asLong(), e.path("dur").asLong(),
                            e.path("tdur").asLong()});
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        Map<String, Longest> out = new HashMap<>();
        for (String mark : marks) {
            long[] at = markAt.get(mark);
            if (at == null || !mainThread.containsKey(at[0])) {
                out.put(mark, new Longest(-1, -1));
                continue;
            }
            long tid = mainThread.get(at[0]);
            long wall = 0;
            long cpu = 0;
            for (long[] t : tasks) {
                if (t[0] == at[0] && t[1] == tid && t[2] >= at[1]) {
                    wall = Math.max(wall, t[3]);
                    cpu = Math.max(cpu, t[4]);
                }
            }
            out.put(mark, new Longest(wall / 1000.0, cpu / 1000.0));
        }
        return out;
    }
}
