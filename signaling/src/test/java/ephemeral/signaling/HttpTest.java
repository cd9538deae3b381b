package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class HttpTest extends ServerTest {

    HttpResponse<String> get(String path) throws Exception {
        return TestClient.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheAppAtHomeAndAtEveryPageAddress() throws Exception {
        var home = get("/");
        assertEquals(200, home.statusCode());
        assertTrue(home.body().contains("<html") || home.body().contains("<!doctype"), home.body());
        assertTrue(home.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self' "
                + inlineScriptHash(home.body()) + ";"), "the app's own files and its one inline script, nothing else");
        assertEquals("no-referrer", home.headers().firstValue("Referrer-Policy").orElse(""));
        String csp = home.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("connect-src 'self' ws://127.0.0.1:" + server.port() + " wss://127.0.0.1:" + server.port() + ";"),
                "WebSockets to this server only, not to any host: " + csp);
        assertEquals("same-origin", home.headers().firstValue("Cross-Origin-Opener-Policy").orElse(""));
        assertTrue(home.headers().firstValue("Permissions-Policy").orElse("").contains("camera=()"));
        var page = get("/" + hash("page"));
        assertEquals(200, page.statusCode());
        assertEquals(home.body(), page.body());
        assertEquals(404, get("/" + hash("page").toUpperCase()).statusCode());
        assertEquals(404, get("/nothing-here").statusCode());
        assertEquals(200, get("/healthz").statusCode());
        // a live page's address: the RFC 8032 test key
        var live = get("/live/11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
        assertEquals(200, live.statusCode());
        assertEquals(home.body(), live.body());
        assertEquals(404, get("/live/11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURp").statusCode(), "a second spelling");
        assertEquals(404, get("/live/short").statusCode());
    }

    /** The CSP hash source of the page's inline script, computed here independently of the server. */
    private static String inlineScriptHash(String html) throws Exception {
        int from = html.indexOf("<script>") + "<script>".length();
        String script = html.substring(from, html.indexOf("</script>", from));
        assertTrue(script.contains("new WebSocket("), "the inline script is the early signaling: " + script);
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(script.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return "'sha256-" + java.util.Base64.getEncoder().encodeToString(digest) + "'";
    }

    @Test
    void statsCountConnectionsPagesAndTraffic() throws Exception {
        TestClient a = client();
        String page = hash("stats");
        a.have(page);
        TestClient b = client();
        b.want(page);
        a.await("content_request");
        JsonNode stats = TestClient.JSON.readTree(get("/api/stats").body());
        assertEquals(2, stats.get("connections").asInt());
        assertEquals(1, stats.get("pages").asInt());
        assertEquals(1, stats.get("holders").asInt());
        assertEquals(1, stats.get("wanters").asInt());
        assertEquals(1, stats.get("requestsRouted").asInt());
        assertEquals(0, stats.get("signalsRelayed").asInt());
    }

    @Test
    void unknownHostNamesAreRefusedAsDnsRebindingWouldSendThem() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: rebind.attacker.example:" + server.port()
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream())).readLine();
            assertTrue(status.startsWith("HTTP/1.1 421"), status);
        }
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: rebind.attacker.example:" + server.port()
                    + "\r\nOrigin: http://rebind.attacker.example:" + server.port()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream())).readLine();
            assertTrue(status.startsWith("HTTP/1.1 421"), status);
        }
        assertEquals(200, get("/").statusCode(), "this machine's own address is known");
        assertEquals(0, server.stats().connections());
    }

    @Test
    void statsCanMoveToAnOperatorsOnlyListener() throws Exception {
        SignalingServer private_ = SignalingServer.create(config().withAdminListen("127.0.0.1:0")).start();
        try {
            var stats = TestClient.HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + private_.adminPort() + "/api/stats")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, stats.statusCode());
            assertTrue(stats.body().contains("\"connections\""));
            var publicStats = TestClient.HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + private_.port() + "/api/stats")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, publicStats.statusCode(), "not on the public port any more");
        } finally {
            private_.stop();
        }
    }
}
