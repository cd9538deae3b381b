package ephemeral.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes what runs measured: per run a CSV time series, the who-served-whom graph (TGF and DOT, plus
 * snapshots for a time lapse) and a {@code net_status}-style summary; for all runs side by side a text
 * summary and PNG plots (survival, time to content, population).
 */
public final class Report {
    private Report() {
    }

    public static String write(Path out, List<Result> runs) throws IOException {
        Files.createDirectories(out);
        for (Result r : runs) {
            Path dir = out.resolve(r.routing());
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("series.csv"), csv(r));
            Graph.of(r.recorder().edges, Long.MAX_VALUE).write(dir.resolve("served.tgf"), dir.resolve("served.dot"));
            long every = r.options().snapshotEveryMs();
            if (every > 0) {
                long end = r.options().durationMs() + r.options().wantTimeoutMs();
                for (long t = every; t <= end; t += every) {
                    Graph.of(r.recorder().edges, t).write(dir.resolve(String.format(Locale.ROOT, "served-t%05d.tgf", t / 1000)), null);
                }
            }
            Files.writeString(dir.resolve("net_status.txt"), netStatus(r));
        }
        String summary = summary(runs);
        Files.writeString(out.resolve("summary.md"), summary);
        plots(out, runs);
        return summary;
    }

    static String csv(Result r) {
        StringBuilder s = new StringBuilder("t_s,online,pages_alive,holders,wanting,fetched,failed,messages\n");
        for (Recorder.Sample x : r.recorder().series) {
            s.append(String.format(Locale.ROOT, "%.1f,%d,%d,%d,%d,%d,%d,%d%n", x.tMs() / 1000.0, x.online(), x.pagesAlive(),
                    x.holders(), x.wanting(), x.fetched(), x.failed(), x.messages()));
        }
        return s.toString();
    }

    /** The side-by-side table of docs/simulation.md. */
    static String summary(List<Result> runs) {
        SimOptions o = runs.get(0).options();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Workload: %d peers at the start (arriving over %.1f s), then %.1f arrivals/s until %d s, "
                        + "sessions %d s on average (%s), %d pages (Zipf %.2f, %d holder(s) each at the start), pages %d KiB on average, "
                        + "upload %d KiB/s, want timeout %d s, seed %d%n%n",
                o.peers(), Workload.rampMs(o) / 1000.0, o.arrivalsPerSecond(), o.durationMs() / 1000, o.meanSessionMs() / 1000,
                o.paretoSessions() ? "Pareto 1.5" : "exponential", o.pages(), o.zipf(), o.holdersAtStart(), o.meanPageBytes() / 1024, o.uploadBytesPerSecond() / 1024,
                o.wantTimeoutMs() / 1000, o.seed()));
        s.append("| | ").append(String.join(" | ", runs.stream().map(Result::routing).toList())).append(" |\n");
        s.append("|---|").append("---|".repeat(runs.size())).append('\n');
        row(s, "peers seen", runs, r -> String.valueOf(r.recorder().peersSeen));
        row(s, "fetches: got / gave up / left first", runs, r -> r.fetched() + " / " + r.failed() + " / " + r.recorder().abandoned);
        row(s, "fetch success rate", runs, r -> pct(r.successRate()));
        row(s, "time to content p50 / p95 / p99 (ms)", runs, r -> String.format(Locale.ROOT, "%.0f / %.0f / %.0f",
                r.ttcPercentile(50), r.ttcPercentile(95), r.ttcPercentile(99)));
        row(s, "requests that reached no holder", runs, r -> share(r.recorder().reachedNone, r.attempts()));
        row(s, "requests that reached more than one", runs, r -> share(r.recorder().reachedMany, r.attempts()));
        row(s, "transfers wasted (a second holder, or the wanter gone)", runs, r -> String.valueOf(r.recorder().wastedTransfers));
        row(s, "holder load: max / mean (uploads)", runs, r -> String.format(Locale.ROOT, "%d / %.2f", r.loadMax(), r.loadMean()));
        row(s, "holder load Gini", runs, r -> String.format(Locale.ROOT, "%.3f", r.loadGini()));
        row(s, "signaling messages per peer, sent and received (without peer counts)", runs,
                r -> String.format(Locale.ROOT, "%.1f", r.messagesPerPeer()));
        row(s, "peer-count frames per peer", runs, r -> r.routing().equals("ours")
                ? String.format(Locale.ROOT, "%.1f", (double) r.countFrames() / Math.max(1, r.recorder().peersSeen)) : "none (not modelled)");
        row(s, "server errors by code", runs, r -> r.errors().isEmpty() ? "none" : r.errors().toString());
        row(s, "pages still held at the end", runs, r -> r.pagesAliveAtEnd() + " of " + o.pages());
        row(s, "server CPU (ms)", runs, r -> r.serverCpuMs() < 0 ? "n/a" : String.valueOf(r.serverCpuMs()));
        row(s, "wall time of the run (ms)", runs, r -> String.valueOf(r.wallMs()));
        return s.toString();
    }

    private static void row(StringBuilder s, String name, List<Result> runs, java.util.function.Function<Result, String> f) {
        s.append("| ").append(name).append(" | ").append(String.join(" | ", runs.stream().map(f).toList())).append(" |\n");
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f %%", 100 * v);
    }

    private static String share(long n, long of) {
        return of == 0 ? "0" : String.format(Locale.ROOT, "%d of %d (%.1f %%)", n, of, 100.0 * n / of);
    }

    /** As the seed's {@code net_status}: who is online, which pages live, how connected the served graph is. */
    static String netStatus(Result r) {
        Recorder.Sample last = r.recorder().series.get(r.recorder().series.size() - 1);
        int[] h = r.holdersAtEnd();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "net_status (%s) at %.0f s%n", r.routing(), last.tMs() / 1000.0));
        s.append(String.format(Locale.ROOT, "peers online %d of %d seen; %d hold a page%n", last.online(),
                r.recorder().peersSeen, Arrays.stream(h).sum()));
        s.append(String.format(Locale.ROOT, "pages alive %d of %d (%.0f %%)%n", r.pagesAliveAtEnd(), h.length,
                100.0 * r.pagesAliveAtEnd() / h.length));
        IntStream.range(0, h.length).boxed().sorted(Comparator.comparingInt((Integer p) -> -h[p])).limit(10)
                .forEach(p -> s.append(String.format(Locale.ROOT, "  page %d is held by %d peers%n", p, h[p])));
        long[] served = r.served();
        IntStream.range(0, served.length).boxed().filter(i -> served[i] > 0)
                .sorted(Comparator.comparingLong((Integer i) -> -served[i])).limit(10)
                .forEach(i -> s.append(String.format(Locale.ROOT, "  peer p%d served %d page(s)%n", i, served[i])));
        Graph g = Graph.of(r.recorder().edges, Long.MAX_VALUE);
        s.append(String.format(Locale.ROOT, "served graph: %d peers, %d transfers%n", g.nodes().size(), g.edges().size()));
        return s.toString();
    }

    private static void plots(Path out, List<Result> runs) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart survival = chart("Pages still held", "time (s)", "share of pages with a holder");
        XYChart population = chart("Peers online and holder entries", "time (s)", "count");
        XYChart ttc = chart("Time to content (CDF)", "time to content (ms)", "share of fetches");
        for (Result r : runs) {
            List<Recorder.Sample> s = r.recorder().series;
            double[] t = s.stream().mapToDouble(x -> x.tMs() / 1000.0).toArray();
            survival.addSeries(r.routing(), t, s.stream().mapToDouble(x -> (double) x.pagesAlive() / r.options().pages()).toArray())
                    .setMarker(SeriesMarkers.NONE);
            population.addSeries(r.routing() + " online", t, s.stream().mapToDouble(Recorder.Sample::online).toArray())
                    .setMarker(SeriesMarkers.NONE);
            population.addSeries(r.routing() + " holders", t, s.stream().mapToDouble(Recorder.Sample::holders).toArray())
                    .setMarker(SeriesMarkers.NONE);
            List<Long> v = new ArrayList<>(r.recorder().timeToContentMs);
            if (!v.isEmpty()) {
                v.sort(null);
                double[] x = v.stream().mapToDouble(Long::doubleValue).toArray();
                double[] y = IntStream.range(0, x.length).mapToDouble(i -> (i + 1.0) / x.length).toArray();
                ttc.addSeries(r.routing(), x, y).setMarker(SeriesMarkers.NONE);
            }
        }
        BitmapEncoder.saveBitmap(survival, out.resolve("survival.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        BitmapEncoder.saveBitmap(population, out.resolve("population.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        if (!ttc.getSeriesMap().isEmpty()) {
            BitmapEncoder.saveBitmap(ttc, out.resolve("time-to-content.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(800).height(450).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        return c;
    }
}
