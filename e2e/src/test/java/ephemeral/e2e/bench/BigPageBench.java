package ephemeral.e2e.bench;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import ephemeral.e2e.AppPage;
import ephemeral.e2e.Browsers;
import ephemeral.peer.PeerConfig;
import ephemeral.peer.PeerNode;
import ephemeral.peer.store.Body;
import ephemeral.signaling.SignalingConfig;
import ephemeral.signaling.SignalingServer;
import ephemeral.testing.RandomFiles;
import ephemeral.testing.Trees;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Big pages (#13): the shipped {@code peer-node.jar} moving a page many times its heap ({@code share} and
 * {@code get -o}, each with {@code -Xmx256m}), and Chromium → Chromium with the tabs' memory and main
 * threads watched: renderer RSS above its level before the transfer, and the longest task.
 */
final class BigPageBench {
    private static final String HEAP = "-Xmx256m";

    private BigPageBench() {
    }

    static List<Figure> bigPages(Scale scale) throws Exception {
        SignalingServer server = SignalingServer.create(SignalingConfig.defaults().withHost("127.0.0.1").withPort(0)).start();
        String base = "http://127.0.0.1:" + server.port();
        Path dir = Files.createTempDirectory("bigpage-bench");
        List<Figure> figures = new ArrayList<>();
        try {
            // -Dbench.bigpages=chromium,resume runs only those parts (the whole takes minutes)
            String only = System.getProperty("bench.bigpages", "");
            List<String> parts = List.of((only.isBlank() ? "java,several,browser-several,chromium,resume" : only).split(","));
            if (parts.contains("java")) {
                figures.addAll(java(base, dir, scale.bigJavaBytes()));
            }
            if (parts.contains("several")) {
                figures.addAll(severalHolders(base, dir, scale.severalHoldersBytes()));
            }
            if (parts.contains("browser-several")) {
                // at smoke scale one round each, not two: the runner is checked, not the figure
                figures.addAll(browserSeveral(base, dir, Math.max(16L << 20, scale.severalHoldersBytes() / 2),
                        scale == Scale.SMOKE ? 2 : 4));
            }
            if (parts.contains("chromium")) {
                figures.addAll(chromium(base, dir, scale.bigBrowserBytes()));
            }
            if (parts.contains("resume")) {
                figures.addAll(resume(base, dir, scale.resumeBytes()));
            }
        } finally {
            server.stop();
            Trees.delete(dir);
        }
        return figures;
    }

