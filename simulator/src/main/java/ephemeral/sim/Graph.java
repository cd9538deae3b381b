package ephemeral.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who served whom, as a directed graph: a node per peer, an edge per delivered page (holder → wanter,
 * labelled with the page). Written as Trivial Graph Format (as the seed's simulator did, for yEd) and DOT.
 */
public record Graph(Map<Integer, String> nodes, List<Edge> edges) {
    public record Edge(int from, int to, String label) {
    }

    /** The graph of the edges delivered by {@code untilMs} (all of them with Long.MAX_VALUE). */
    static Graph of(List<Recorder.Edge> served, long untilMs) {
        Map<Integer, String> nodes = new TreeMap<>();
        List<Edge> edges = new ArrayList<>();
        for (Recorder.Edge e : served) {
            if (e.atMs() <= untilMs) {
                nodes.put(e.from(), "p" + e.from());
                nodes.put(e.to(), "p" + e.to());
                edges.add(new Edge(e.from(), e.to(), "page " + e.page()));
            }
        }
        return new Graph(nodes, List.copyOf(edges));
    }

    public String tgf() {
        StringBuilder s = new StringBuilder();
        nodes.forEach((id, label) -> s.append(id).append(' ').append(label).append('\n'));
        s.append("#\n");
        for (Edge e : edges) {
            s.append(e.from).append(' ').append(e.to).append(' ').append(e.label).append('\n');
        }
        return s.toString();
    }

    /** Reads TGF: node lines {@code id label}, a line {@code #}, edge lines {@code from to label}. */
    public static Graph parseTgf(String text) {
        Map<Integer, String> nodes = new TreeMap<>();
        List<Edge> edges = new ArrayList<>();
        boolean inEdges = false;
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.trim().equals("#")) {
                inEdges = true;
                continue;
            }
            String[] parts = line.trim().split(" ", inEdges ? 3 : 2);
            if (inEdges) {
                edges.add(new Edge(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : ""));
            } else {
                nodes.put(Integer.parseInt(parts[0]), parts.length > 1 ? parts[1] : "");
            }
        }
        return new Graph(nodes, List.copyOf(edges));
    }

    public String dot() {
        StringBuilder s = new StringBuilder("digraph served {\n  node [shape=point];\n");
        for (Edge e : edges) {
            s.append("  p").append(e.from).append(" -> p").append(e.to).append(" [label=\"").append(e.label).append("\"];\n");
        }
        return s.append("}\n").toString();
    }

    void write(Path tgf, Path dot) {
        try {
            Files.writeString(tgf, tgf());
            if (dot != null) {
                Files.writeString(dot, dot());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
