package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics}: Prometheus text for operators, on the same listener as {@code /api/stats}. */
class MetricsTest extends ServerTest {
    static final List<String> SERVER_METRICS = List.of("ephemeral_connections", "ephemeral_pages",
            "ephemeral_roster_entries", "ephemeral_wants_routed_total", "ephemeral_wants_deferred_total",
            "ephemeral_signals_relayed_total", "ephemeral_peers_messages_total", "ephemeral_reports_total",
            "ephemeral_connections_refused_total", "ephemeral_connections_closed_total",
            "ephemeral_messages_refused_total", "ephemeral_volunteers", "ephemeral_keeps_total",
            "ephemeral_weak_notices_total");

    static HttpResponse<String> get(int port, String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return TestClient.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Samples by name and labels as written, e.g. {@code ephemeral_roster_entries{role="holder"}}. */
    static Map<String, Double> samples(String body) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : body.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }

    @Test
    void countsRoutingRefusalsAndTheJvmWithoutAnyHash() throws Exception {
        String page = hash("metrics");
        String other = hash("metrics, a second page");
        TestClient holder = client();
        holder.send("{\"type\":\"have\",\"hashes\":[\"" + page + "\",\"" + other + "\"]}");
        TestClient wanter = client();
        wanter.want(page);
        holder.await("content_request");
        wanter.await("routed");
        wanter.send("not json");
        wanter.awaitError("bad_json");

        HttpResponse<String> response = get(server.port(), "/metrics", null);
        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                response.headers().firstValue("Content-Type").orElse(""));
        String body = response.body();
        Map<String, Double> m = samples(body);
        assertEquals(2, m.get("ephemeral_connections"), body);
        assertEquals(2, m.get("ephemeral_pages"));
        assertEquals(2, m.get("ephemeral_roster_entries{role=\"holder\"}"));
        assertEquals(1, m.get("ephemeral_roster_entries{role=\"wanter\"}"));
        assertEquals(1, m.get("ephemeral_wants_routed_total"));
        assertEquals(0, m.get("ephemeral_signals_relayed_total"));
        assertEquals(1, m.get("ephemeral_messages_refused_total{code=\"bad_json\"}"));
        assertEquals(0, m.get("ephemeral_messages_refused_total{code=\"not_paired\"}"), "every code is there from the start");
        assertEquals(0, m.get("ephemeral_connections_closed_total{reason=\"slow_consumer\"}"));
        for (String name : SERVER_METRICS) {
            assertTrue(body.contains("# HELP " + name + " "), "help text for " + name);
        }
        for (String jvm : List.of("jvm_memory_used_bytes{", "jvm_gc_", "jvm_threads_live_threads ", "process_cpu_usage ",
                "system_cpu_count ", "process_uptime_seconds ")) {
            assertTrue(body.contains("\n" + jvm), "JVM metric " + jvm);
        }
        // nothing a peer announced or is known by: not a hash, not a prefix of one, not a peer id
        for (String secret : List.of(page, other, holder.peerId, wanter.peerId)) {
            assertFalse(body.contains(secret.substring(0, 12)), "leaked " + secret + " into:\n" + body);
        }
    }

    @Test
    void openMetricsWhenAskedFor() throws Exception {
        HttpResponse<String> response = get(server.port(), "/metrics", "application/openmetrics-text; version=1.0.0");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
        assertTrue(response.body().endsWith("# EOF\n"), response.body());
        assertTrue(response.body().contains("\nephemeral_wants_routed_total 0.0\n"), response.body());
    }

    @Test
    void onlyTheOperatorsListenerServesThemWhenThereIsOne() throws Exception {
        SignalingServer private_ = SignalingServer.create(config().withAdminListen("127.0.0.1:0")).start();
        try {
            assertEquals(404, get(private_.port(), "/metrics", null).statusCode(), "not on the public port");
            HttpResponse<String> metrics = get(private_.adminPort(), "/metrics", null);
            assertEquals(200, metrics.statusCode());
            assertEquals(0, samples(metrics.body()).get("ephemeral_connections"));
        } finally {
            private_.stop();
        }
    }
}