    private static List<Figure> java(String base, Path dir, long size) throws Exception {
        System.out.println("  measuring a " + human(size) + " page, Java → Java, " + HEAP + " each …");
        Path file = dir.resolve("java.bin");
        String hash = RandomFiles.write(file, size, 13);
        String jar = ServerProcess.Paths.repoFile("peer-node/target/peer-node.jar").toString();
        String max = "--max-page-size=" + (size + (1 << 20));
        Process share = share(jar, base, max, file, hash, size);
        try {
            Path got = dir.resolve("got.bin");
            long t0 = System.nanoTime();
            Process get = new ProcessBuilder(ServerProcess.Paths.java(), HEAP, "-XX:+ExitOnOutOfMemoryError", "-jar", jar,
                    "get", "--quiet", "--server", base, max, "--timeout", "30m", "-o", got.toString(), hash)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            PeakRss getRss = PeakRss.watch(List.of(get.pid()));
            PeakRss shareRss = PeakRss.watch(List.of(share.pid()));
            if (!get.waitFor(30, TimeUnit.MINUTES) || get.exitValue() != 0) {
                get.destroyForcibly();
                throw new IOException("get did not finish the page");
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            getRss.stop();
            shareRss.stop();
            if (!hash.equals(new Body.File(got, Files.size(got), false).sha256())) {
                throw new IOException("the file get wrote is not the page");
            }
            Files.delete(got);
            return List.of(
                    Figure.info("bigpages.java.size", size / 1048576.0, "MiB"),
                    Figure.info("bigpages.java.mib_per_s", size / 1048576.0 / seconds, "MiB/s")
                            .withNote("get's process start → the page verified and renamed into place (JVM start included)"),
                    Figure.atMost("bigpages.java.get_peak_rss", getRss.peakMiB(), "MiB", 512)
                            .withNote(HEAP + "; the page is spooled to disk beside -o, never in the heap"),
                    Figure.atMost("bigpages.java.share_peak_rss", shareRss.peakMiB(), "MiB", 512)
                            .withNote(HEAP + "; the file is hashed and served a chunk at a time from where it lies"));
        } finally {
            share.destroy();
            share.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(file);
        }
    }

    /** Starts {@code share} of {@code file} and waits until it printed the page's link (it hashed the file). */
    private static Process share(String jar, String base, String max, Path file, String hash, long size) throws Exception {
        Process share = new ProcessBuilder(ServerProcess.Paths.java(), HEAP, "-XX:+ExitOnOutOfMemoryError", "-jar", jar,
                "share", "--quiet", "--server", base, max, file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(share.getInputStream(), StandardCharsets.UTF_8));
        String line;
        try {
            line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(10 + size / (50L << 20), TimeUnit.SECONDS); // hashing the file first: ≥ 50 MiB/s
        } catch (Exception e) {
            share.destroyForcibly();
            throw e;
        }
        if (line == null || !line.contains(hash)) {
            share.destroyForcibly();
            throw new IOException("share printed no link for the page: " + line);
        }
        return share;
    }

    /**
     * Three Java holders → one Java wanter ({@code get --holders 3}) against one holder at a time
     * ({@code --holders 1}) in the same run, each twice, alternating; and how many holders the page came from
     * (its log line). On one machine every peer shares the same two cores.
     */
    private static List<Figure> severalHolders(String base, Path dir, long size) throws Exception {
        System.out.println("  measuring a " + human(size) + " page, three Java holders → one Java wanter …");
        Path file = dir.resolve("several.bin");
        String hash = RandomFiles.write(file, size, 23);
        String jar = ServerProcess.Paths.repoFile("peer-node/target/peer-node.jar").toString();
        String max = "--max-page-size=" + (size + (1 << 20));
        List<Process> shares = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                shares.add(share(jar, base, max, file, hash, size));
            }
            double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
            int used = 0;
            for (int round = 0; round < 4; round++) {
                int holders = round % 2 == 0 ? 1 : 3;
                Path got = dir.resolve("several-got.bin");
                Path log = dir.resolve("several-get.log");
                long t0 = System.nanoTime();
                Process get = new ProcessBuilder(ServerProcess.Paths.java(), HEAP, "-XX:+ExitOnOutOfMemoryError", "-jar", jar,
                        "get", "--server", base, max, "--holders", String.valueOf(holders), "--timeout", "10m",
                        "-o", got.toString(), hash)
                        .redirectError(log.toFile()).start();
                if (!get.waitFor(10, TimeUnit.MINUTES) || get.exitValue() != 0) {
                    get.destroyForcibly();
                    throw new IOException("get --holders " + holders + " did not finish the page: " + Files.readString(log));
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                best[holders == 1 ? 0 : 1] = Math.min(best[holders == 1 ? 0 : 1], seconds);
                if (!hash.equals(new Body.File(got, Files.size(got), false).sha256())) {
                    throw new IOException("the file get wrote is not the page");
                }
                if (holders == 3) {
                    used = Math.max(used, contributors(Files.readString(log)));
                }
                System.out.printf("  --holders %d: %.1f s%n", holders, seconds);
                Files.delete(got);
            }
            return List.of(
                    Figure.info("bigpages.several.size", size / 1048576.0, "MiB"),
                    Figure.info("bigpages.several.one_holder_mib_per_s", size / 1048576.0 / best[0], "MiB/s")
                            .withNote("get --holders 1, best of 2: process start → verified and renamed into place"),
                    Figure.info("bigpages.several.three_holders_mib_per_s", size / 1048576.0 / best[1], "MiB/s")
                            .withNote("get --holders 3, best of 2, same run"),
                    Figure.info("bigpages.several.speedup", best[0] / best[1], "×")
                            .withNote("three holders against one; all five processes share this machine's cores"),
                    Figure.atLeast("bigpages.several.holders_used", used, "holders", 3)
                            .withNote("holders whose bytes are in the page (get's log line 'verified from …')"));
        } finally {
            for (Process p : shares) {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(file);
        }
    }

    /**
     * Three Java holders → one Chromium tab against one Java holder, in the same run: each twice, alternating
     * (the two extra holders are started for the three-holder rounds and stopped after), each round in a
     * fresh browser context. How many holders the page came from is the tab's own count ({@code data-sources}).
     */
    private static List<Figure> browserSeveral(String base, Path dir, long size, int rounds) throws Exception {
        System.out.println("  measuring a " + human(size) + " page, three Java holders → one Chromium tab …");
        Path file = dir.resolve("browser-several.bin");
        String hash = RandomFiles.write(file, size, 31);
        PeerConfig config = PeerConfig.defaults().withServer(base).withMaxPageBytes(size + (1 << 20));
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        int used = 0;
        double longest = 0;
        try (PeerNode first = PeerNode.start(config); Browsers browsers = Browsers.create()) {
            first.share(file);
            for (int round = 0; round < rounds; round++) {
                int holders = round % 2 == 0 ? 1 : 3;
                List<PeerNode> more = new ArrayList<>();
                try {
                    for (int i = 1; i < holders; i++) {
                        PeerNode extra = PeerNode.start(config);
                        more.add(extra);
                        extra.share(file);
                    }
                    BrowserContext context = browsers.newContext(Browsers.Kind.CHROMIUM);
                    context.addInitScript(LONG_TASKS);
                    Page tab = context.newPage();
                    long t0 = System.nanoTime();
                    tab.navigate(base + "/" + hash + "#name=several.bin&n=" + size);
                    waitShowing(tab, "() => document.getElementById('page-view').dataset.state === 'shown'", null,
                            "() => document.getElementById('status').textContent + ' | ' + document.getElementById('progress-text').textContent",
                            20);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    String sources = (String) tab.evaluate("() => document.getElementById('page-view').dataset.sources");
                    int from = sources == null || sources.isBlank() ? 0 : sources.trim().split(" ").length;
                    best[holders == 1 ? 0 : 1] = Math.min(best[holders == 1 ? 0 : 1], seconds);
                    if (holders == 3) {
                        used = Math.max(used, from);
                        longest = Math.max(longest, longest(tab, 0));
                    }
                    System.out.printf("  %d holder(s) online: %.1f s, from %d%n", holders, seconds, from);
                    context.close();
                } finally {
                    for (PeerNode extra : more) {
                        extra.close();
                    }
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return List.of(
                Figure.info("bigpages.browser_several.size", size / 1048576.0, "MiB"),
                Figure.info("bigpages.browser_several.one_holder_mib_per_s", size / 1048576.0 / best[0], "MiB/s")
                        .withNote("one Java holder online, best of " + rounds / 2 + ": link opened → page verified and shown"),
                Figure.info("bigpages.browser_several.three_holders_mib_per_s", size / 1048576.0 / best[1], "MiB/s")
                        .withNote("three Java holders online, best of " + rounds / 2 + ", same run"),
                Figure.info("bigpages.browser_several.speedup", best[0] / best[1], "×")
                        .withNote("three holders against one; the holders, the server and Chromium share this machine's cores"),
                Figure.atLeast("bigpages.browser_several.holders_used", used, "holders", 3)
                        .withNote("holders whose bytes are in the page, as the tab counts them"),
                Figure.info("bigpages.browser_several.longest_task", longest, "ms")
                        .withNote("longest main-thread task of the receiving tab in the three-holder rounds"));
    }

    /** The holders get's log line names: "… bytes verified from a…, b…, c… in …". */
    private static int contributors(String log) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("bytes verified from (.+?) in \\d+ ms").matcher(log);
        return m.find() ? m.group(1).split(", ").length : 0;
    }

    /** Installed in each tab before its scripts run: every long task, as [start, duration] in ms. */
    private static final String LONG_TASKS = "window.__longTasks = [];"
            + " try { new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push([e.startTime, e.duration]); })"
            + "   .observe({ type: 'longtask', buffered: true }); } catch (e) { window.__longTasks = null; }";

    private static List<Figure> chromium(String base, Path dir, long size) throws Exception {
        System.out.println("  measuring a " + human(size) + " page, Chromium → Chromium, renderer memory and long tasks …");
        Path file = dir.resolve("browser.bin");
        String hash = RandomFiles.write(file, size, 17);
        try (Browsers browsers = Browsers.create()) {
            // two users' browsers, each with its profile on disk (Browsers#newProfile: off the record, Chromium's
            // OPFS is in memory behind IPC, and the receiving worker fell ~500 MiB behind the channel)
            BrowserContext holderContext = browsers.newProfile(Browsers.Kind.CHROMIUM);
            BrowserContext visitorContext = browsers.newProfile(Browsers.Kind.CHROMIUM);
            holderContext.addInitScript(LONG_TASKS);
            visitorContext.addInitScript(LONG_TASKS);
            Page holder = holderContext.pages().get(0);
            holder.navigate(base + "/");
            Page visitor = visitorContext.pages().get(0);
            // the visitor waits for a holder: its tab is loaded and idle when the baseline is taken
            visitor.navigate(base + "/" + hash + "#name=big.bin&n=" + size);
            visitor.waitForFunction("() => document.getElementById('page-view').dataset.state === 'nobody'");
            List<Long> renderers = renderers();
            PeakRss rss = PeakRss.watch(renderers);
            double holderFrom = ((Number) holder.evaluate("() => performance.now()")).doubleValue();
            double visitorFrom = ((Number) visitor.evaluate("() => performance.now()")).doubleValue();
            long t0 = System.nanoTime();
            holder.setInputFiles("#file", file);
            holder.click("#share");
            waitShowing(holder, "(h) => location.pathname === '/' + h", hash,
                    "() => document.getElementById('share-status').textContent", 10);
            double shareSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("  shared in %.1f s; renderers grew by %s MiB%n", shareSeconds, rss.growthsMiB());
            PeakRss during = PeakRss.watch(renderers);
            MainThreadTrace trace = MainThreadTrace.start(List.of(holder, visitor), dir);
            MainThreadTrace.mark(holder, "bench-sender");
            MainThreadTrace.mark(visitor, "bench-receiver");
            long t1 = System.nanoTime();
            String shown = "() => document.getElementById('page-view').dataset.state === 'shown'";
            // the first TRACE_MS of the transfer are traced (tracing slows the tabs: not the whole of it)
            boolean early = shownWithin(visitor, shown, TRACE_MS);
            Map<String, MainThreadTrace.Longest> traced = trace.stop(List.of("bench-sender", "bench-receiver"));
            System.out.println("  longest main-thread tasks in the trace (wall, CPU): " + traced);
            if (!early) {
                waitShowing(visitor, shown, null,
                        "() => document.getElementById('status').textContent + ' | ' + document.getElementById('progress-text').textContent",
                        30);
            }
            double fetchSeconds = (System.nanoTime() - t1) / 1e9;
            rss.stop();
            during.stop();
            System.out.printf("  during the transfer alone, renderers grew by %s MiB%n", during.growthsMiB());
            double holderLongest = longest(holder, holderFrom);
            double visitorLongest = longest(visitor, visitorFrom);
            return List.of(
                    Figure.info("bigpages.chromium.size", size / 1048576.0, "MiB"),
                    Figure.info("bigpages.chromium.share_seconds", shareSeconds, "s")
                            .withNote("file picked → page shared: copied into OPFS and hashed by a worker"),
                    Figure.info("bigpages.chromium.mib_per_s", size / 1048576.0 / fetchSeconds, "MiB/s")
                            .withNote("page shared → shown verified in the other tab"),
                    Figure.atMost("bigpages.chromium.renderer_rss_growth", rss.largestGrowthMiB(), "MiB", 300)
                            .withNote("the largest growth of any renderer process over its level before the share "
                                    + "(" + renderers.size() + " renderers: both tabs, and Chromium's spare)"),
                    Figure.atMost("bigpages.chromium.longest_task.receiver", visitorLongest, "ms", 50)
                            .withNote("longest main-thread task of the receiving tab during the transfer (PerformanceObserver longtask)"),
                    Figure.atMost("bigpages.chromium.longest_task.sender", holderLongest, "ms", 50)
                            .withNote("longest main-thread task of the sending tab, share and transfer"),
                    Figure.atMost("bigpages.chromium.longest_task_cpu.receiver", traced.get("bench-receiver").cpuMs(), "ms", 50)
                            .withNote("CPU time of the receiving tab's busiest main-thread task in the transfer's first "
                                    + TRACE_MS / 1000 + " s (Chromium's trace; its longest by wall time there: "
                                    + traced.get("bench-receiver").wallMs() + " ms)"),
                    Figure.atMost("bigpages.chromium.longest_task_cpu.sender", traced.get("bench-sender").cpuMs(), "ms", 50)
                            .withNote("the same for the sending tab (its longest by wall time: " + traced.get("bench-sender").wallMs() + " ms)"));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * A Chromium tab receiving a page from a Java holder is closed at about half of it; a new tab of the same
     * browser profile opens the link again and resumes from what the first one stored. The holder counts
     * every byte it sent: the page's worth, plus what was in flight when the tab died.
     */
    private static List<Figure> resume(String base, Path dir, long size) throws Exception {
        System.out.println("  measuring a " + human(size) + " page resumed in Chromium after its tab was closed half-way …");
        Path file = dir.resolve("resume.bin");
        String hash = RandomFiles.write(file, size, 29);
        String link = base + "/" + hash + "#name=resume.bin&n=" + size;
        try (PeerNode holder = PeerNode.start(PeerConfig.defaults().withServer(base).withMaxPageBytes(size + (1 << 20)));
             Browsers browsers = Browsers.create()) {
            holder.share(file);
            BrowserContext context = browsers.newContext(Browsers.Kind.CHROMIUM);
            Page first = context.newPage();
            first.navigate(link);
            // the size it had stored when it passed half-way (polled every 100 ms), then the tab is closed at once
            double kept;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while ((kept = ((Number) first.evaluate(AppPage.PARTIAL_SIZE, hash)).doubleValue()) < size / 2) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the tab never stored half of the page");
                }
                Thread.sleep(100); // a polling period
            }
            first.close();
            long t0 = System.nanoTime();
            Page second = context.newPage();
            second.navigate(link);
            waitShowing(second, "() => document.getElementById('page-view').dataset.state === 'shown'", null,
                    "() => document.getElementById('status').textContent + ' | ' + document.getElementById('progress-text').textContent",
                    30);
            double seconds = (System.nanoTime() - t0) / 1e9;
            // the first tab's transfer is counted once its sender gave up on the dead channel (its stall clock)
            long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (holder.stats().activeServes() > 0 && System.nanoTime() < until) {
                Thread.sleep(100); // a polling period
            }
            long sent = holder.stats().bytesServed();
            return List.of(
                    Figure.info("bigpages.resume.size", size / 1e6, "MB"),
                    Figure.info("bigpages.resume.kept", kept / 1e6, "MB")
                            .withNote("what the tab had stored in OPFS (partial/<hash>, whole MiB written) just before it was closed"),
                    Figure.info("bigpages.resume.seconds", seconds, "s")
                            .withNote("new tab opened → the page verified and shown"),
                    Figure.atMost("bigpages.resume.sent_ratio", sent / (double) size, "× the page", 1.1)
                            .withNote("bytes the holder sent in all (both tabs), against the page's size"));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** How long the Chromium transfer is traced from its start. */
    private static final int TRACE_MS = 30_000;

    /** Whether {@code condition} holds within {@code ms}. */
    private static boolean shownWithin(Page page, String condition, int ms) {
        try {
            page.waitForFunction(condition, null, new Page.WaitForFunctionOptions().setTimeout(ms));
            return true;
        } catch (com.microsoft.playwright.TimeoutError e) {
            return false;
        }
    }

    /** Waits for {@code condition}, printing what {@code shows} says every 10 s: a long wait is never a silent one. */
    private static void waitShowing(Page page, String condition, Object arg, String shows, int minutes) {
        long t0 = System.nanoTime();
        while (true) {
            try {
                page.waitForFunction(condition, arg, new Page.WaitForFunctionOptions().setTimeout(10_000));
                return;
            } catch (com.microsoft.playwright.TimeoutError e) {
                if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(minutes)) {
                    throw e;
                }
                System.out.println("  " + page.evaluate(shows));
            }
        }
    }

    /** The longest task that began after {@code from} (the page's clock): the transfer's, not the page load's. */
    private static double longest(Page page, double from) {
        Object tasks = page.evaluate("(from) => window.__longTasks && window.__longTasks.filter((t) => t[0] >= from).map((t) => t[1])", from);
        if (!(tasks instanceof List<?> list)) {
            return -1;
        }
        return list.stream().mapToDouble(t -> ((Number) t).doubleValue()).max().orElse(0);
    }

    /** Chromium's renderer processes now (every process whose command line says {@code --type=renderer}). */
    private static List<Long> renderers() throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmd.contains("--type=renderer") && !cmd.contains("--extension-process")) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        }
        return pids;
    }

    /** Samples processes' RSS every 100 ms: the peak, and each one's growth over its first sample. */
    private static final class PeakRss {
        private final Map<Long, Long> first = new HashMap<>();
        private final Map<Long, Long> peak = new HashMap<>();
        private final AtomicLong stop = new AtomicLong();
        private Thread thread;

        static PeakRss watch(List<Long> pids) {
            PeakRss r = new PeakRss();
            r.sample(pids);
            r.thread = new Thread(() -> {
                while (r.stop.get() == 0) {
                    r.sample(pids);
                    try {
                        Thread.sleep(100); // a sampling period, not a wait for a condition
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "rss-sampler");
            r.thread.setDaemon(true);
            r.thread.start();
            return r;
        }

        private synchronized void sample(List<Long> pids) {
            for (long pid : pids) {
                try {
                    long rss = Procs.rss(pid);
                    first.putIfAbsent(pid, rss);
                    peak.merge(pid, rss, Math::max);
                } catch (IOException e) {
                    // exited
                }
            }
        }

        void stop() throws InterruptedException {
            stop.set(1);
            thread.join();
        }

        synchronized double peakMiB() {
            return peak.values().stream().mapToLong(Long::longValue).max().orElse(0) / 1048576.0;
        }

        /** Each process's growth so far, largest first, in MiB. */
        synchronized List<Long> growthsMiB() {
            return peak.entrySet().stream().map(e -> (e.getValue() - first.get(e.getKey())) >> 20)
                    .sorted(Comparator.reverseOrder()).toList();
        }

        synchronized double largestGrowthMiB() {
            return peak.entrySet().stream().mapToLong(e -> e.getValue() - first.get(e.getKey())).max().orElse(0) / 1048576.0;
        }
    }

    private static String human(long bytes) {
        return bytes >= 1L << 30 ? bytes / (1L << 30) + " GiB" : bytes / (1L << 20) + " MiB";
    }
}
