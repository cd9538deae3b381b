package ephemeral.e2e.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonObject;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chromium's own trace of the tabs' main threads over a stretch of time, to tell a long task's work from its
 * waiting: a {@code PerformanceObserver} long task is wall time, and on a machine whose cores are all busy
 * the operating system may deschedule a main thread in the middle of a task of a few milliseconds. The trace
 * gives each task's thread (CPU) time too. Each tab is told apart by a {@code performance.mark} it makes
 * once tracing runs. The tabs may be in different browsers (profiles): each one's browser is traced through
 * the DevTools protocol of that tab, as Puppeteer's {@code page.tracing} does.
 */
final class MainThreadTrace {
    /** The longest task of one tab's main thread: by wall time, and by the CPU time it used. */
    record Longest(double wallMs, double cpuMs) {
    }

    private final List<Page> pages;
    private final List<CDPSession> sessions;
    private final Path dir;

    private MainThreadTrace(List<Page> pages, List<CDPSession> sessions, Path dir) {
        this.pages = pages;
        this.sessions = sessions;
        this.dir = dir;
    }

    /**
     * Starts tracing tasks (the {@code toplevel} category, and user timing for the marks) in the browser of
     * each page: give one page per browser.
     */
    static MainThreadTrace start(List<Page> pages, Path dir) {
        List<CDPSession> sessions = new ArrayList<>();
        for (Page page : pages) {
            CDPSession session = page.context().newCDPSession(page);
            JsonObject params = new JsonObject();
            params.addProperty("categories", "toplevel,blink.user_timing");
            params.addProperty("transferMode", "ReturnAsStream");
            session.send("Tracing.start", params);
            sessions.add(session);
        }
        return new MainThreadTrace(pages, sessions, dir);
    }

    /** Ends one browser's tracing and writes its trace to {@code file} (read from the stream it returns). */
    private void end(Page page, CDPSession session, Path file) throws IOException {
        String[] stream = new String[1];
        session.on("Tracing.tracingComplete", e -> stream[0] = e.get("stream").getAsString());
        session.send("Tracing.end");
        // waitForCondition, not a plain poll: Playwright dispatches the session's events only inside its calls
        page.waitForCondition(() -> stream[0] != null, new Page.WaitForConditionOptions().setTimeout(120_000));
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                JsonObject params = new JsonObject();
                params.addProperty("handle", stream[0]);
                params.addProperty("size", 1 << 20);
                JsonObject chunk = session.send("IO.read", params);
                String data = chunk.get("data").getAsString();
                boolean base64 = chunk.has("base64Encoded") && chunk.get("base64Encoded").getAsBoolean();
                out.write(base64 ? Base64.getDecoder().decode(data) : data.getBytes(StandardCharsets.UTF_8));
                if (chunk.has("eof") && chunk.get("eof").getAsBoolean()) {
                    break;
                }
            }
        }
        JsonObject close = new JsonObject();
        close.addProperty("handle", stream[0]);
        session.send("IO.close", close);
        session.detach();
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
        Map<String, long[]> markAt = new HashMap<>(); // name -> {pid, ts}
        Map<Long, Long> mainThread = new HashMap<>(); // pid -> tid of CrRendererMain
        List<long[]> tasks = new ArrayList<>(); // {pid, tid, ts, dur, tdur}, µs, only those of 1 ms or more
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < pages.size(); i++) {
            Path file = dir.resolve("trace-" + i + ".json");
            end(pages.get(i), sessions.get(i), file);
            read(json, file, marks, markAt, mainThread, tasks); // pids are the system's: distinct across browsers
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

    /** Adds one trace file's marks, renderer main threads and tasks of 1 ms or more; deletes the file. */
    private static void read(ObjectMapper json, Path file, List<String> marks, Map<String, long[]> markAt,
            Map<Long, Long> mainThread, List<long[]> tasks) throws IOException {
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
    }
}
